import { GateError, resolveFrom } from "@mlgate/core";
import { parseDuration } from "@mlgate/load";
import type { TrafficSpec } from "../input.js";
import { CLOUD_TRAFFIC_SCHEMAS, type CloudTrafficKind } from "../traffic/cloud-index.js";
import type { CanarySection } from "./section.js";

/** Every router `canary.traffic.provider` can name. */
export type TrafficKind = "embedded" | "nginx" | "command" | CloudTrafficKind;

export const TRAFFIC_KINDS: readonly TrafficKind[] = [
  "embedded",
  "nginx",
  "command",
  ...(Object.keys(CLOUD_TRAFFIC_SCHEMAS) as CloudTrafficKind[]),
];

/** The flags that choose and address the router. */
export interface TrafficOverrides {
  provider?: TrafficKind;
  baseline?: string;
  candidate?: string;
}

export function checkHttpUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GateError(`${what} "${url}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new GateError(`${what} must be http or https`);
  return url;
}

function hostPort(url: string | undefined, role: string): string[] {
  if (!url) {
    throw new GateError(`nginx: no ${role} servers`, {
      hint: `set canary.traffic.${role}-servers, or canary.${role} as a URL`,
    });
  }
  const u = new URL(checkHttpUrl(url, `the ${role} URL`));
  return [`${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`];
}

export function trafficOf(o: TrafficOverrides, s: CanarySection, baseDir: string): TrafficSpec {
  const configured = s.traffic;
  const kind = o.provider ?? configured?.provider ?? "embedded";
  const baseline = o.baseline ?? s.baseline;
  const candidate = o.candidate ?? s.candidate;
  if (configured && configured.provider !== kind && kind !== "embedded") {
    throw new GateError(
      `--provider ${kind} needs its settings in canary.traffic, which configures ${configured.provider}`,
    );
  }
  if (kind === "embedded") {
    if (!baseline || !candidate) {
      throw new GateError("the embedded router needs the baseline's and the candidate's addresses", {
        hint: "set canary.baseline and canary.candidate (or --baseline URL --candidate URL)",
      });
    }
    const listen = configured?.provider === "embedded" ? configured.listen : undefined;
    const m = listen ? /^(.*):(\d+)$/.exec(listen) : null;
    return {
      kind: "embedded",
      baseline: checkHttpUrl(baseline, "the baseline URL"),
      candidate: checkHttpUrl(candidate, "the candidate URL"),
      ...(m ? { host: m[1]!.replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(m[2]) } : {}),
    };
  }
  if (configured?.provider === "nginx") {
    const n = configured;
    return {
      kind: "nginx",
      options: {
        file: resolveFrom(baseDir, n.file),
        upstream: n.upstream,
        baseline: n["baseline-servers"] ?? hostPort(baseline, "baseline"),
        candidate: n["candidate-servers"] ?? hostPort(candidate, "candidate"),
        ...(n["server-params"] !== undefined ? { serverParams: n["server-params"] } : {}),
        ...(n.binary ? { binary: n.binary } : {}),
        ...(n.prefix ? { prefix: resolveFrom(baseDir, n.prefix) } : {}),
        ...(n.conf ? { conf: resolveFrom(baseDir, n.conf) } : {}),
        ...(n["error-log"] ? { errorLog: resolveFrom(baseDir, n["error-log"]) } : {}),
        ...(n["mirror-file"] ? { mirrorFile: resolveFrom(baseDir, n["mirror-file"]) } : {}),
        ...(n.reload ? { reload: n.reload } : {}),
        ...(n.test !== undefined ? { test: n.test } : {}),
        ...(n.live ? { live: n.live } : {}),
      },
    };
  }
  if (configured && Object.hasOwn(CLOUD_TRAFFIC_SCHEMAS, configured.provider)) {
    // Checked by the section's schema already; built at run time, when the AWS or Kubernetes client is needed.
    return { kind: "cloud", provider: configured.provider as CloudTrafficKind, config: configured, baseDir };
  }
  if (configured?.provider === "command") {
    const c = configured;
    return {
      kind: "command",
      options: {
        set: c.set,
        get: c.get,
        ...(c.promote ? { promote: c.promote } : {}),
        ...(c.rollback ? { rollback: c.rollback } : {}),
        cwd: baseDir,
        ...(c.timeout ? { timeoutMs: parseDuration(c.timeout, "canary.traffic.timeout") } : {}),
      },
    };
  }
  throw new GateError(`the ${kind} router needs its settings in canary.traffic`, {
    hint:
      kind === "nginx"
        ? "set canary.traffic.file and .upstream"
        : kind === "command"
          ? "set canary.traffic.set and .get"
          : `set canary.traffic.provider: ${kind} and its keys`,
  });
}
