import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Dimension } from "../src/report.js";
import {
  COMPARATORS,
  type Comparator,
  evaluateThreshold,
  formatThreshold,
  parseThreshold,
  type Threshold,
  ThresholdSyntaxError,
} from "../src/threshold/index.js";
import { UNITS } from "../src/units.js";

const UNIT_NAMES = [...Object.keys(UNITS), "μs"];

function factorOf(unit: string | undefined): number {
  if (unit === undefined) return 1;
  return UNITS[unit.replace(/^μ/, "µ")]!.factor;
}

function dimensionOf(unit: string | undefined): Dimension {
  return unit === undefined ? "none" : UNITS[unit.replace(/^μ/, "µ")]!.dimension;
}

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:/\-[\]]{0,20}$/);
const anyName = fc.string({ minLength: 1, maxLength: 30, unit: "binary" });
const metricName = fc.oneof(identifier, anyName, fc.constantFrom("warn:x", "fail:y", 'a"b', "a\\b", "x y"));

/** Finite doubles away from the subnormal range, where `x * factor` loses the digits of `x`. */
const magnitude = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 })
  .filter((x) => x === 0 || Math.abs(x) >= 1e-280);

const threshold: fc.Arbitrary<Omit<Threshold, "source">> = fc
  .record({
    level: fc.constantFrom("fail" as const, "warn" as const),
    slice: fc.option(
      fc.oneof(
        fc.constant("*"),
        fc.stringMatching(/^[a-z0-9_=]{1,8}$/),
        fc.string({ minLength: 1, maxLength: 8 }),
      ),
      { nil: undefined },
    ),
    fn: fc.constantFrom(null, "delta", "ratio"),
    metric: metricName,
    op: fc.constantFrom(...COMPARATORS),
    x: magnitude,
    unit: fc.constantFrom(undefined, ...UNIT_NAMES),
  })
  // ratio() is unitless: only plain numbers and percentages are valid limits for it.
  .filter(({ fn, unit }) => fn !== "ratio" || unit === undefined || unit === "%")
  .map(({ x, unit, slice, ...rest }) => {
    const t: Omit<Threshold, "source"> = {
      ...rest,
      ...(slice === undefined ? {} : { slice }),
      value: x * factorOf(unit) + 0,
      dimension: dimensionOf(unit),
    };
    if (unit !== undefined) t.unit = unit;
    return t;
  })
  // The parser rejects limits that overflow in their canonical unit (1e300 GB).
  .filter((t) => Number.isFinite(t.value));

/** Text that is, or is close to, a valid threshold: spacing, separators, exponents, quotes. */
const validText = fc
  .record({
    level: fc.constantFrom("", "warn:", "fail: ", "WARN :"),
    fn: fc.constantFrom(null, "delta", "ratio"),
    metric: fc.oneof(identifier, fc.constantFrom('"slice:age>60/f1"', '"a \\" b"')),
    op: fc.constantFrom(...COMPARATORS),
    number: fc.constantFrom("0", "1", "-0.005", "1_000", "1e-3", "2.5E+2", ".5", "+3", "250", "1.10"),
    unit: fc.constantFrom("", "ms", " ms", "%", "/s", "MiB", " MiB", "s", "µs"),
    spaces: fc.array(fc.constantFrom("", " ", "  ", "\t"), { minLength: 5, maxLength: 5 }),
  })
  .filter(({ fn, unit }) => fn !== "ratio" || ["", "%"].includes(unit))
  .map(({ level, fn, metric, op, number, unit, spaces: [a, b, c, d, e] }) => {
    const subject = fn === null ? metric : `${fn}(${b}${metric}${c})`;
    return `${a}${level}${b}${subject}${c}${op}${d}${number}${unit}${e}`;
  });

const NOISE = [..."<>=!()\"'\\_.,eE%/µμ :+-0123456789abcdefmsKiB\t\n😀\u0000"];

/** A valid threshold with a few characters inserted, deleted or replaced. */
const mutated = fc
  .tuple(
    validText,
    fc.array(
      fc.record({
        kind: fc.constantFrom("insert", "delete", "replace"),
        at: fc.nat(),
        char: fc.constantFrom(...NOISE),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, edits]) => {
    let s = text;
    for (const { kind, at, char } of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (kind === "insert") s = s.slice(0, i) + char + s.slice(i);
      else if (kind === "delete") s = s.slice(0, i) + s.slice(i + 1);
      else s = s.slice(0, i) + char + s.slice(i + 1);
    }
    return s;
  });

/** Parses, or throws only a well-formed ThresholdSyntaxError. */
function parseOrSyntaxError(source: string): Threshold | ThresholdSyntaxError {
  try {
    return parseThreshold(source);
  } catch (e) {
    if (!(e instanceof ThresholdSyntaxError)) throw e;
    expect(e.source).toBe(source.trim());
    expect(e.position).toBeGreaterThanOrEqual(0);
    expect(e.position).toBeLessThanOrEqual(e.source.length);
    expect(e.position + e.length).toBeLessThanOrEqual(e.source.length);
    expect(e.message.startsWith("invalid threshold ")).toBe(true);
    expect(e.message).toContain(`(column ${e.column})`);
    return e;
  }
}

/** Equal up to float rounding; subnormals carry too few digits for a relative bound. */
function closeTo(a: number, b: number, relative = 1e-12): boolean {
  return Math.abs(a - b) <= Math.max(relative * Math.max(Math.abs(a), Math.abs(b)), 1e-300);
}

const RUNS = { numRuns: 500 };

describe("threshold properties", () => {
  it("printing a threshold and parsing it back gives the same threshold", () => {
    fc.assert(
      fc.property(threshold, (t) => {
        const text = formatThreshold(t);
        expect(parseThreshold(text)).toEqual({ ...t, source: text });
      }),
      RUNS,
    );
  });

  it("parse -> print -> parse is stable for written thresholds", () => {
    fc.assert(
      fc.property(validText, (text) => {
        const t = parseThreshold(text);
        const printed = formatThreshold(t);
        expect(parseThreshold(printed)).toEqual({ ...t, source: printed });
      }),
      RUNS,
    );
  });

  it("arbitrary strings either parse or throw a positioned ThresholdSyntaxError", () => {
    for (const strings of [
      fc.string(),
      fc.string({ unit: "grapheme", maxLength: 60 }),
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...NOISE), maxLength: 30 }),
      fc.string({ minLength: 490, maxLength: 520, unit: "grapheme-ascii" }),
      mutated,
    ]) {
      fc.assert(
        fc.property(strings, (s) => {
          const r = parseOrSyntaxError(s);
          if (!(r instanceof ThresholdSyntaxError)) {
            expect(Number.isFinite(r.value)).toBe(true);
            expect(parseThreshold(formatThreshold(r))).toEqual({ ...r, source: formatThreshold(r) });
          }
        }),
        RUNS,
      );
    }
  });

  it("x ms and x/1000 s are the same limit", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), (x) => {
        const ms = parseThreshold(`p < ${x}ms`);
        const s = parseThreshold(`p < ${x / 1000}s`);
        expect(ms.dimension).toBe("time");
        expect(closeTo(ms.value, s.value)).toBe(true);
      }),
      RUNS,
    );
  });

  it("units of a dimension agree with each other", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), (x) => {
        expect(closeTo(parseThreshold(`b < ${x}KiB`).value, parseThreshold(`b < ${x * 1024}B`).value)).toBe(
          true,
        );
        expect(closeTo(parseThreshold(`t < ${x}min`).value, parseThreshold(`t < ${x * 60}s`).value)).toBe(
          true,
        );
        expect(closeTo(parseThreshold(`r < ${x}%`).value, parseThreshold(`r < ${x / 100}`).value)).toBe(true);
        expect(closeTo(parseThreshold(`q > ${x}/min`).value, parseThreshold(`q > ${x / 60}/s`).value)).toBe(
          true,
        );
      }),
      RUNS,
    );
  });

  function reference(a: number, op: Comparator, b: number): boolean {
    const finite = Number.isFinite(a) && Number.isFinite(b);
    const equal = a === b || (finite && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
    if (equal) return op === "<=" || op === ">=" || op === "==";
    return { "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": false, "!=": true }[op];
  }

  const value = fc.oneof(
    fc.double({ noNaN: true }),
    fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8),
  );

  it("evaluation agrees with JS comparison (values within 1e-9 relative count as equal)", () => {
    fc.assert(
      fc.property(
        value,
        value,
        fc.constantFrom(...COMPARATORS),
        fc.constantFrom("fail" as const, "warn" as const),
        (a, b, op, level) => {
          const t: Threshold = {
            source: `m ${op} ${b}`,
            level,
            fn: null,
            metric: "m",
            op,
            value: b,
            dimension: "none",
          };
          const check = evaluateThreshold(t, { m: { value: a } });
          expect(check.status).toBe(reference(a, op, b) ? "pass" : level);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("evaluation of parsed integers matches plain JS comparison", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.constantFrom(...COMPARATORS),
        (a, b, op) => {
          const js = { "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a === b, "!=": a !== b }[op];
          const check = evaluateThreshold(parseThreshold(`m ${op} ${b}`), { m: { value: a } });
          expect(check.status).toBe(js ? "pass" : "fail");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("delta and ratio agree with arithmetic on the baseline", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: -10_000, max: 10_000 }).filter((n) => n !== 0),
        fc.integer({ min: -100, max: 100 }),
        fc.constantFrom(...COMPARATORS),
        (v, base, limit, op) => {
          const metrics = { m: { value: v, baseline: base, dimension: "time" as const } };
          const delta = evaluateThreshold(parseThreshold(`delta(m) ${op} ${limit}ms`), metrics);
          expect(delta.status).toBe(reference(v - base, op, limit) ? "pass" : "fail");
          const ratio = evaluateThreshold(parseThreshold(`ratio(m) ${op} ${limit}%`), metrics);
          expect(ratio.status).toBe(reference(v / base, op, limit * 0.01) ? "pass" : "fail");
        },
      ),
      RUNS,
    );
  });
});
