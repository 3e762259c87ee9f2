import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkKerasConfig, scanModelFile } from "../../src/index.js";
import { parseBoundedJson } from "../../src/keras/json.js";
import { KERAS_SEQUENTIAL } from "../fixtures/pickles/models.js";
import { zipBytes } from "../fixtures/pickles/zip.js";

const rules = (config: unknown, allow = []) => checkKerasConfig(config, allow, 100_000).map((i) => i.rule);
const layer = (extra: Record<string, unknown>) => ({
  ...structuredClone(KERAS_SEQUENTIAL),
  config: { ...KERAS_SEQUENTIAL.config, layers: [...KERAS_SEQUENTIAL.config.layers, extra] },
});

describe("bounded JSON", () => {
  it("parses, and reports depth, duplicate keys (escaped ones too) and syntax errors", () => {
    expect(parseBoundedJson('{"a": [1, {"b": 2}]}', 10)).toEqual({ ok: true, value: { a: [1, { b: 2 }] } });
    expect(parseBoundedJson("[".repeat(50) + "]".repeat(50), 10)).toMatchObject({
      ok: false,
      rule: "keras.limit",
    });
    expect(parseBoundedJson('{"class_name": 1, "\\u0063lass_name": 2}', 10)).toMatchObject({
      ok: false,
      rule: "keras.duplicate-key",
    });
    expect(parseBoundedJson('{"a": {"x": 1}, "b": {"x": 1}}', 10).ok).toBe(true);
    expect(parseBoundedJson('{"a": "}{\\"x", "a2": 1}', 10).ok).toBe(true);
    expect(parseBoundedJson('{"a": 1,}', 10)).toMatchObject({ ok: false, rule: "keras.malformed" });
  });
});

describe("Keras config rules", () => {
  it("passes the built-in layers, initializers, losses and Keras builtin function names", () => {
    expect(rules(KERAS_SEQUENTIAL)).toEqual([]);
  });

  it("fails Lambda, TFOpLambda and __lambda__ wherever they appear", () => {
    expect(rules(layer({ class_name: "TFOpLambda", config: { function: "io.write_file" } }))).toEqual([
      "keras.lambda-layer",
    ]);
    expect(
      rules({
        class_name: "Dense",
        config: { activation: { class_name: "__lambda__", config: { value: "x" } } },
      }),
    ).toEqual(["keras.lambda-layer"]);
  });

  it("fails modules outside keras unless the allowlist names them", () => {
    const custom = layer({
      module: "my_pkg.layers",
      class_name: "Gate",
      config: {},
      registered_name: "my_pkg>Gate",
    });
    expect(rules(custom)).toEqual(["keras.foreign-module"]);
    const allow = [{ module: "my_pkg.*", name: "Gate", reason: "our reviewed layer" }];
    expect(checkKerasConfig(custom, allow, 1000)).toEqual([]);
    expect(rules(layer({ module: "keras_hub.layers", class_name: "X", config: {} }))).toEqual([
      "keras.foreign-module",
    ]);
    expect(rules(layer({ module: "kerasx", class_name: "X", config: {} }))).toEqual(["keras.foreign-module"]);
  });

  it("fails registered custom objects and dotted class names in configs without modules", () => {
    expect(rules(layer({ class_name: "Custom", config: {}, registered_name: "pkg>Custom" }))).toEqual([
      "keras.foreign-module",
    ]);
    expect(rules(layer({ class_name: "os.system", config: {} }))).toEqual(["keras.foreign-module"]);
  });

  it("tells Keras builtin functions from Python builtins", () => {
    const fn = (name: string) => ({
      module: "builtins",
      class_name: "function",
      config: name,
      registered_name: "function",
    });
    expect(rules({ class_name: "Dense", config: { activation: fn("relu") } })).toEqual([]);
    expect(rules({ class_name: "Dense", config: { activation: fn("exec") } })).toEqual([
      "keras.foreign-module",
    ]);
  });

  it("stops at the node budget", () => {
    const wide = {
      class_name: "Sequential",
      config: { layers: new Array(50).fill({ class_name: "Dense", config: {} }) },
    };
    expect(checkKerasConfig(wide, [], 20).map((i) => i.rule)).toEqual(["keras.limit"]);
  });
});

describe("Keras files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlgate-keras-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const enc = new TextEncoder();

  it("fails an archive without config.json and a weights member that is not HDF5", async () => {
    const path = join(dir, "bad.keras");
    await writeFile(
      path,
      zipBytes([
        { name: "config.json", data: enc.encode(JSON.stringify(KERAS_SEQUENTIAL)) },
        { name: "model.weights.h5", data: enc.encode("not hdf5") },
      ]),
    );
    expect((await scanModelFile(path)).findings.map((f) => f.rule)).toEqual(["keras.malformed"]);
    const none = join(dir, "none.keras");
    await writeFile(none, zipBytes([{ name: "metadata.json", data: enc.encode("{}") }]));
    const r = await scanModelFile(none);
    expect(r.format).toBe("zip");
    expect(r.findings.map((f) => f.rule)).toEqual(["format.extension-mismatch"]);
  });

  it("judges a JSON file that is not a Keras config as unknown", async () => {
    const path = join(dir, "other.json");
    await writeFile(path, JSON.stringify({ architectures: ["Bert"] }));
    const r = await scanModelFile(path);
    expect(r.format).toBe("unknown");
    expect(r.findings.map((f) => f.rule)).toEqual(["format.unknown"]);
  });
});
