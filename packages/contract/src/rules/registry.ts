import type { ChangeLevel, RuleInfo } from "../change.js";
import { OPENAPI_RULES } from "./openapi-rules.js";
import { SCHEMA_RULES } from "./schema-rules.js";

/** The OpenAPI and JSON Schema rules: every id the engines of this package can report. */
export const RULES: RuleInfo[] = [...OPENAPI_RULES, ...SCHEMA_RULES];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));
/** Engines name rules without their family prefix (`request-type-changed`); reports use the full id. */
const BY_SHORT = new Map(RULES.map((r) => [r.id.slice(r.id.indexOf(".") + 1), r]));

/** The registered rule for a full or short id; an unknown id is a programming error, not bad input. */
export function ruleOf(id: string): RuleInfo {
  const rule = BY_ID.get(id) ?? BY_SHORT.get(id);
  if (!rule) throw new Error(`unknown contract rule "${id}"`);
  return rule;
}

export function levelOf(id: string): ChangeLevel {
  return ruleOf(id).level;
}

/** Several registries as one, refusing duplicate ids so every id means one thing. */
export function mergeRules(...registries: readonly (readonly RuleInfo[])[]): RuleInfo[] {
  const seen = new Map<string, RuleInfo>();
  for (const rule of registries.flat()) {
    const known = seen.get(rule.id);
    if (known && known.family !== rule.family) {
      throw new Error(`rule id "${rule.id}" is defined by both ${known.family} and ${rule.family}`);
    }
    if (!known) seen.set(rule.id, rule);
  }
  return [...seen.values()];
}
