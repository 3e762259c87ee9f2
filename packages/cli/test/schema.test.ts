import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mlgateJsonSchema } from "../src/config-schema.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

describe("schema/mlgate.schema.json", () => {
  it("is the schema the code generates (run `npm run schema` when this fails)", async () => {
    const committed = JSON.parse(await readFile(repo("schema/mlgate.schema.json"), "utf8"));
    expect(committed).toEqual(mlgateJsonSchema());
  });

  it("accepts the example config and rejects a misspelt key", async () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(mlgateJsonSchema());
    const example = parse(await readFile(repo("examples/mlgate.yml"), "utf8"));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1, "eval-gate": { candidat: "m.json" } })).toBe(false);
    expect(validate({ version: 1, "eval-gates": {} })).toBe(false);
    expect(
      validate({
        version: 1,
        "eval-gate": { accept: [{ metric: "f1", reason: "ok", expires: "2026-13-40" }] },
      }),
    ).toBe(false);
  });
});
