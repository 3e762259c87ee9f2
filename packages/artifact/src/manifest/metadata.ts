import type { Finding } from "@mlgate/core";
import { checkFrom, type Outcome } from "../outcome.js";
import type { ModelCard } from "./schema.js";

/** Required unless the policy says otherwise. */
export const DEFAULT_REQUIRED_METADATA: readonly string[] = ["version", "owner", "license"];

/** `training_data_version`, `trainingDataVersion` and `training-data-version` name the same key. */
function normalize(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[_\s]/g, "-");
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/** Every metadata key the policy requires is present and not empty. */
export function checkRequiredMetadata(
  card: ModelCard,
  required: readonly string[],
  manifestFile: string,
): Outcome {
  const given = new Map(Object.entries(card.metadata ?? {}).map(([k, v]) => [normalize(k), v]));
  const findings: Finding[] = [];
  for (const key of required) {
    const value = given.get(normalize(key));
    if (isEmpty(value)) {
      findings.push({
        rule: "manifest.metadata-missing",
        level: "fail",
        message:
          value === undefined
            ? `the manifest's metadata has no "${key}", which the policy requires`
            : `the manifest's metadata "${key}" is empty`,
        file: manifestFile,
      });
    }
  }
  const check = checkFrom("required metadata", findings, {
    actual: `${required.length - findings.length} of ${required.length} present`,
    expected: required.join(", ") || "none required",
  });
  return { checks: [check], findings, metrics: {} };
}
