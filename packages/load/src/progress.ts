import { formatNumber, formatValue } from "@mlgate/core";

/** A snapshot of a running test, for the log. */
export interface Progress {
  phase: "warm-up" | "measuring" | "finishing" | "done";
  elapsedMs: number;
  totalMs: number;
  /** Open model: the scheduled rate now. */
  targetRate?: number;
  /** Responses per second over the last interval (any outcome). */
  achievedRate: number;
  started: number;
  inFlight: number;
  /** Measured so far (warm-up excluded). */
  requests: number;
  errors: number;
  p95Ms?: number;
  late: number;
  /** The shard this generator runs, 1-based, when the test is split. */
  shard?: { index: number; count: number };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** `[12s/30s] 199.6/s (target 200/s) · p95 231ms · errors 3 (0.05%) · in flight 12` */
export function formatProgress(p: Progress): string {
  const shard = p.shard && p.shard.count > 1 ? ` shard ${p.shard.index}/${p.shard.count}` : "";
  const head = `[${seconds(p.elapsedMs)}/${seconds(p.totalMs)}${shard}]${p.phase === "measuring" ? "" : ` ${p.phase}`}`;
  const rate = `${formatNumber(Number(p.achievedRate.toFixed(1)))}/s${p.targetRate !== undefined ? ` (target ${formatNumber(Number(p.targetRate.toFixed(1)))}/s)` : ""}`;
  const p95 = p.p95Ms === undefined ? "p95 —" : `p95 ${formatValue(p.p95Ms, "time")}`;
  const share = p.requests > 0 ? ` (${formatValue(p.errors / p.requests, "ratio")})` : "";
  const late = p.late > 0 ? ` · late starts ${p.late}` : "";
  return `${head} ${rate} · ${p95} · errors ${p.errors}${share} · in flight ${p.inFlight}${late}`;
}
