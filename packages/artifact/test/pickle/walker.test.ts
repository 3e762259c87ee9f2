import { isGateError } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import {
  classifyGlobal,
  DANGEROUS_GLOBALS,
  DEFAULT_ALLOWLIST,
  scanPickleBytes,
  validateAllowEntries,
} from "../../src/index.js";
import { Cursor } from "../../src/pickle/cursor.js";
import { DEFAULT_LIMITS, Deadline } from "../../src/pickle/limits.js";
import { memorySource } from "../../src/pickle/source.js";
import { escapeDecode, parsePythonInt, rawUnicodeEscapeDecode } from "../../src/pickle/text.js";
import { walkPickle } from "../../src/pickle/walker.js";
import { joblibDump, numpyArrayProtocol4 } from "../fixtures/pickles/models.js";
import { concat, latin1Bytes, PickleWriter } from "../fixtures/pickles/writer.js";

const walk = (bytes: Uint8Array, limits: Partial<typeof DEFAULT_LIMITS> = {}, ms = 10_000) =>
  walkPickle(new Cursor(memorySource(bytes)), {
    limits: { ...DEFAULT_LIMITS, ...limits },
    deadline: new Deadline(ms),
  });

const rules = (bytes: Uint8Array) => scanPickleBytes(bytes).findings.map((f) => f.rule);

describe("protocol-0 argument decoding follows CPython", () => {
  it("parses int() syntax, and tells canonical from padded forms", () => {
    expect(parsePythonInt(latin1Bytes("12"), 10)).toEqual({ value: 12, canonical: true });
    expect(parsePythonInt(latin1Bytes(" 1_0\r"), 10)).toEqual({ value: 10, canonical: false });
    expect(parsePythonInt(latin1Bytes("007"), 10)).toEqual({ value: 7, canonical: false });
    expect(parsePythonInt(latin1Bytes("0x1f"), 0)?.value).toBe(31);
    expect(parsePythonInt(latin1Bytes("007"), 0)).toBeUndefined();
    expect(parsePythonInt(latin1Bytes("1__0"), 10)).toBeUndefined();
    expect(parsePythonInt(latin1Bytes("99999999999999999999"), 10)?.value).toBe(99999999999999999999n);
  });

  it("decodes STRING escapes and UNICODE raw escapes", () => {
    expect(new TextDecoder().decode(escapeDecode(latin1Bytes("\\x6fs\\163\\n\\q")))).toBe("oss\n\\q");
    expect(escapeDecode(latin1Bytes("bad\\"))).toBeUndefined();
    expect(escapeDecode(latin1Bytes("\\xZZ"))).toBeUndefined();
    expect(rawUnicodeEscapeDecode(latin1Bytes("sys\\u0074em"))).toBe("system");
    expect(rawUnicodeEscapeDecode(latin1Bytes("a\\\\u0074"))).toBe("a\\\\u0074");
    expect(rawUnicodeEscapeDecode(latin1Bytes("\\U0001F600"))).toBe("😀");
    expect(rawUnicodeEscapeDecode(latin1Bytes("\\u00"))).toBeUndefined();
  });
});

describe("the walker", () => {
  it("resolves the value and protocol of a framed pickle", () => {
    const r = walk(numpyArrayProtocol4());
    expect(r.stopped).toBe(true);
    expect(r.protocol).toBe(4);
    expect(r.issues).toEqual([]);
    expect(r.globals.map((g) => `${g.module}.${g.name}`)).toEqual([
      "numpy._core.multiarray._reconstruct",
      "numpy.ndarray",
      "numpy.dtype",
    ]);
  });

  it("rejects an opcode that straddles the end of its frame, and a frame inside a frame", () => {
    const body = new PickleWriter(4).shortBinunicode("abcdef").stop().bytesOut();
    const short = concat(new PickleWriter(4).proto().frame(4).bytesOut(), body);
    expect(walk(short).issues[0]?.message).toMatch(/past the end of its frame/);
    const nested = concat(new PickleWriter(4).proto().frame(20).frame(2).bytesOut(), body, new Uint8Array(8));
    expect(walk(nested).issues[0]?.message).toMatch(/new FRAME begins before the end/);
  });

  it("lets POP remove an empty MARK, as CPython does", () => {
    const r = walk(new PickleWriter(2).proto().int(1).mark().pop().stop().bytesOut());
    expect(r.stopped).toBe(true);
    expect(r.value).toBe(1);
    expect(r.issues).toEqual([]);
  });

  it("reports values left behind at STOP", () => {
    const r = walk(new PickleWriter(2).proto().int(1).int(2).stop().bytesOut());
    expect(r.issues.map((i) => i.message).join()).toMatch(/leaves 1 value/);
  });

  it("MEMOIZE numbers entries by count, so it can overwrite an index BINPUT set", () => {
    const bytes = new PickleWriter(4)
      .proto()
      .str("a")
      .put(1)
      .pop()
      .str("b")
      .memoize()
      .pop()
      .get(1)
      .stop()
      .bytesOut();
    const r = walk(bytes);
    expect(r.issues.map((i) => i.rule)).toEqual(["pickle.memo-confusion"]);
    expect(r.value).toBe("b");
  });

  it("stops at every limit with a pickle.limit issue, never hangs", () => {
    const long = new PickleWriter(2).proto();
    for (let i = 0; i < 200; i++) long.int(i).pop();
    const bytes = long.stop().bytesOut();
    expect(walk(bytes, { maxOpcodes: 50 }).issues[0]?.rule).toBe("pickle.limit");
    const deep = new PickleWriter(2).proto();
    for (let i = 0; i < 100; i++) deep.emptyList();
    expect(walk(deep.stop().bytesOut(), { maxStackDepth: 10 }).issues[0]?.rule).toBe("pickle.limit");
    const memo = new PickleWriter(2).proto().int(0);
    for (let i = 0; i < 20; i++) memo.put(i);
    expect(walk(memo.stop().bytesOut(), { maxMemo: 5 }).issues[0]?.rule).toBe("pickle.limit");
    const big = new PickleWriter(3).proto().bytes(new Uint8Array(1000)).stop().bytesOut();
    expect(walk(big, { maxStringBytes: 100 }).issues[0]?.rule).toBe("pickle.limit");
    const line = concat(latin1Bytes("I"), latin1Bytes("1".repeat(500)), latin1Bytes("\n."));
    expect(walk(line, { maxLineBytes: 100 }).issues[0]?.rule).toBe("pickle.limit");
    const many = new PickleWriter(2).proto();
    for (let i = 0; i < 20; i++) many.global("m", `g${i}`).pop();
    expect(walk(many.stop().bytesOut(), { maxGlobals: 10 }).issues[0]?.rule).toBe("pickle.limit");
    const spin = new PickleWriter(2).proto();
    for (let i = 0; i < 70_000; i++) spin.none().pop();
    expect(walk(spin.stop().bytesOut(), {}, 0).issues[0]?.message).toMatch(/time limit/);
  });

  it("reads joblib array bytes inline and resumes at the next opcode", () => {
    const dump = joblibDump();
    const r = scanPickleBytes(dump);
    expect(r.findings).toEqual([]);
    expect(r.format).toBe("joblib");
    const cut = scanPickleBytes(dump.subarray(0, dump.length - 40));
    expect(cut.findings.map((f) => f.rule)).toEqual(["pickle.malformed"]);
  });

  it("shares one reference per distinct global and caps the issues it lists", () => {
    const w = new PickleWriter(0).op("S'x'\np0\n").pop();
    for (let i = 0; i < 300; i++) w.global("collections", "OrderedDict").pop().op("g00\n").pop();
    const r = walk(w.none().stop().bytesOut());
    expect(r.globals).toHaveLength(1);
    expect(r.globals[0]?.count).toBe(300);
    expect(r.issues).toHaveLength(101);
    expect(r.issues[100]?.message).toMatch(/200 more issue/);
  });

  it("fails a pickle that never reaches STOP", () => {
    expect(rules(new PickleWriter(2).proto().int(1).bytesOut())).toEqual(["pickle.malformed"]);
    expect(rules(new Uint8Array(0))).toEqual(["pickle.malformed"]);
  });

  it("fails NEXT_BUFFER (out-of-band data) and reports persistent ids without failing on them", () => {
    expect(rules(Uint8Array.of(0x80, 0x05, 0x97, 0x2e))).toEqual(["pickle.malformed"]);
    const r = walk(new PickleWriter(0).persid("storage 0").stop().bytesOut());
    expect(r.persistentIds.map((p) => p.pid)).toEqual(["storage 0"]);
    expect(r.issues).toEqual([]);
  });

  it("keeps a BINUNICODE lone surrogate (surrogatepass) and rejects broken UTF-8", () => {
    const ok = Uint8Array.of(0x80, 0x02, 0x58, 3, 0, 0, 0, 0xed, 0xa0, 0x80, 0x2e);
    expect(walk(ok).value).toBe("\ud800");
    const bad = Uint8Array.of(0x80, 0x02, 0x58, 2, 0, 0, 0, 0xc3, 0x28, 0x2e);
    expect(walk(bad).issues[0]?.rule).toBe("pickle.malformed");
  });

  it("treats a non-ASCII protocol-0 STRING as loader-dependent, so it cannot name a module", () => {
    const bytes = new PickleWriter(0).string0("\\xe9").unicode0("x").stackGlobal().stop().bytesOut();
    expect(rules(bytes)).toContain("pickle.unresolved-global");
  });
});

describe("the allowlist decides, the denylist names", () => {
  it("has a reason for every built-in entry and never allows what the denylist names", () => {
    for (const e of DEFAULT_ALLOWLIST) {
      expect(e.reason.length).toBeGreaterThan(10);
      expect(classifyGlobal(e.module, e.name, []).status).toBe("allowed");
    }
    for (const d of DANGEROUS_GLOBALS) expect(d.reason.length).toBeGreaterThan(5);
    expect(classifyGlobal("torch.storage", "_load_from_bytes", []).status).toBe("dangerous");
    expect(classifyGlobal("sklearn.linear_model._logistic", "LogisticRegression", []).status).toBe("unknown");
  });

  it("rejects allowlist entries without a reason or that allow everything", () => {
    const fails = (entry: unknown) => {
      try {
        validateAllowEntries([entry]);
        return "accepted";
      } catch (e) {
        return isGateError(e) ? e.message : "other";
      }
    };
    expect(fails({ module: "sklearn.*", name: "*" })).toMatch(/no reason/);
    expect(fails({ module: "sklearn.*", name: "*", reason: "  " })).toMatch(/no reason/);
    expect(fails({ module: "*", name: "*", reason: "everything" })).toMatch(/not a Python module path/);
    expect(fails({ module: "a b", name: "x", reason: "r" })).toMatch(/not a Python module path/);
    expect(fails({ module: "m", name: "x y", reason: "r" })).toMatch(/not a Python attribute/);
    expect(fails({ module: "sklearn.*", name: "*", reason: "our own estimators" })).toBe("accepted");
  });

  it("lets a wildcard cover plain names of a package, never dunders, dotted paths or named dangers", () => {
    const allow = validateAllowEntries([
      { module: "sklearn.*", name: "*", reason: "estimators built from arrays" },
    ]);
    expect(classifyGlobal("sklearn.tree._classes", "DecisionTreeClassifier", allow).status).toBe(
      "user-allowed",
    );
    expect(classifyGlobal("sklearn", "Pipeline", allow).status).toBe("user-allowed");
    expect(classifyGlobal("sklearnx", "X", allow).status).toBe("unknown");
    expect(classifyGlobal("sklearn.base", "__reduce__", allow).status).toBe("unknown");
    expect(classifyGlobal("sklearn.base", "BaseEstimator.__init__", allow).status).toBe("unknown");
    const wide = validateAllowEntries([{ module: "os", name: "*", reason: "no" }]);
    expect(classifyGlobal("os", "system", wide).status).toBe("dangerous");
  });

  it("lets an exact entry allow a named danger, with a warning in the findings", () => {
    const allow = [{ module: "functools", name: "partial", reason: "our scheduler configs" }];
    const bytes = new PickleWriter(2).proto().global("functools", "partial").stop().bytesOut();
    const r = scanPickleBytes(bytes, { allow });
    expect(r.globals[0]?.status).toBe("user-allowed");
    expect(r.findings.map((f) => [f.rule, f.level])).toEqual([["pickle.dangerous-global-allowed", "warn"]]);
  });

  it("maps Python 2 names only below protocol 3, as the unpickler does", () => {
    const p2 = scanPickleBytes(new PickleWriter(2).proto().global("__builtin__", "set").stop().bytesOut());
    expect(p2.globals[0]).toMatchObject({ module: "builtins", name: "set", status: "allowed" });
    const p3 = scanPickleBytes(new PickleWriter(3).proto().global("__builtin__", "set").stop().bytesOut());
    expect(p3.globals[0]).toMatchObject({ module: "__builtin__", name: "set", status: "unknown" });
  });
});
