// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header values are written ${env.NAME}
import { GateError, resolveFrom } from "@mlgate/core";
import { parseDuration, parseRate, readBodies } from "@mlgate/load";
import type { CanaryInput } from "../input.js";
import { parsePath } from "../metrics/json-path.js";
import type { CanarySection } from "./section.js";
import { checkHttpUrl } from "./traffic.js";

const DEFAULT_PROBE_RATE = "10/s";

/** The flags that address the probe. */
export interface ProbeOverrides {
  baseline?: string;
  candidate?: string;
  probeRate?: string;
}

/** Expands `${env.NAME}` in a block of headers (see {@link expandHeaders}). */
export type HeaderExpander = (
  h: Record<string, string> | undefined,
  where: string,
) => Record<string, string> | undefined;

/** The probe's settings: its targets, rate, bodies (read now), headers and where the score is. */
export async function probeOf(
  o: ProbeOverrides,
  s: CanarySection,
  baseDir: string,
  prediction: string | undefined,
  expand: HeaderExpander,
): Promise<NonNullable<CanaryInput["probe"]>> {
  const p = s.probe;
  const baseline = p?.baseline ?? o.baseline ?? s.baseline;
  const candidate = p?.candidate ?? o.candidate ?? s.candidate;
  if (!baseline || !candidate) {
    throw new GateError("probe metrics need both endpoints", {
      hint: "set canary.baseline and canary.candidate (or canary.probe.baseline and .candidate, or --baseline and --candidate)",
    });
  }
  if (p?.["body-file"] && p.body !== undefined)
    throw new GateError("canary.probe: give body or body-file, not both");
  const bodies = p?.["body-file"]
    ? (await readBodies(resolveFrom(baseDir, p["body-file"]))).bodies
    : p?.body !== undefined
      ? [Buffer.from(JSON.stringify(p.body))]
      : undefined;
  const rate = o.probeRate ?? p?.rate ?? DEFAULT_PROBE_RATE;
  const headers = expand(p?.headers, "canary.probe.headers");
  return {
    baseline: checkHttpUrl(baseline, "the baseline URL"),
    candidate: checkHttpUrl(candidate, "the candidate URL"),
    rate: typeof rate === "number" ? rate : parseRate(rate, "canary.probe.rate"),
    ...(p?.method ? { method: p.method } : {}),
    ...(bodies ? { bodies } : {}),
    ...(headers ? { headers } : {}),
    timeoutMs: p?.timeout ? parseDuration(p.timeout, "canary.probe.timeout") : 10_000,
    ...(p?.warmup ? { warmupMs: parseDuration(p.warmup, "canary.probe.warmup") } : {}),
    ...(prediction ? { prediction: parsePath(prediction) } : {}),
  };
}

/** `${env.NAME}` in header values, read once; the values are secrets to mask. */
export function expandHeaders(
  headers: Record<string, string> | undefined,
  where: string,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = value.replace(/\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
      const v = env[key];
      if (v === undefined || v === "")
        throw new GateError(`${where}.${name}: environment variable ${key} is not set`);
      secrets.push(v);
      return v;
    });
    if (/^(authorization|proxy-authorization|cookie|x-api-key)$/i.test(name)) secrets.push(out[name]!);
  }
  return out;
}
