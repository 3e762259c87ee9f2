import { GateError } from "@mlgate/core";

/** Typed access to a parsed report, with errors that name the file and the JSON path. */
export class Fields {
  constructor(
    readonly file: string,
    readonly role: string,
  ) {}

  fail(path: string, expected: string): never {
    throw new GateError(`${this.role} ${this.file}: ${path} should be ${expected}`, {
      location: { file: this.file },
      hint: "give the scanner's JSON output unchanged (trivy --format json, grype -o json, or SARIF 2.1.0)",
    });
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(path, "an object");
    return value as Record<string, unknown>;
  }

  /** A list; absent or null is empty. */
  list(value: unknown, path: string, max: number): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, "a list");
    if (value.length > max) this.fail(path, `a list of at most ${max} items (it has ${value.length})`);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== "string" || value.trim() === "") this.fail(path, "a non-empty string");
    return value.trim().slice(0, 4000);
  }

  /** A string when present; other types are a mistake worth reporting. */
  optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") this.fail(path, "a string");
    return value.trim().slice(0, 4000) || undefined;
  }
}

/** How many findings one imported report may hold. */
export const MAX_IMPORTED_FINDINGS = 500_000;
