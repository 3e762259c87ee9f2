import { z } from "zod";
import { parseThreshold, ThresholdSyntaxError } from "../threshold/index.js";

export interface ThresholdListOptions {
  /** Function names the gate understands in thresholds (`delta`, `ratio`, …), passed to `parseThreshold`. */
  functions?: readonly string[];
}

/** Key in a zod issue's `params` carrying where inside the threshold text the syntax error sits. */
export const THRESHOLD_PARAM = "mlgateThreshold";

export interface ThresholdIssueParams {
  /** 0-based offset of the fault in the threshold string as written, when the parser gave one. */
  offset?: number;
  /** The parser's caret lines and notes, shown when this is the only issue. */
  detail: string[];
}

interface ThresholdProblem {
  reason: string;
  params: ThresholdIssueParams;
}

function checkThreshold(source: string, options: ThresholdListOptions): ThresholdProblem | undefined {
  try {
    parseThreshold(source, options.functions ? { functions: options.functions } : {});
    return undefined;
  } catch (e) {
    if (e instanceof ThresholdSyntaxError) {
      // The parser positions errors in the trimmed text; the file holds it untrimmed.
      const leading = source.length - source.trimStart().length;
      return {
        reason: e.reason,
        params: { offset: leading + e.position, detail: e.message.split("\n").slice(1) },
      };
    }
    const message = e instanceof Error ? e.message : String(e);
    return { reason: message.split("\n")[0] ?? message, params: { detail: [] } };
  }
}

const oneThreshold = z.string().meta({
  description: "A threshold the gate enforces, e.g. `accuracy >= 0.9` or `p95 < 250ms`.",
  examples: ["accuracy >= 0.9", "p95 < 250ms", "warn: delta(f1) >= -0.005"],
});

// Metadata sits on the input side: the JSON Schema describes what users write, not the parsed list.
const thresholdInput = z.union([oneThreshold, z.array(oneThreshold)]).meta({
  description: "Thresholds the gate enforces; every one must hold for the gate to pass.",
  examples: [["accuracy >= 0.9", "p95 < 250ms"]],
});

/**
 * A list of threshold strings (a single string also works), each parsed when the config loads so a
 * typo fails with its key path and line before any evidence is read.
 */
export function thresholdListOf(options: ThresholdListOptions = {}): z.ZodType<string[]> {
  return thresholdInput.transform((value, ctx) => {
    const list = typeof value === "string" ? [value] : value;
    list.forEach((source, i) => {
      const problem = checkThreshold(source, options);
      if (!problem) return;
      ctx.issues.push({
        code: "custom",
        input: source,
        path: typeof value === "string" ? [] : [i],
        message: `invalid threshold ${JSON.stringify(source)}: ${problem.reason}`,
        params: { [THRESHOLD_PARAM]: problem.params },
      });
    });
    return list;
  });
}

/** Thresholds validated with the parser's default function set. */
export const thresholdList: z.ZodType<string[]> = thresholdListOf();
