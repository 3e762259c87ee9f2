import { GateError } from "@mlgate/core";
import { numbersAt, type PathSegment, parsePath, selectPath } from "../metrics/json-path.js";

/** `label`: a class the two versions should agree on. `score`: a number whose distribution is compared. */
export type OutputKind = "label" | "score";

/** One field of the model's answer that the shadow comparison reads. */
export interface OutputSpec {
  /** How thresholds name it: `agreement(label) >= 98%`, `psi(score) < 0.1`. */
  name: string;
  /** The path as written, e.g. `$.probabilities[1]`. */
  path: string;
  segments: PathSegment[];
  kind: OutputKind;
}

/** An output's value in one answer; absent when the answer does not hold it. */
export type OutputValues = Record<string, string | number>;

export const MAX_OUTPUTS = 16;
/** Labels longer than this are cut: they are compared, not read. */
export const MAX_LABEL_LENGTH = 200;
const NAME = /^[A-Za-z_][\w]{0,63}$/;

export function outputSpec(name: string, path: string, kind: OutputKind, where: string): OutputSpec {
  if (!NAME.test(name)) {
    throw new GateError(`${where}: output name "${name.slice(0, 80)}" is not a plain name`, {
      hint: "use letters, digits and _ (it names the output in thresholds, e.g. agreement(label))",
    });
  }
  if (kind !== "label" && kind !== "score")
    throw new GateError(`${where}: kind must be label or score, not "${String(kind)}"`);
  try {
    return { name, path, segments: parsePath(path), kind };
  } catch (e) {
    throw new GateError(`${where}.path: ${(e as Error).message}`, {
      hint: "e.g. $.label or $.probabilities[1]",
    });
  }
}

/** Refuse two outputs with one name, and more outputs than anyone reads. */
export function checkOutputs(outputs: readonly OutputSpec[], where: string): void {
  if (outputs.length > MAX_OUTPUTS) throw new GateError(`${where}: at most ${MAX_OUTPUTS} outputs`);
  const seen = new Set<string>();
  for (const o of outputs) {
    if (seen.has(o.name)) throw new GateError(`${where}: two outputs are named "${o.name}"`);
    seen.add(o.name);
  }
}

/** A label as text: strings as they are (cut), numbers and booleans written out; anything else is no label. */
function labelOf(value: unknown): string | undefined {
  if (typeof value === "string") return value.slice(0, MAX_LABEL_LENGTH);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

/** The outputs found in one answer (a parsed JSON body); missing or malformed fields are left out. */
export function extractOutputs(answer: unknown, outputs: readonly OutputSpec[]): OutputValues {
  const values: OutputValues = {};
  for (const o of outputs) {
    if (o.kind === "score") {
      const score = numbersAt(answer, o.segments)[0];
      if (score !== undefined) values[o.name] = score;
    } else {
      const label = labelOf(selectPath(answer, o.segments)[0]);
      if (label !== undefined) values[o.name] = label;
    }
  }
  return values;
}

/** Parse an answer body and read its outputs; a body that is not JSON has none. */
export function outputsOfBody(body: Buffer | string, outputs: readonly OutputSpec[]): OutputValues {
  if (outputs.length === 0) return {};
  try {
    return extractOutputs(JSON.parse(typeof body === "string" ? body : body.toString("utf8")), outputs);
  } catch {
    return {};
  }
}
