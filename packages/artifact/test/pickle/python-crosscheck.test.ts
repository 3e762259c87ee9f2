/**
 * Cross-check against CPython: the fixture writer must emit real pickles, and the scanner must
 * name exactly the globals CPython's unpickler asks for. Python loads every sample with
 * find_class replaced by a recorder that returns inert stub classes, so nothing in a
 * malicious sample is ever imported or run; benign numpy samples load with real numpy.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanModelFile, scanPickleBytes } from "../../src/index.js";
import { BENIGN, MALICIOUS, type Sample } from "../fixtures/pickles/corpus.js";

const PYTHON = "/usr/bin/python3";
const probe = existsSync(PYTHON)
  ? spawnSync(PYTHON, ["-c", "import pickle, pickletools, zipfile, numpy"], { encoding: "utf8" })
  : undefined;
const skipReason = !probe
  ? `${PYTHON} is not installed`
  : probe.status !== 0
    ? `${PYTHON} cannot import pickle, pickletools, zipfile and numpy: ${probe.stderr.trim().split("\n").pop()}`
    : undefined;
if (skipReason) console.warn(`python cross-check skipped: ${skipReason}`);

const SCRIPT = `
import io, json, pickle, pickletools, sys, zipfile, _compat_pickle

SAFE = {
    ("collections", "OrderedDict"), ("_codecs", "encode"), ("builtins", "set"), ("builtins", "frozenset"),
    ("builtins", "complex"), ("builtins", "bytes"), ("builtins", "slice"), ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.numeric", "_frombuffer"),
}

class Stub:
    def __init__(self, *a, **k): pass
    def __setstate__(self, state): pass
    def __call__(self, *a, **k): return Stub()

class Recorder(pickle._Unpickler):
    def __init__(self, f, real):
        super().__init__(f)
        self.seen, self.real = [], real
    def find_class(self, module, name):
        if self.proto < 3:
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        self.seen.append(module + "." + name)
        if self.real and (module, name) in SAFE:
            try:
                return super().find_class(module, name)
            except ModuleNotFoundError:
                # numpy 1.x has numpy.core where numpy 2 has numpy._core
                return super().find_class(module.replace("numpy._core", "numpy.core"), name)
        return type("Stub_" + name.replace(".", "_"), (Stub,), {})
    def persistent_load(self, pid):
        return ("persistent", repr(pid))

def summarize(value):
    try:
        import numpy
        if isinstance(value, numpy.ndarray):
            return {"ndarray": value.tolist(), "dtype": str(value.dtype)}
    except Exception:
        pass
    return {"repr": repr(value)[:200]}

def load(data, real):
    out = {}
    try:
        pickletools.dis(data, out=io.StringIO())
        out["dis"] = True
    except Exception as e:
        out["dis"] = False
        out["disError"] = type(e).__name__ + ": " + str(e)[:200]
    r = Recorder(io.BytesIO(data), real)
    try:
        out["value"] = summarize(r.load())
        out["loaded"] = True
    except Exception as e:
        out["loaded"] = False
        out["error"] = type(e).__name__ + ": " + str(e)[:200]
    out["globals"] = r.seen
    return out

results = {}
for item in json.load(open(sys.argv[1])):
    path, kind = item["path"], item["kind"]
    data = open(path, "rb").read()
    if kind == "pickle":
        results[item["id"]] = load(data, item["real"])
    elif kind == "zip":
        entry = {}
        try:
            with zipfile.ZipFile(path) as z:
                entry["testzip"] = z.testzip()
                entry["names"] = z.namelist()
                pkl = [n for n in z.namelist() if n.endswith("data.pkl")]
                if pkl:
                    entry["data"] = load(z.read(pkl[0]), True)
                    entry["dataNames"] = pkl
        except Exception as e:
            entry["error"] = type(e).__name__ + ": " + str(e)[:200]
        results[item["id"]] = entry
json.dump(results, sys.stdout)
`;

interface PyLoad {
  dis?: boolean;
  disError?: string;
  loaded?: boolean;
  error?: string;
  globals?: string[];
  value?: unknown;
}
/** One sample's outcome in Python: a pickle load, or a zip check with the load of its data.pkl. */
interface PyResult extends PyLoad {
  testzip?: string | null;
  data?: PyLoad;
}
let dir: string;
let py: Record<string, PyResult> = {};
const pickles = [...BENIGN, ...MALICIOUS].filter((s) => s.rawPickle);
const zips: Sample[] = [
  ...BENIGN.filter((s) => s.file.endsWith(".pt") || s.file.endsWith(".bin") || s.file.endsWith(".keras")),
  ...MALICIOUS.filter((s) => ["zip-bad-crc", "zip-name-mismatch", "torch-zip-evil-data-pkl"].includes(s.id)),
];

beforeAll(async () => {
  if (skipReason) return;
  dir = await mkdtemp(join(tmpdir(), "mlgate-pycheck-"));
  const manifest: object[] = [];
  for (const s of pickles) {
    const path = join(dir, `${s.id}.bin`);
    await writeFile(path, s.bytes());
    manifest.push({ id: s.id, path, kind: "pickle", real: BENIGN.includes(s) });
  }
  for (const s of zips) {
    const path = join(dir, `${s.id}-${s.file}`);
    await writeFile(path, s.bytes());
    manifest.push({ id: s.id, path, kind: "zip" });
  }
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  await writeFile(join(dir, "check.py"), SCRIPT);
  const run = spawnSync(PYTHON, [join(dir, "check.py"), join(dir, "manifest.json")], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`python cross-check script failed: ${run.stderr}`);
  py = JSON.parse(run.stdout) as Record<string, PyResult>;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const scannedGlobals = (s: Sample) =>
  new Set(scanPickleBytes(s.bytes()).globals.map((g) => `${g.module}.${g.name}`));

describe.skipIf(skipReason !== undefined)(
  `python cross-check${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    for (const s of pickles.filter((x) => BENIGN.includes(x))) {
      it(`CPython reads the benign sample ${s.id}, and asks for the globals the scanner reports`, () => {
        const r = py[s.id] as PyResult;
        expect(r.dis, r.disError).toBe(true);
        expect(r.loaded, r.error).toBe(true);
        expect(new Set(r.globals)).toEqual(scannedGlobals(s));
      });
    }

    it("numpy arrays written by the fixture writer load as the arrays they encode", () => {
      expect(py["numpy-protocol-2"]?.value).toEqual({ ndarray: [1, 2], dtype: "float32" });
      expect(py["numpy-1x-protocol-2"]?.value).toEqual({ ndarray: [1, 2], dtype: "float32" });
      expect(py["numpy-protocol-4"]?.value).toEqual({ ndarray: [1, 2], dtype: "float32" });
      expect(py["numpy-protocol-5"]?.value).toEqual({ ndarray: [0, 1, 2], dtype: "float64" });
      for (const p of [0, 1, 2, 3, 4, 5]) {
        expect(py[`plain-dict-protocol-${p}`]?.value).toEqual({
          repr: "{'a': [1, 2], 'b': (1.5, 'x'), 'c': None, 'd': True}",
        });
      }
    });

    for (const s of pickles.filter((x) => MALICIOUS.includes(x))) {
      it(`the scanner names every global CPython imports for ${s.id}`, () => {
        const r = py[s.id] as PyResult;
        const ours = scannedGlobals(s);
        for (const g of r.globals ?? []) expect(ours, `CPython imported ${g}`).toContain(g);
        // When CPython reads the whole stream, the two lists agree exactly.
        if (r.loaded) expect(new Set(r.globals)).toEqual(ours);
      });
    }

    it("CPython's zipfile accepts the benign archives and their CRCs", () => {
      for (const s of zips.filter((x) => BENIGN.includes(x))) {
        const r = py[s.id] as PyResult;
        expect(r.error, s.id).toBeUndefined();
        expect(r.testzip, s.id).toBeNull();
        if (!s.file.endsWith(".keras")) expect(r.data?.loaded, `${s.id}: ${r.data?.error}`).toBe(true);
      }
    });

    it("CPython's zipfile also rejects the bad CRC and the name mismatch the scanner reports", async () => {
      expect(py["zip-bad-crc"]?.testzip).toBe("archive/data/9");
      expect(String(py["zip-name-mismatch"]?.testzip ?? py["zip-name-mismatch"]?.error)).toMatch(
        /readme|differ/,
      );
      expect(py["torch-zip-evil-data-pkl"]?.data?.globals).toEqual(["os.system"]);
      const path = join(dir, "zip-bad-crc-model.pt");
      const ours = await scanModelFile(path);
      expect(ours.findings.map((f) => f.rule)).toContain("zip.crc-mismatch");
    });
  },
);
