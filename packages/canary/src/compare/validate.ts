import { GateError } from "@mlgate/core";

/**
 * Input checks shared by the comparison statistics. A wrong number fed to a test does not fail
 * loudly on its own (NaN sorts anywhere, a negative count gives a p-value): it has to be refused here.
 */

function show(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** A non-empty array of finite numbers. */
export function requireSample(values: readonly number[], what: string): void {
  if (!Array.isArray(values)) throw new GateError(`${what} must be an array of numbers, got ${show(values)}`);
  if (values.length === 0)
    throw new GateError(`${what} is empty`, { hint: "a comparison needs at least one value on each side" });
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new GateError(`${what}[${i}] is ${show(v)}; expected a finite number`);
  }
}

/** A confidence level strictly between 0 and 1, e.g. 0.95. */
export function requireConfidence(confidence: number, what = "confidence"): void {
  if (typeof confidence !== "number" || !(confidence > 0 && confidence < 1))
    throw new GateError(`${what} must be strictly between 0 and 1, got ${show(confidence)}`, {
      hint: "write 0.95 for 95%",
    });
}

/** A probability strictly between 0 and 1 (a rate, alpha, power). */
export function requireOpenUnit(value: number, what: string): void {
  if (typeof value !== "number" || !(value > 0 && value < 1))
    throw new GateError(`${what} must be strictly between 0 and 1, got ${show(value)}`);
}

/** A whole number of items, at least `min`. */
export function requireCount(value: number, what: string, min = 0): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min)
    throw new GateError(`${what} must be a whole number >= ${min}, got ${show(value)}`);
}

/** A non-empty array, each of whose items `check` accepts (it throws naming the index otherwise). */
export function requireRows<T>(
  rows: ReadonlyArray<T>,
  what: string,
  check: (row: T, index: number) => void,
): void {
  if (!Array.isArray(rows)) throw new GateError(`${what} must be an array, got ${show(rows)}`);
  if (rows.length === 0) throw new GateError(`${what} is empty`, { hint: "nothing to compare yet" });
  rows.forEach(check);
}

export { show as describeValue };
