import type { Threshold } from "@mlgate/core";
import type { Measurements } from "./measurements.js";
import { ERROR_KINDS, type ErrorKind } from "./outcome.js";

/**
 * Thresholds that can be lost for good before the run ends. A percentile bound `pQ < L` is lost once
 * more than (100 − Q)% of the most requests the run can still measure took L or more, and an error
 * bound once the errors alone exceed it: no later request can bring either back. Only such
 * certainties stop a run; a bound that merely fails so far does not.
 */
export interface LossWatch {
  /** Says why the threshold is lost, or undefined while it can still pass. */
  lost(m: Measurements, plannedRequests: number | undefined): string | undefined;
}

const PERCENTILE = /^(?:(ttft)_)?p(\d+(?:\.\d+)?)$/;

export function lossWatches(thresholds: readonly Threshold[]): LossWatch[] {
  const out: LossWatch[] = [];
  for (const t of thresholds) {
    if (t.level !== "fail" || t.fn !== null || (t.op !== "<" && t.op !== "<=")) continue;
    const percentile = PERCENTILE.exec(t.metric);
    if (percentile) {
      const q = Number(percentile[2]);
      if (!(q > 0 && q < 100)) continue;
      const histogram = percentile[1] === "ttft" ? "ttft" : "latency";
      out.push(percentileWatch(t, histogram, q));
    } else if (t.metric === "error_rate") out.push(errorRateWatch(t));
    else if (t.metric === "errors" || t.metric.startsWith("errors_")) out.push(errorCountWatch(t));
  }
  return out;
}

/** Requests at or above `limitMs` (strictly above for `<=`), from the histogram's counts. */
function countAtOrAbove(
  m: Measurements,
  which: "latency" | "ttft",
  limitMs: number,
  inclusive: boolean,
): number {
  const h = m[which];
  const limit = limitMs * 1000;
  let below = 0;
  // Recorded-values iteration visits each non-empty bucket once; values are each bucket's highest equivalent.
  const iterate = (
    h as unknown as {
      recordedValuesIterator?: {
        reset(): void;
        hasNext(): boolean;
        next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
      };
    }
  ).recordedValuesIterator;
  if (!iterate) return 0;
  iterate.reset();
  while (iterate.hasNext()) {
    const v = iterate.next();
    if (inclusive ? v.valueIteratedTo < limit : v.valueIteratedTo <= limit) below += v.countAtValueIteratedTo;
  }
  return h.totalCount - below;
}

function percentileWatch(t: Threshold, which: "latency" | "ttft", q: number): LossWatch {
  return {
    lost(m, planned) {
      if (planned === undefined) return undefined;
      // `p95 < 250ms` fails when p95 >= 250ms; `p95 <= 250ms` when p95 > 250ms.
      const over = countAtOrAbove(m, which, t.value, t.op === "<");
      // pQ reaches the limit once fewer than ceil(Q% of N) requests stay under it, i.e. once more than
      // (100 − Q)% of N are over; N never exceeds the planned count, so that bound is certain.
      const allowed = ((100 - q) / 100) * planned;
      if (over <= allowed + 1e-9 * planned) return undefined;
      const what = which === "ttft" ? "first tokens" : "requests";
      return `${t.source} can no longer pass: ${over} of at most ${planned} ${what} already took ${t.op === "<" ? "at least" : "more than"} the limit`;
    },
  };
}

function errorRateWatch(t: Threshold): LossWatch {
  return {
    lost(m, planned) {
      if (planned === undefined) return undefined;
      let errors = 0;
      for (const k of ERROR_KINDS) errors += m.counters.errors[k];
      const bound = t.value * planned;
      const lost = t.op === "<" ? errors >= bound && errors > 0 : errors > bound;
      return lost
        ? `${t.source} can no longer pass: ${errors} errors of at most ${planned} requests`
        : undefined;
    },
  };
}

const COUNT_METRICS: Record<string, readonly ErrorKind[]> = {
  errors: ERROR_KINDS,
  errors_3xx: ["status_3xx"],
  errors_4xx: ["status_4xx"],
  errors_5xx: ["status_5xx"],
  errors_timeout: ["timeout"],
  errors_connection: ["connection"],
  errors_validation: ["validation"],
  errors_stream: ["stream"],
  errors_dropped: ["dropped"],
};

function errorCountWatch(t: Threshold): LossWatch {
  const kinds = COUNT_METRICS[t.metric];
  return {
    lost(m) {
      if (!kinds) return undefined;
      let n = 0;
      for (const k of kinds) n += m.counters.errors[k];
      const lost = t.op === "<" ? n >= t.value : n > t.value;
      return lost ? `${t.source} can no longer pass: already ${n}` : undefined;
    },
  };
}
