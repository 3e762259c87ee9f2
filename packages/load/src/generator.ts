import type { ConnectionPool } from "./http/connection-pool.js";
import type { Recorder } from "./recorder.js";
import { type Clock, MeasuredRequest, type RequestPlan } from "./request.js";
import type { ArrivalSchedule } from "./schedule.js";

/** What both models share: where requests go, where outcomes land, and when to stop early. */
export interface DriveContext {
  pool: ConnectionPool;
  plan: RequestPlan;
  recorder: Recorder;
  clock: Clock;
  /** Most requests to start, warm-up included. */
  maxRequests: number;
  /** Set to stop starting requests (abort-early, a signal); in-flight ones still finish. */
  stopped: () => boolean;
}

/** Live numbers for progress lines. */
export interface DriveState {
  started: number;
  inFlight: number;
}

/**
 * Open model: every arrival starts at its scheduled time whether or not earlier ones have finished.
 * At most `connections` requests are in flight; an arrival due while all are busy waits for the
 * next free one (and its wait counts in its latency, which is measured from the intended time),
 * and is dropped once it has waited longer than the timeout, as a client would give up.
 */
export function driveOpen(
  schedule: ArrivalSchedule,
  connections: number,
  ctx: DriveContext,
  state: DriveState,
): Promise<void> {
  const { recorder, clock, plan, pool } = ctx;
  const total = Math.min(schedule.total, ctx.maxRequests);
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  /** The latest moment at which an arrival was due while every connection was busy. */
  let blockedAt = Number.NEGATIVE_INFINITY;
  /** Request objects not in flight, reused: at most `connections` are ever made. */
  const free: MeasuredRequest[] = [];
  const gap = (intendedAt: number, ms: number) => recorder.gap(intendedAt, ms);

  return new Promise<void>((resolve) => {
    let finished = false;
    const maybeFinish = () => {
      if (!finished && state.inFlight === 0 && (next >= total || ctx.stopped())) {
        finished = true;
        if (timer) clearTimeout(timer);
        resolve();
      }
    };

    const complete = (r: MeasuredRequest) => {
      state.inFlight--;
      recorder.record(r);
      free.push(r);
      // A failure inside send must not re-enter the pump that is sending.
      if (r.sending) setImmediate(pump);
      else pump(r.endAt);
    };

    /** Start every arrival that is due at `now`. */
    const pump = (now = clock()) => {
      if (ctx.stopped()) {
        next = total;
        return maybeFinish();
      }
      while (next < total) {
        const intendedAt = schedule.intendedAt(next);
        if (intendedAt > now) break;
        if (state.inFlight >= connections) {
          blockedAt = now;
          // Give up on arrivals that have waited longer than a client would.
          if (now - intendedAt > plan.timeoutMs) {
            recorder.started(intendedAt, now, true);
            recorder.record({
              intendedAt,
              sentAt: now,
              endAt: now,
              error: "dropped",
              detail: `no connection was free within ${plan.timeoutMs}ms`,
              timed: true,
            });
            next++;
            continue;
          }
          break;
        }
        state.inFlight++;
        state.started++;
        recorder.started(intendedAt, now, intendedAt <= blockedAt);
        const r = free.pop() ?? new MeasuredRequest(plan, clock, gap, complete);
        const seq = schedule.globalIndex(next);
        next++;
        r.send(pool, seq, intendedAt, now);
      }
      if (next >= total) return maybeFinish();
      // A timer only when a connection is free; otherwise the next completion pumps.
      if (state.inFlight < connections && timer === undefined) {
        const wait = Math.max(0, schedule.intendedAt(next) - clock());
        timer = setTimeout(() => {
          timer = undefined;
          pump();
        }, wait);
      }
    };

    pump();
  });
}

/**
 * Closed model: `users` loops, each sending its next request when the previous answer arrives.
 * Its latency has no schedule to be measured against: a stall delays the users' next requests
 * instead of showing as latency (coordinated omission), which the report says.
 */
export function driveClosed(
  users: number,
  endAt: number,
  ctx: DriveContext,
  state: DriveState,
): Promise<void> {
  const { recorder, clock, plan, pool } = ctx;
  return new Promise<void>((resolve) => {
    let active = users;
    let seq = 0;
    const gap = (intendedAt: number, ms: number) => recorder.gap(intendedAt, ms);
    /** User `r` sends its next request at `now`, or stops. */
    const next = (r: MeasuredRequest, now: number) => {
      if (ctx.stopped() || now >= endAt || seq >= ctx.maxRequests) {
        if (--active === 0) resolve();
        return;
      }
      state.inFlight++;
      state.started++;
      recorder.started(now, now, false);
      r.send(pool, seq++, now, now);
    };
    const complete = (r: MeasuredRequest) => {
      state.inFlight--;
      recorder.record(r);
      // A request that failed before any I/O must not recurse without bound.
      if (r.sending) setImmediate(() => next(r, clock()));
      else next(r, r.endAt);
    };
    for (let i = 0; i < users; i++) next(new MeasuredRequest(plan, clock, gap, complete), clock());
  });
}
