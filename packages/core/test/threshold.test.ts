import { describe, expect, it } from "vitest";
import { type GateError, isGateError } from "../src/errors.js";
import type { Metric } from "../src/report.js";
import {
  CORE_FUNCTIONS,
  compareValues,
  describeComparator,
  evaluateThreshold,
  evaluateThresholds,
  formatBound,
  formatThreshold,
  parseThreshold,
  parseThresholds,
  type Threshold,
  ThresholdSyntaxError,
} from "../src/threshold/index.js";

function syntaxError(source: string, options?: Parameters<typeof parseThreshold>[1]): ThresholdSyntaxError {
  try {
    parseThreshold(source, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ThresholdSyntaxError);
    expect(isGateError(e)).toBe(true);
    return e as ThresholdSyntaxError;
  }
  throw new Error(`expected "${source}" to be rejected`);
}

/** The characters the caret line underlines, read back from the rendered message (ASCII sources). */
function underlined(e: ThresholdSyntaxError): { at: number; text: string } {
  const [, sourceLine, caretLine] = e.message.split("\n");
  const at = caretLine!.indexOf("^");
  const width = caretLine!.length - at;
  return { at: at - 2, text: sourceLine!.slice(at, at + width) };
}

function expectError(
  source: string,
  reason: string | RegExp,
  position: number,
  length: number,
): ThresholdSyntaxError {
  const e = syntaxError(source);
  if (typeof reason === "string") expect(e.reason).toBe(reason);
  else expect(e.reason).toMatch(reason);
  expect(e.position).toBe(position);
  expect(e.length).toBe(length);
  const shown = source.trim().length > 80 ? `${source.trim().slice(0, 77)}…` : source.trim();
  expect(e.message.split("\n")[0]).toBe(`invalid threshold "${shown}": ${e.reason} (column ${position + 1})`);
  if (source.trim() !== "" && source.trim().length <= 72) {
    const u = underlined(e);
    expect(u.at).toBe(position);
    if (length > 0) expect(u.text).toBe(source.trim().slice(position, position + length));
  }
  return e;
}

describe("parseThreshold: accepted forms", () => {
  const cases: [string, Partial<Threshold>][] = [
    ["p95 < 250ms", { metric: "p95", op: "<", value: 250, dimension: "time", unit: "ms" }],
    ["error_rate <= 1%", { metric: "error_rate", op: "<=", value: 0.01, dimension: "ratio", unit: "%" }],
    ["accuracy >= 0.92", { metric: "accuracy", op: ">=", value: 0.92, dimension: "none" }],
    ["critical == 0", { metric: "critical", op: "==", value: 0, dimension: "none" }],
    ["delta(f1) >= -0.005", { fn: "delta", metric: "f1", op: ">=", value: -0.005, dimension: "none" }],
    ["ratio(p99) <= 1.10", { fn: "ratio", metric: "p99", op: "<=", value: 1.1, dimension: "none" }],
    ["throughput >= 200/s", { metric: "throughput", value: 200, dimension: "rate", unit: "/s" }],
    ["ttft_p95 < 800ms", { metric: "ttft_p95", value: 800, dimension: "time" }],
    ["size <= 50MiB", { metric: "size", value: 52_428_800, dimension: "bytes", unit: "MiB" }],
    ["size <= 50 MiB", { metric: "size", value: 52_428_800, dimension: "bytes", unit: "MiB" }],
    ["p99 < 1.5s", { metric: "p99", value: 1500, dimension: "time", unit: "s" }],
    ["delta(p95) < 20ms", { fn: "delta", metric: "p95", value: 20, dimension: "time" }],
    ["delta(accuracy) >= -0.5%", { fn: "delta", metric: "accuracy", value: -0.005, dimension: "ratio" }],
    ["ratio(p99) <= 110%", { fn: "ratio", value: 1.1, dimension: "ratio", unit: "%" }],
    ["warn: p99 < 500ms", { level: "warn", metric: "p99", value: 500 }],
    ["fail: p99 < 500ms", { level: "fail", metric: "p99", value: 500 }],
    ["WARN:p99<500ms", { level: "warn", metric: "p99", value: 500 }],
    ["x < 1e-3", { value: 0.001 }],
    ["x < 2.5E+2ms", { value: 250, unit: "ms" }],
    ["x < 1_000", { value: 1000 }],
    ["x < 1_000.000_5", { value: 1000.0005 }],
    ["x > .5", { value: 0.5 }],
    ["x > +3", { value: 3 }],
    ["x >= -0", { value: 0 }],
    ["p95<250ms", { metric: "p95", op: "<", value: 250 }],
    ["  p95   <   250ms  ", { source: "p95   <   250ms", value: 250 }],
    ['"slice:age>60/f1" >= 0.8', { metric: "slice:age>60/f1", value: 0.8 }],
    ['"say \\"hi\\" \\\\ ok" > 1', { metric: 'say "hi" \\ ok' }],
    ['delta("slice:age>60/f1") >= -1%', { fn: "delta", metric: "slice:age>60/f1", value: -0.01 }],
    ["delta ( f1 ) > 0", { fn: "delta", metric: "f1" }],
    ["eval/accuracy.top-5[val] >= 0.5", { metric: "eval/accuracy.top-5[val]" }],
    ["slice:en/f1 != 1", { metric: "slice:en/f1", op: "!=" }],
    ["delta > 1", { fn: null, metric: "delta" }],
    ["x < 3µs", { value: 0.003, unit: "µs" }],
    ["x < 3μs", { value: 0.003, unit: "μs" }],
    ["x < 3us", { value: 0.003 }],
    ["x < 500000ns", { value: 0.5 }],
    ["x < 2m", { value: 120_000 }],
    ["x < 2min", { value: 120_000 }],
    ["x < 1h", { value: 3_600_000 }],
    ["x < 2KB", { value: 2000 }],
    ["x < 2KiB", { value: 2048 }],
    ["x < 1GB", { value: 1e9 }],
    ["x < 1GiB", { value: 1024 ** 3 }],
    ["x < 3MB", { value: 3e6 }],
    ["x < 10B", { value: 10 }],
    ["x > 120/m", { value: 2, dimension: "rate" }],
    ["x > 120/min", { value: 2 }],
    ["x > 50rps", { value: 50, dimension: "rate" }],
  ];
  for (const [source, expected] of cases) {
    it(source, () => {
      const t = parseThreshold(source);
      expect(t).toMatchObject({ source: source.trim(), level: "fail", fn: null, ...expected });
      expect(Object.is(t.value, -0)).toBe(false);
    });
  }

  it("omits unit for plain numbers", () => {
    expect("unit" in parseThreshold("accuracy >= 0.92")).toBe(false);
  });

  it("accepts gate-registered functions when listed", () => {
    const t = parseThreshold("drift(embedding) < 0.1", { functions: ["drift"] });
    expect(t).toMatchObject({ fn: "drift", metric: "embedding" });
    expect(syntaxError("delta(f1) > 0", { functions: ["drift"] }).reason).toBe('unknown function "delta"');
  });

  it("accepts exactly 500 characters", () => {
    const metric = "m".repeat(500 - " < 1".length);
    expect(parseThreshold(`${metric} < 1`).metric).toBe(metric);
  });
});

describe("parseThreshold: errors point at the offending character", () => {
  it("empty input", () => {
    for (const source of ["", "   ", "\n\t"]) {
      const e = expectError(source, "empty threshold", 0, 0);
      expect(e.message).toContain("e.g. p95 < 250ms");
    }
  });

  it("unknown unit lists the known units", () => {
    const e = expectError("p95 < 250xs", 'unknown unit "xs"', 9, 2);
    const lines = e.message.split("\n");
    expect(lines[0]).toBe('invalid threshold "p95 < 250xs": unknown unit "xs" (column 10)');
    expect(lines[1]).toBe("  p95 < 250xs");
    expect(lines[2]).toBe("           ^^");
    expect(lines[3]).toBe(
      "expected one of: ns, us, µs, ms, s, m, min, h, %, B, KB, MB, GB, KiB, MiB, GiB, /s, /m, /min, rps",
    );
    expect(e.column).toBe(10);
  });

  it.each([
    ["p95 < 250msec", "msec", "ms"],
    ["p95 < 2 sec", "sec", "s"],
    ["p95 < 2seconds", "seconds", "s"],
    ["rate < 1pct", "pct", "%"],
    ["rate < 1percent", "percent", "%"],
    ["size < 5mib", "mib", "MiB"],
    ["size < 5mb", "mb", "MB"],
    ["x > 5qps", "qps", "rps"],
    ["x < 5hours", "hours", "h"],
  ])("unknown unit %s suggests a near miss", (source, unit, suggestion) => {
    const at = source.indexOf(unit);
    const e = expectError(source, `unknown unit "${unit}"`, at, unit.length);
    expect(e.notes[0]).toBe(`did you mean "${suggestion}"?`);
    expect(e.message).toContain(`did you mean "${suggestion}"?`);
  });

  it("does not guess a unit from a short unrelated word", () => {
    expect(syntaxError("p95 < 250xs").notes.some((n) => n.startsWith("did you mean"))).toBe(false);
    expect(syntaxError("size < 5M").notes.some((n) => n.startsWith("did you mean"))).toBe(false);
  });

  it("missing operator", () => {
    const e = expectError("p95 250ms", 'expected a comparison after p95, got "250ms"', 4, 5);
    expect(e.message).toContain("expected one of: <, <=, >, >=, ==, !=");
    expectError("p95", "missing comparison after p95", 3, 0);
    expectError("delta(f1)", "missing comparison after delta(f1)", 9, 0);
  });

  it("missing number", () => {
    expectError("p95 <", 'missing limit after "<"', 5, 0);
    expectError("p95 < ms", 'expected a number after "<", got "ms"', 6, 2);
    expectError("p95 < p99", 'expected a number after "<", got "p99"', 6, 3);
    expectError("p95 < - 3", '"-" must be followed directly by a number', 6, 1);
    expectError("p95 < .", 'expected a number after "<", got "."', 6, 1);
  });

  it("missing metric", () => {
    expectError("< 250ms", 'missing metric before "<"', 0, 0);
    expectError("warn:", 'missing metric after "warn:"', 5, 0);
    const e = expectError("250ms > p95", 'expected a metric name, got "250ms"', 0, 5);
    expect(e.notes[0]).toContain("the metric comes first");
    expectError("(p95) < 1", 'missing function name before "("', 0, 1);
    expectError("#p95 < 1", 'expected a metric name, got "#p95"', 0, 4);
  });

  it("unknown function lists the allowed ones", () => {
    const e = expectError("delat(f1) >= 0", 'unknown function "delat"', 0, 5);
    expect(e.notes).toEqual(['did you mean "delta"?', "expected one of: delta, ratio"]);
    expectError("warn: foo(p95) < 3", 'unknown function "foo"', 6, 3);
    expect(syntaxError("foo(x) < 1", { functions: [] }).notes).toEqual(["no functions are available here"]);
  });

  it("unclosed paren and quote", () => {
    expectError("delta(f1 >= 0", 'unclosed "(" after "delta"', 5, 1);
    expectError("delta(f1", 'unclosed "(" after "delta"', 5, 1);
    expectError("delta(", 'unclosed "(" after "delta"', 5, 1);
    expectError("delta(f1 x) > 0", 'expected ")" after f1, got "x"', 9, 1);
    expectError('"abc >= 1', "unclosed quote", 0, 9);
    expectError('delta("abc) >= 1', "unclosed quote", 6, 10);
    expectError('"abc\\" >= 1', "unclosed quote", 0, 11);
    expectError('"" >= 1', "empty metric name", 0, 2);
    expectError("'p95' < 3", "metric names are quoted with double quotes", 0, 1);
  });

  it("function call shape", () => {
    expectError("delta() > 1", 'missing metric inside "delta()"', 6, 1);
    expectError("delta(ratio(x)) > 1", "functions cannot be nested", 6, 5);
    expectError("delta(a, b) > 1", '"delta" takes one metric', 7, 1);
    expectError("delta(<) > 1", 'expected a metric name inside "delta(", got "<"', 6, 1);
    expectError("p95) < 1", 'unmatched ")"', 3, 1);
  });

  it("trailing garbage", () => {
    expectError("p95 < 250ms foo", 'unexpected "foo" after the limit', 12, 3);
    expectError("p95 < 250ms)", 'unexpected ")" after the limit', 11, 1);
    expect(syntaxError("p95 < 1,000").notes).toEqual(["group digits with _: 1_000"]);
    const e = expectError("p95 < 1 and p99 < 3", 'unexpected "and" after the limit', 8, 3);
    expect(e.notes).toEqual(["write each threshold as its own entry"]);
    expectError("p95 < 1.2.3", 'unexpected ".3" after the limit', 9, 2);
  });

  it("unit that makes no sense for the function", () => {
    const e = expectError(
      "ratio(p99) <= 5ms",
      'ratio(p99) is a unitless ratio, but "ms" is a time unit',
      15,
      2,
    );
    expect(e.notes[0]).toContain("ratio(p99) <= 1.1 or <= 110%");
    expectError("ratio(size) < 2MiB", /is a size unit/, 15, 3);
  });

  it("NaN and Infinity literals", () => {
    for (const lit of ["NaN", "nan", "Infinity", "-Infinity", "+inf", "INF"]) {
      const e = expectError(`p95 < ${lit}`, `"${lit}" is not a valid limit`, 6, lit.length);
      expect(e.notes).toEqual(["use a finite number"]);
    }
    expectError("p95 < 1e400", "number out of range", 6, 5);
    expectError("p95 < 1e308h", "number out of range", 6, 6);
  });

  it("malformed numbers", () => {
    expectError("p95 < 1__0", 'misplaced "_" in number', 7, 1);
    expectError("p95 < 1_", 'misplaced "_" in number', 7, 1);
    expectError("p95 < 1_.5", 'misplaced "_" in number', 7, 1);
    expectError("p95 < 1.", "expected digits after the decimal point", 8, 0);
    expectError("p95 < 1.ms", "expected digits after the decimal point", 8, 1);
    expectError("p95 < 1e+", "expected digits in the exponent", 9, 0);
    expectError("p95 < _1", 'expected a number after "<", got "_1"', 6, 2);
  });

  it("operators", () => {
    for (const [op, fix] of [
      ["=", "=="],
      ["=>", ">="],
      ["=<", "<="],
      ["<>", "!="],
      ["===", "=="],
      ["!", "!="],
      ["≤", "<="],
      ["≥", ">="],
      ["≠", "!="],
    ] as const) {
      const e = expectError(`p95 ${op} 3`, `unknown operator "${op}"`, 4, op.length);
      expect(e.notes[0]).toBe(`did you mean "${fix}"?`);
    }
    expect(syntaxError("p95 << 3").notes).toEqual(["expected one of: <, <=, >, >=, ==, !="]);
  });

  it("levels", () => {
    expectError("warning: p99 < 1s", 'unknown level "warning"', 0, 8);
    expectError("warn: fail: p99 < 1s", "the level is given twice", 6, 5);
  });

  it("limits the input length", () => {
    const source = `p95 < ${"1".repeat(600)}`;
    const e = expectError(
      source,
      `threshold is too long (${source.length} characters, the limit is 500)`,
      500,
      106,
    );
    expect(e.message.split("\n")[0]!.length).toBeLessThan(200);
  });

  it("positions are relative to the trimmed text", () => {
    const e = syntaxError("   p95 < 250xs   ");
    expect(e.source).toBe("p95 < 250xs");
    expect(e.position).toBe(9);
  });

  it("windows long sources around the error and keeps control characters from breaking the caret", () => {
    const metric = "m".repeat(200);
    const e = syntaxError(`${metric} < 250xs`);
    const lines = e.message.split("\n");
    expect(lines[1]!.length).toBeLessThan(90);
    const caret = lines[2]!.indexOf("^");
    expect(lines[1]!.slice(caret, caret + 2)).toBe("xs");

    const tabbed = syntaxError("p95\t<\t250xs");
    const [, src, marks] = tabbed.message.split("\n");
    expect(src).toBe("  p95 < 250xs");
    expect(marks).toBe("           ^^");
  });

  it("counts columns in characters, not UTF-16 units", () => {
    const e = syntaxError('"😀" < 5xs');
    expect(e.position).toBe(8);
    expect(e.column).toBe(8);
    expect(e.message.split("\n")[0]).toContain("(column 8)");
  });

  it("rejects non-strings", () => {
    expect(() => parseThreshold(42 as unknown as string)).toThrow(ThresholdSyntaxError);
  });
});

describe("parseThresholds", () => {
  it("parses all", () => {
    expect(parseThresholds(["p95 < 250ms", "warn: accuracy >= 0.9"]).map((t) => t.level)).toEqual([
      "fail",
      "warn",
    ]);
  });

  it("names the first bad entry by index and text", () => {
    let caught: unknown;
    try {
      parseThresholds(["p95 < 250ms", "p99 < 1xs", "nope"]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ThresholdSyntaxError);
    const e = caught as ThresholdSyntaxError;
    expect(e.index).toBe(1);
    expect(e.message.split("\n")[0]).toBe(
      'thresholds[1]: invalid threshold "p99 < 1xs": unknown unit "xs" (column 8)',
    );
    expect(e.position).toBe(7);
  });
});

describe("formatting", () => {
  it("prints canonical text that parses back", () => {
    expect(formatThreshold(parseThreshold("warn:p95<250ms"))).toBe("warn: p95 < 250ms");
    expect(formatThreshold(parseThreshold("size <= 50 MiB"))).toBe("size <= 50MiB");
    expect(formatThreshold(parseThreshold('delta("a\\"b") >= -0.5%'))).toBe('delta("a\\"b") >= -0.5%');
    expect(formatThreshold(parseThreshold('"warn:x" > 1'))).toBe('"warn:x" > 1');
    expect(formatThreshold(parseThreshold("x < 1_000"))).toBe("x < 1000");
  });

  it("prints bounds in the unit they were written in", () => {
    expect(formatBound(parseThreshold("p99 < 1.5s"))).toBe("< 1.5s");
    expect(formatBound(parseThreshold("x >= 7%"))).toBe(">= 7%");
    expect(formatBound(parseThreshold("x >= 0.07%"))).toBe(">= 0.07%");
    expect(formatBound({ op: "<", value: 0.92, dimension: "ratio" })).toBe("< 92%");
    expect(formatBound({ op: "<", value: 1500, dimension: "time" })).toBe("< 1500ms");
  });

  it("describes comparators", () => {
    expect(describeComparator("<=")).toBe("at most");
    expect(describeComparator("!=")).toBe("not equal to");
  });
});

const METRICS: Record<string, Metric> = {
  p95: { value: 312, dimension: "time", baseline: 290 },
  p99: { value: 500, dimension: "time", baseline: 450 },
  accuracy: { value: 0.91, dimension: "ratio", baseline: 0.92 },
  f1: { value: 0.88 },
  critical: { value: 0, dimension: "count" },
  size: { value: 40 * 1024 ** 2, dimension: "bytes" },
  throughput: { value: 250, dimension: "rate" },
  zero: { value: 3, baseline: 0 },
  broken: { value: Number.NaN },
  sum: { value: 0.1 + 0.2 },
};

function check(source: string, metrics = METRICS, options?: Parameters<typeof evaluateThreshold>[2]) {
  return evaluateThreshold(parseThreshold(source), metrics, options);
}

function thrown(f: () => unknown): GateError {
  try {
    f();
  } catch (e) {
    expect(isGateError(e)).toBe(true);
    return e as GateError;
  }
  throw new Error("expected a GateError");
}

describe("evaluateThreshold", () => {
  it("reports a failing check", () => {
    expect(check("p95 < 250ms")).toEqual({
      name: "p95 < 250ms",
      status: "fail",
      actual: "312ms",
      expected: "< 250ms",
      message: "p95 is 312ms, limit < 250ms",
    });
  });

  it("reports a passing check without a message", () => {
    expect(check("p95 < 1s")).toEqual({
      name: "p95 < 1s",
      status: "pass",
      actual: "312ms",
      expected: "< 1s",
    });
  });

  it("warn level turns fail into warn", () => {
    expect(check("warn: p95 < 250ms")).toMatchObject({ name: "warn: p95 < 250ms", status: "warn" });
    expect(check("warn: p95 < 1s").status).toBe("pass");
  });

  it.each([
    ["p95 < 312ms", "fail"],
    ["p95 < 313ms", "pass"],
    ["p95 <= 312ms", "pass"],
    ["p95 <= 311ms", "fail"],
    ["p95 > 311ms", "pass"],
    ["p95 > 312ms", "fail"],
    ["p95 >= 312ms", "pass"],
    ["p95 >= 313ms", "fail"],
    ["p95 == 312ms", "pass"],
    ["p95 == 0.312s", "pass"],
    ["p95 == 313ms", "fail"],
    ["p95 != 313ms", "pass"],
    ["p95 != 312ms", "fail"],
    ["critical == 0", "pass"],
    ["critical != 0", "fail"],
    ["size <= 50MiB", "pass"],
    ["size <= 40MB", "fail"],
    ["throughput >= 200/s", "pass"],
    ["throughput >= 20000/min", "fail"],
    ["accuracy >= 0.92", "fail"],
    ["accuracy >= 90%", "pass"],
    ["f1 >= 88%", "pass"],
    ["f1 > 0.88", "fail"],
    ["sum == 0.3", "pass"],
    ["sum <= 0.3", "pass"],
    ["sum > 0.3", "fail"],
  ])("%s -> %s", (source, status) => {
    expect(check(source).status).toBe(status);
  });

  it("delta: value - baseline in the metric's dimension", () => {
    expect(check("delta(p95) < 20ms")).toEqual({
      name: "delta(p95) < 20ms",
      status: "fail",
      actual: "+22ms",
      expected: "< 20ms",
      message: "delta(p95) is +22ms (312ms vs baseline 290ms), limit < 20ms",
    });
    expect(check("delta(p95) < 25ms").status).toBe("pass");
    expect(check("delta(accuracy) >= -0.5%")).toMatchObject({
      status: "fail",
      actual: "-1%",
      expected: ">= -0.5%",
    });
    expect(check("delta(accuracy) >= -0.02")).toMatchObject({ status: "pass", actual: "-0.01" });
  });

  it("ratio: value / baseline, unitless", () => {
    expect(check("ratio(p99) <= 1.10")).toMatchObject({
      status: "fail",
      actual: "1.111",
      expected: "<= 1.1",
    });
    expect(check("ratio(p99) <= 112%")).toMatchObject({
      status: "pass",
      actual: "111.1%",
      expected: "<= 112%",
    });
  });

  it("core functions", () => {
    expect(CORE_FUNCTIONS["delta"]!({ value: 5, baseline: 3, dimension: "time" }, "x")).toEqual({
      value: 2,
      dimension: "time",
    });
    expect(CORE_FUNCTIONS["delta"]!({ value: 5, baseline: 3 }, "x")).toEqual({ value: 2, dimension: "none" });
    expect(CORE_FUNCTIONS["ratio"]!({ value: 6, baseline: 3, dimension: "time" }, "x")).toEqual({
      value: 2,
      dimension: "none",
    });
    expect(CORE_FUNCTIONS["delta"]!({ value: 5 }, "f1")).toEqual({ missing: "no baseline for f1" });
    expect(CORE_FUNCTIONS["ratio"]!({ value: 5 }, "f1")).toEqual({ missing: "no baseline for f1" });
    expect(CORE_FUNCTIONS["ratio"]!({ value: 5, baseline: 0 }, "z")).toEqual({
      missing: "the baseline of z is 0, so ratio(z) is undefined",
    });
  });

  it("gate-registered functions", () => {
    const drift = (m: Metric) => ({
      value: Math.abs(m.value - (m.baseline ?? 0)),
      dimension: "none" as const,
    });
    const t = parseThreshold("drift(p95) < 30", { functions: ["delta", "drift"] });
    expect(evaluateThreshold(t, METRICS, { functions: { drift } })).toMatchObject({
      status: "pass",
      actual: "22",
    });
    expect(thrown(() => evaluateThreshold(t, METRICS)).message).toBe(
      'threshold "drift(p95) < 30": unknown function "drift"',
    );
  });

  it("NaN observations always fail", () => {
    for (const op of ["<", "<=", ">", ">=", "==", "!="]) {
      expect(check(`broken ${op} 1`)).toMatchObject({
        status: "fail",
        actual: "NaN",
        message: "broken is NaN (not a number)",
      });
    }
    expect(check("warn: broken != 1").status).toBe("warn");
  });

  it("rejects a limit of another dimension", () => {
    const e = thrown(() => check("accuracy >= 5ms"));
    expect(e.message).toBe('threshold "accuracy >= 5ms": accuracy is a ratio, the limit is a time');
    expect(e.hint).toContain("92%");
    expect(thrown(() => check("delta(p95) < 1%")).message).toBe(
      'threshold "delta(p95) < 1%": delta(p95) is a time, the limit is a ratio',
    );
    expect(thrown(() => check("critical < 1ms")).message).toContain(
      "critical is a count, the limit is a time",
    );
    expect(thrown(() => check("size < 1s")).message).toContain("size is a size, the limit is a time");
  });

  it("accepts plain numbers and undimensioned metrics", () => {
    expect(check("p95 < 400").status).toBe("pass");
    expect(check("f1 < 1s")).toMatchObject({ status: "pass", actual: "880µs" });
  });

  it("missing metric: names it and suggests close names", () => {
    const e = thrown(() => check("p59 < 250ms"));
    expect(e.message).toBe('threshold "p59 < 250ms": no metric named "p59"; did you mean "p95" or "p99"?');
    expect(e.hint).toBe(
      "available metrics: accuracy, broken, critical, f1, p95, p99, size, sum, throughput, zero",
    );
    const many = Object.fromEntries(
      Array.from({ length: 14 }, (_, i) => [`m${String(i).padStart(2, "0")}`, { value: i }]),
    );
    expect(thrown(() => check("nothing_like_it < 1", many)).hint).toBe(
      "available metrics: m00, m01, m02, m03, m04, m05, m06, m07, m08, m09 (and 4 more)",
    );
    expect(thrown(() => check("x < 1", {})).hint).toBe("no metrics were reported");
    expect(thrown(() => check("ACCURACY > 0", METRICS)).message).toContain('did you mean "accuracy"?');
    expect(thrown(() => check("top1 > 0", { "eval/top1": { value: 1 } })).message).toContain(
      'did you mean "eval/top1"?',
    );
  });

  it("missing metric does not fall back to Object.prototype", () => {
    expect(thrown(() => check("constructor > 0")).message).toContain('no metric named "constructor"');
  });

  it("missing metric with skip", () => {
    expect(check("p59 < 250ms", METRICS, { missing: "skip" })).toEqual({
      name: "p59 < 250ms",
      status: "skip",
      expected: "< 250ms",
      message: 'no metric named "p59"; did you mean "p95" or "p99"?',
    });
  });

  it("missing baseline behaves like a missing metric", () => {
    expect(thrown(() => check("delta(f1) >= 0")).message).toBe(
      'threshold "delta(f1) >= 0": no baseline for f1',
    );
    expect(check("delta(f1) >= 0", METRICS, { missing: "skip" })).toEqual({
      name: "delta(f1) >= 0",
      status: "skip",
      expected: ">= 0",
      message: "no baseline for f1",
    });
    expect(thrown(() => check("ratio(zero) < 2")).message).toContain("the baseline of zero is 0");
  });

  it("evaluateThresholds keeps order", () => {
    const checks = evaluateThresholds(
      parseThresholds(["p95 < 1s", "warn: p99 < 400ms", "critical == 0"]),
      METRICS,
    );
    expect(checks.map((c) => c.status)).toEqual(["pass", "warn", "pass"]);
  });
});

describe("compareValues", () => {
  it("uses a relative tolerance for equality", () => {
    expect(compareValues(0.1 + 0.2, "==", 0.3)).toBe(true);
    expect(compareValues(0.1 + 0.2, "!=", 0.3)).toBe(false);
    expect(compareValues(0.1 + 0.2, "<=", 0.3)).toBe(true);
    expect(compareValues(1, "==", 1.000001)).toBe(false);
    expect(compareValues(1e-20, "==", 0)).toBe(false);
    expect(compareValues(Number.POSITIVE_INFINITY, ">", 1e308)).toBe(true);
    expect(compareValues(Number.NaN, "!=", 1)).toBe(false);
  });
});

describe("slice scopes", () => {
  it("scopes a threshold to one slice or to every slice", () => {
    expect(parseThreshold("slice(*): delta(accuracy) >= -0.05")).toMatchObject({
      slice: "*",
      fn: "delta",
      metric: "accuracy",
      value: -0.05,
    });
    expect(parseThreshold("slice(fr): accuracy >= 0.8")).toMatchObject({ slice: "fr", fn: null });
    expect(parseThreshold('warn: slice("age>60"): f1 >= 0.7')).toMatchObject({
      level: "warn",
      slice: "age>60",
    });
    expect(parseThreshold("slice(region=eu) :recall>=0.5")).toMatchObject({
      slice: "region=eu",
      metric: "recall",
    });
    expect(parseThreshold("accuracy >= 0.8").slice).toBeUndefined();
  });

  it("points at a missing colon, an empty scope and an unclosed scope", () => {
    const at = (source: string) => {
      try {
        parseThreshold(source);
      } catch (e) {
        return [(e as ThresholdSyntaxError).reason, (e as ThresholdSyntaxError).position];
      }
      return undefined;
    };
    expect(at("slice(fr) accuracy >= 1")).toEqual(['expected ":" after the slice scope', 10]);
    expect(at("slice(): a > 1")).toEqual(["expected a slice name or * inside slice(...)", 6]);
    expect(at("slice(fr:  a>1")).toEqual(['expected ")" after the slice name', 8]);
    expect(at("warn: slice(fr")).toEqual(['unclosed "slice("', 6]);
    expect(at("slice(*):")).toEqual(["missing metric after the slice scope", 9]);
  });

  it("prints the scope back", () => {
    for (const source of ["slice(*): delta(f1) >= -0.02", 'warn: slice("a b"): accuracy >= 0.8']) {
      expect(formatThreshold(parseThreshold(source))).toBe(source);
    }
  });
});
