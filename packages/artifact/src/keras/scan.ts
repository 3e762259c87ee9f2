/** Keras model configs, bare or inside a `.keras` archive, judged into scan findings. */
import type { AllowEntry } from "../pickle/policy.js";
import type { ScanCollector } from "../pickle/report.js";
import { checkKerasConfig } from "./config.js";
import { parseBoundedJson } from "./json.js";

export interface KerasScanOptions {
  file: string;
  member?: string;
  allow: readonly AllowEntry[];
  maxJsonDepth: number;
  collector: ScanCollector;
}

/** Parse a config with bounds; returns the value, or undefined after reporting why not. */
export function readKerasJson(text: string, opts: KerasScanOptions): unknown {
  const where = opts.member ?? "the config";
  const parsed = parseBoundedJson(text, opts.maxJsonDepth);
  if (!parsed.ok) {
    opts.collector.add({
      rule: parsed.rule,
      level: "fail",
      message: `${where}: ${parsed.message}`,
      file: opts.file,
      properties: {
        ...(opts.member !== undefined ? { member: opts.member } : {}),
        ...(parsed.offset !== undefined ? { offset: parsed.offset } : {}),
      },
    });
    return undefined;
  }
  return parsed.value;
}

/** Is this parsed JSON a Keras model config (an object naming its class and carrying a config)? */
export function looksLikeKerasConfig(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>).class_name === "string" &&
    "config" in value
  );
}

export function judgeKerasConfig(value: unknown, opts: KerasScanOptions): void {
  const where = opts.member ?? "the config";
  if (!looksLikeKerasConfig(value)) {
    opts.collector.add({
      rule: "keras.malformed",
      level: "fail",
      message: `${where} is not a Keras model config (an object with class_name and config)`,
      file: opts.file,
      properties: opts.member !== undefined ? { member: opts.member } : {},
    });
    return;
  }
  for (const issue of checkKerasConfig(value, opts.allow, 5_000_000)) {
    opts.collector.add({
      rule: issue.rule,
      level: "fail",
      message: `${where}: ${issue.message}`,
      file: opts.file,
      properties: {
        ...(opts.member !== undefined ? { member: opts.member } : {}),
        path: issue.path,
        ...(issue.properties ?? {}),
      },
    });
  }
}
