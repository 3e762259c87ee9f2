// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import {
  GateError,
  gateSection,
  isGateError,
  loadGateSection,
  type ReportSettings,
  reportSettingsOf,
  resolveFrom,
} from "@mlgate/core";
import { z } from "zod";
import { expandFileList } from "./file-list.js";
import { splitHeaderLine } from "./headers.js";
import { LIMITS } from "./limits.js";
import type { LoadTestInput } from "./load-test.js";
import { parseDuration, parseRate } from "./quantities.js";

export const LOAD_TEST = "load-test";

/** A zod string checked by one of the quantity parsers, so a typo fails when the config loads. */
function quantity(parse: (text: string, what: string) => number, kind: string, examples: string[]) {
  return z
    .union([z.string().min(1), z.number().nonnegative()])
    .superRefine((value, ctx) => {
      try {
        parse(String(value), kind);
      } catch (e) {
        ctx.addIssue({
          code: "custom",
          message: isGateError(e) ? `${e.message} — ${e.hint ?? ""}`.trim() : String(e),
        });
      }
    })
    .meta({ examples });
}

const rate = quantity(parseRate, "rate", ["200/s", "12000/min"]);
const duration = quantity(parseDuration, "duration", ["30s", "2m"]);

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/** The `load-test:` section of mlgate.yml. Paths are relative to the config file. */
export const loadTestSection = gateSection({
  url: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The endpoint to load, exactly as requests should reach it, e.g. https://staging.example.com/v1/predict.",
    ),
  method: z.enum(HTTP_METHODS).optional().describe("HTTP method (default POST with a body file, else GET)."),
  rate: rate
    .optional()
    .describe(
      "Open model: arrivals per second (`200/s`, `12000/min`); requests start on schedule whether or not earlier ones finished. With `ramp`, the rate the first stage starts from (default 0).",
    ),
  duration: duration
    .optional()
    .describe("How long the measured phase lasts at `rate` (default 30s); not used with `ramp`."),
  ramp: z
    .array(
      z.strictObject({
        duration: duration.describe("How long this stage lasts."),
        rate: rate.describe("The rate reached at the end of this stage (linear from the previous one)."),
      }),
    )
    .min(1)
    .max(LIMITS.maxStages)
    .optional()
    .describe(
      "Open model with a ramping arrival rate: stages, each moving linearly to its rate over its duration.",
    ),
  warmup: duration
    .optional()
    .describe(
      "Load before the measured phase, at the starting rate, left out of every metric (default none).",
    ),
  concurrency: z
    .int()
    .min(1)
    .max(LIMITS.maxConcurrency)
    .optional()
    .describe(
      "Closed model instead of the open one: this many users, each sending its next request as soon as the previous answer arrives.",
    ),
  connections: z
    .int()
    .min(1)
    .max(LIMITS.maxConnections)
    .optional()
    .describe(
      "Open model: most connections (and requests in flight) at once (default 1024); arrivals beyond wait for a free one and their wait counts in latency.",
    ),
  timeout: duration
    .optional()
    .describe("Per-request timeout, for the headers and between body chunks (default 30s)."),
  "max-requests": z
    .int()
    .min(1)
    .max(LIMITS.maxRequests)
    .optional()
    .describe("Send at most this many requests (warm-up included), whatever the rate and duration."),
  "body-file": z
    .string()
    .min(1)
    .optional()
    .describe(
      "Request bodies: a JSONL file (one JSON value per line) or a CSV file (a header row; each row is sent as a JSON object), one per request, cycling.",
    ),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Request headers; values may use ${env.NAME} (masked in logs and reports), ${seq} and ${uuid}.",
    ),
  stream: z
    .boolean()
    .optional()
    .describe(
      "The endpoint streams server-sent events (OpenAI-style chat/completions): measure time to first token, inter-token latency and tokens per second.",
    ),
  "response-schema": z
    .string()
    .min(1)
    .optional()
    .describe("JSON Schema every 2xx response body must match; mismatches count as errors."),
  "abort-early": z
    .boolean()
    .optional()
    .describe("Stop as soon as a threshold can no longer pass, whatever the rest of the run brings."),
  shard: z
    .string()
    .regex(/^\s*\d+\s*\/\s*\d+\s*$/, "expected i/n, e.g. 1/4")
    .optional()
    .describe(
      "Run share i of n (`1/4`): each shard sends 1/n of the arrivals and writes a mergeable result file; thresholds are judged after `--merge`.",
    ),
  "result-file": z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where to write the mergeable result (histograms included); default load-test-shard-I-of-N.json for shards.",
    ),
});

export type LoadTestSection = z.output<typeof loadTestSection>;

/** What the command line or the action inputs say; these win over the config file. */
export interface LoadTestOverrides {
  url?: string;
  method?: string;
  rate?: string;
  duration?: string;
  /** `DURATION:RATE` stages, e.g. `30s:200/s`. */
  ramp?: string[];
  warmup?: string;
  concurrency?: number;
  connections?: number;
  timeout?: string;
  maxRequests?: number;
  bodyFile?: string;
  /** `Name: value` lines. */
  headers?: string[];
  stream?: boolean;
  responseSchema?: string;
  abortEarly?: boolean;
  shard?: string;
  resultFile?: string;
  /** Result files (or `*` patterns) of shards to merge and judge. */
  merge?: string[];
  gates?: string[];
}

export interface ResolvedLoadTest {
  input: LoadTestInput;
  report: ReportSettings;
}

/** `1/4` → { index: 0, count: 4 }. */
export function parseShard(text: string, what = "shard"): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const i = Number(match?.[1]);
  const n = Number(match?.[2]);
  if (!match || !(n >= 1) || n > LIMITS.maxShards || !(i >= 1) || i > n) {
    throw new GateError(`${what} "${text}" is not i/n with 1 <= i <= n <= ${LIMITS.maxShards}`, {
      hint: "e.g. 1/4 for the first of four shards (in a matrix: shard: ${{ matrix.shard }}/4)",
    });
  }
  return { index: i - 1, count: n };
}

/** `30s:200/s` → a ramp stage. */
export function parseRampStage(text: string, what = "ramp stage"): { durationMs: number; rate: number } {
  const colon = text.indexOf(":");
  if (colon < 1)
    throw new GateError(`${what} "${text}" is not DURATION:RATE`, {
      hint: "e.g. 30s:200/s ramps to 200/s over 30 seconds",
    });
  return {
    durationMs: parseDuration(text.slice(0, colon), `${what} "${text}": duration`),
    rate: parseRate(text.slice(colon + 1), `${what} "${text}": rate`),
  };
}

function headerMap(lines: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const { name, value } = splitHeaderLine(line, what);
    out[name] = value;
  }
  return out;
}

/** Merge the config file's section with overrides into the gate's input. */
export async function resolveLoadTest(
  overrides: LoadTestOverrides,
  source: { configPath?: string; cwd: string },
): Promise<ResolvedLoadTest> {
  const loaded = await loadGateSection(LOAD_TEST, loadTestSection, source);
  const file: LoadTestSection = loaded.section ?? {};
  const inFile = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(loaded.baseDir, p));
  const inCwd = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(source.cwd, p));
  const where = (key: string) =>
    loaded.file ? `${LOAD_TEST}.${key} in ${loaded.file}` : `${LOAD_TEST}.${key}`;

  const str = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
  const rateText = overrides.rate ?? str(file.rate);
  const durationText = overrides.duration ?? str(file.duration);
  const warmupText = overrides.warmup ?? str(file.warmup);
  const timeoutText = overrides.timeout ?? str(file.timeout);
  const shardText = overrides.shard ?? file.shard;
  const ramp =
    overrides.ramp && overrides.ramp.length > 0
      ? overrides.ramp.map((s) => parseRampStage(s, "--ramp"))
      : file.ramp?.map((s, i) => ({
          durationMs: parseDuration(String(s.duration), `${where(`ramp[${i}].duration`)}`),
          rate: parseRate(String(s.rate), `${where(`ramp[${i}].rate`)}`),
        }));

  const headers = {
    ...(file.headers ?? {}),
    ...(overrides.headers ? headerMap(overrides.headers, "header") : {}),
  };
  const merge =
    overrides.merge && overrides.merge.length > 0
      ? await expandFileList(overrides.merge, source.cwd)
      : undefined;

  const input: LoadTestInput = {
    gates: overrides.gates ?? file.gates ?? [],
  };
  const set = <K extends keyof LoadTestInput>(key: K, value: LoadTestInput[K] | undefined) => {
    if (value !== undefined) input[key] = value;
  };
  set("url", overrides.url ?? file.url);
  set("method", overrides.method ?? file.method);
  set(
    "rate",
    rateText === undefined ? undefined : parseRate(rateText, overrides.rate ? "--rate" : where("rate")),
  );
  set(
    "durationMs",
    durationText === undefined
      ? undefined
      : parseDuration(durationText, overrides.duration ? "--duration" : where("duration")),
  );
  set(
    "warmupMs",
    warmupText === undefined
      ? undefined
      : parseDuration(warmupText, overrides.warmup ? "--warmup" : where("warmup")),
  );
  set(
    "timeoutMs",
    timeoutText === undefined
      ? undefined
      : parseDuration(timeoutText, overrides.timeout ? "--timeout" : where("timeout")),
  );
  set("ramp", ramp);
  set("concurrency", overrides.concurrency ?? file.concurrency);
  set("connections", overrides.connections ?? file.connections);
  set("maxRequests", overrides.maxRequests ?? file["max-requests"]);
  set("bodyFile", inCwd(overrides.bodyFile) ?? inFile(file["body-file"]));
  set("headers", Object.keys(headers).length > 0 ? headers : undefined);
  set("stream", overrides.stream ?? file.stream);
  set("responseSchema", inCwd(overrides.responseSchema) ?? inFile(file["response-schema"]));
  set("abortEarly", overrides.abortEarly ?? file["abort-early"]);
  set(
    "shard",
    shardText === undefined ? undefined : parseShard(shardText, overrides.shard ? "--shard" : where("shard")),
  );
  set("resultFile", inCwd(overrides.resultFile) ?? inFile(file["result-file"]));
  set("merge", merge);
  if (input.shard && !input.resultFile) {
    input.resultFile = resolveFrom(
      source.cwd,
      `load-test-shard-${input.shard.index + 1}-of-${input.shard.count}.json`,
    );
  }
  return { input, report: reportSettingsOf(file.report, loaded.baseDir) };
}
