import { describeError, formatNumber, formatValue } from "@mlgate/core";
import { type JudgeSettings, judgeLook, type LookResult } from "../judge/judge-look.js";
import { MetricTrack } from "../judge/track.js";
import { type MetricSource, MetricSourceError, type MetricSpec, type Versions } from "../metrics/types.js";
import { formatDuration } from "../plan/parse-steps.js";
import { type FailureClass, formatWeight, type RolloutPlan } from "../plan/types.js";
import { isOpen } from "../state/phase.js";
import type { RolloutRecord, StateStore } from "../state/types.js";
import { canaryStrategy } from "../strategy/canary.js";
import type { AnalysisLook, RolloutStrategy, Stage } from "../strategy/types.js";
import type { TrafficProvider } from "../traffic/types.js";
import { type Clock, realClock } from "./clock.js";
import type { RolloutOutcome, StepRecord, StopCause, TimelinePoint } from "./outcome.js";

/** What a re-run does with a rollout an earlier run left open. */
export type ResumeMode = "auto" | "restart" | "cleanup";

export interface RolloutInput {
  plan: RolloutPlan;
  traffic: TrafficProvider;
  sources: readonly MetricSource[];
  metrics: readonly MetricSpec[];
  judge: JudgeSettings;
  versions: Versions;
  environment: string;
  resume: ResumeMode;
  state?: StateStore;
  /** How traffic moves (default: the plan's canary steps). */
  strategy?: RolloutStrategy;
}

export interface RolloutOptions {
  clock?: Clock;
  log?: (line: string) => void;
  /** Aborting it stops the rollout and rolls back (a cancelled job). */
  signal?: AbortSignal;
}

/** Attempts at a rollback before it is declared failed: it is the safety net, so it tries hard. */
const ROLLBACK_ATTEMPTS = 3;
const ROLLBACK_BACKOFF_MS = 500;

/**
 * The step loop: move traffic into each of the strategy's stages, watch, judge, and conclude, extend
 * or stop by the plan's policies. Every strategy shares this loop; only the moves differ.
 */
export async function runRollout(input: RolloutInput, options: RolloutOptions = {}): Promise<RolloutOutcome> {
  return new Rollout(input, options).run();
}

class Rollout {
  private readonly strategy: RolloutStrategy;
  private readonly stages: readonly Stage[];
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly tracks: MetricTrack[];
  private readonly timeline: TimelinePoint[] = [];
  private readonly steps: StepRecord[] = [];
  private readonly warnings: string[] = [];
  private readonly started: number;
  private lastCollect: number;
  private lastLook: LookResult | undefined;
  private weight = 0;
  private stepsCompleted = 0;
  private resumedFrom: number | undefined;
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly input: RolloutInput,
    private readonly options: RolloutOptions,
  ) {
    this.strategy = input.strategy ?? canaryStrategy(input.plan);
    this.stages = this.strategy.stages;
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? (() => {});
    this.tracks = input.metrics.map((m) => new MetricTrack(m));
    this.started = this.clock.now();
    this.lastCollect = this.started;
  }

  async run(): Promise<RolloutOutcome> {
    const { plan, traffic } = this.input;
    this.log(
      `plan: ${this.strategy.describe()}, a look every ${formatDuration(Math.round(plan.intervalMs))}, router: ${traffic.describe()}`,
    );
    try {
      this.weight = (await traffic.getWeights()).canary;
    } catch (e) {
      return this.finish("not-started", {
        cause: "router",
        reason: `cannot read the current weights from ${traffic.describe()}: ${describeError(e)}`,
      });
    }
    const start = await this.decideStart();
    if ("outcome" in start) return start.outcome;

    for (const source of this.input.sources) await source.start?.();
    const stages = this.stages;
    for (let i = start.index; i < stages.length; i++) {
      const stage = stages[i]!;
      if (this.options.signal?.aborted) return this.stop("cancelled", "the job was cancelled", i);
      try {
        this.weight = await stage.enter(traffic);
      } catch (e) {
        return this.stop("router", `could not ${stage.moveWords}: ${describeError(e)}`, i);
      }
      this.log(stage.entered(this.weight, i, stages.length));
      await this.record({ step: i, weight: this.weight, phase: stage.phase });
      if (stage.watchMs === 0) {
        this.stepsCompleted++;
        continue;
      }
      const verdict = await this.watch(i, stage);
      if (verdict) return verdict;
      this.stepsCompleted++;
    }
    return this.conclude();
  }

  /** Every stage passed: the strategy's last move (promote, stop mirroring, end the experiment). */
  private async conclude(): Promise<RolloutOutcome> {
    const last = this.stages.length - 1;
    let conclusion: Awaited<ReturnType<RolloutStrategy["conclude"]>>;
    try {
      conclusion = await this.strategy.conclude(this.input.traffic, this.weight);
    } catch (e) {
      return this.stop("router", `could not finish: ${describeError(e)}`, last);
    }
    this.weight = conclusion.weight;
    if (conclusion.log) this.log(conclusion.log);
    if (conclusion.phase) {
      await this.record({
        step: last,
        weight: this.weight,
        phase: conclusion.phase,
        ...(conclusion.reason ? { reason: conclusion.reason } : {}),
      });
    }
    return this.finish(conclusion.result, conclusion.reason ? { reason: conclusion.reason } : {});
  }

  /** Where to begin, given what an earlier run left behind. */
  private async decideStart(): Promise<{ index: number } | { outcome: RolloutOutcome }> {
    const { state, resume, versions } = this.input;
    let prior: RolloutRecord | undefined;
    try {
      prior = await state?.latest();
    } catch (e) {
      this.warn(
        `could not read earlier progress from ${state!.describe()}: ${describeError(e)}; starting afresh`,
      );
    }
    const open = prior !== undefined && isOpen(prior.phase);
    // A shadow run of v2 left open is not a canary of v2 to resume.
    const same =
      prior?.candidate === versions.candidate && (prior.strategy ?? "canary") === this.strategy.name;
    if (prior && open && same && resume === "auto" && prior.step < this.stages.length) {
      this.resumedFrom = prior.step;
      this.log(
        `resuming the rollout of ${versions.candidate} at step ${prior.step + 1} (${prior.phase} at ${formatWeight(prior.weight)} when the last run ended)`,
      );
      return { index: prior.step };
    }
    if (prior && open) {
      const why = same
        ? `resume: ${resume}`
        : `an earlier run left ${prior.candidate} at ${formatWeight(prior.weight)}`;
      this.log(`cleaning up first (${why}): rolling back`);
      const rolled = await this.rollback();
      if (rolled.error) {
        return {
          outcome: this.finish("rolled-back", {
            cause: "router",
            reason: `could not clean up the earlier rollout of ${prior.candidate}: ${rolled.error}`,
            rollbackError: rolled.error,
          }),
        };
      }
      await this.write({
        ...prior,
        weight: this.weight,
        phase: "rolled-back",
        reason: `cleaned up by a later run (${why})`,
      });
      if (resume === "cleanup") {
        return {
          outcome: this.finish("cleaned-up", {
            reason: `rolled back the earlier rollout of ${prior.candidate}; the baseline serves all traffic (verified)`,
          }),
        };
      }
    } else if (resume === "cleanup") {
      return { outcome: this.finish("cleaned-up", { reason: "no open rollout to clean up" }) };
    } else if (
      prior?.phase === "promoted" &&
      prior.candidate === versions.candidate &&
      resume === "auto" &&
      this.weight === 100 &&
      (this.strategy.name === "canary" || this.strategy.name === "blue-green")
    ) {
      return {
        outcome: this.finish("already-promoted", {
          reason: `${versions.candidate} was already promoted by an earlier run`,
        }),
      };
    }
    const refused = this.strategy.refuseStart?.(this.weight, this.input.traffic);
    if (refused) return { outcome: this.finish("not-started", { cause: "router", reason: refused }) };
    try {
      await state?.begin(this.recordOf({ step: 0, weight: this.weight, phase: "starting" }));
    } catch (e) {
      // Nothing has moved yet: better to stop than to run without a way to clean up after a crash.
      return {
        outcome: this.finish("not-started", {
          cause: "provider",
          reason: `could not record the rollout in ${state!.describe()}: ${describeError(e)}`,
        }),
      };
    }
    return { index: 0 };
  }

  /**
   * Look at the metrics every interval until the stage's time is up and every metric has enough data
   * (or the strategy's analysis has decided). Returns the outcome when the rollout must stop,
   * undefined when the stage passed.
   */
  private async watch(index: number, stage: Stage): Promise<RolloutOutcome | undefined> {
    const { plan } = this.input;
    const bakeMs = stage.watchMs;
    const guard = stage.guard;
    for (const t of this.tracks) t.startStep();
    const judged = stage.metrics
      ? this.tracks.filter((t) => stage.metrics!.includes(t.spec.name))
      : this.tracks;
    const settings = stage.thresholds
      ? { ...this.input.judge, thresholds: stage.thresholds }
      : this.input.judge;
    const stepStart = this.clock.now();
    this.lastCollect = stepStart;
    let deadline = stepStart + bakeMs;
    const record: StepRecord = {
      index,
      weight: this.weight,
      phase: stage.kind,
      words: stage.words,
      startedMs: stepStart - this.started,
      endedMs: stepStart - this.started,
      looks: 0,
      extensions: 0,
      outcome: "interrupted",
    };
    this.steps.push(record);
    const label = stage.words.look;
    for (;;) {
      try {
        await this.clock.sleep(
          Math.max(0, Math.min(plan.intervalMs, deadline - this.clock.now())),
          this.options.signal,
        );
      } catch {
        record.endedMs = this.clock.now() - this.started;
        return this.stop("cancelled", `the job was cancelled during ${label}`, index);
      }
      const now = this.clock.now();
      const problem = await this.collect(now);
      record.looks++;
      record.endedMs = now - this.started;
      if (problem) {
        record.outcome = "failed";
        return this.stop("provider", `${problem} during ${label}`, index);
      }
      const endOfStep = now >= deadline;
      const look = judgeLook(judged, settings, { endOfStep, guard });
      let extra: AnalysisLook | undefined;
      if (stage.analysis) {
        try {
          extra = await stage.analysis.look({ now, endOfStep, stage });
        } catch (e) {
          record.outcome = "failed";
          return this.stop(
            "provider",
            `the ${this.strategy.name} analysis failed during ${label}: ${describeError(e)}`,
            index,
          );
        }
        look.checks.push(...extra.checks);
        look.warnings.push(...extra.warnings);
        look.short.push(...extra.short);
      }
      record.look = look;
      this.lastLook = look;
      this.remember(look, now, stage);
      this.log(
        `${label}, look ${record.looks}: ${summarize(look)}${extra?.summary ? `; ${extra.summary}` : ""}`,
      );
      for (const w of look.warnings) this.warn(w);
      const failure = look.failure ?? extra?.failure;
      if (failure) {
        record.outcome = "failed";
        const cause = extra?.failure && !look.failure ? extra.failure.cause : "metric";
        return this.stop(cause, failure.message, index, { rule: failure.rule, metric: failure.metric });
      }
      if (extra?.done && look.short.length === 0) {
        record.outcome = "passed";
        return undefined;
      }
      if (!endOfStep) continue;
      if (look.short.length === 0) {
        record.outcome = "passed";
        return undefined;
      }
      const missing = look.short.join(", ");
      if (record.extensions >= plan.maxExtensions) {
        record.outcome = "failed";
        return this.stop(
          "no-data",
          `not enough data to judge ${missing} during ${label}${record.extensions > 0 ? ` after ${record.extensions} extension(s)` : ""}`,
          index,
        );
      }
      const extension = Math.max(plan.intervalMs, Math.min(bakeMs, 10 * plan.intervalMs));
      record.extensions++;
      deadline = now + extension;
      this.log(
        `${label}: not enough data for ${missing}; extending by ${formatDuration(Math.round(extension))} (${record.extensions} of ${plan.maxExtensions})`,
      );
    }
  }

  /** Pull every source's samples since the last look; returns why the analysis must stop, if it must. */
  private async collect(now: number): Promise<string | undefined> {
    const window = { from: this.lastCollect, to: now };
    this.lastCollect = now;
    for (const source of this.input.sources) {
      const metrics = this.input.metrics.filter((m) => m.provider === source.kind);
      if (metrics.length === 0) continue;
      try {
        const samples = await source.collect(metrics, window);
        for (const track of this.tracks) {
          const pair = samples.get(track.spec.name);
          if (pair) track.add(pair);
        }
        this.failures.set(source.kind, 0);
      } catch (e) {
        const count = (this.failures.get(source.kind) ?? 0) + 1;
        this.failures.set(source.kind, count);
        const why = describeError(e);
        if (e instanceof MetricSourceError && e.permanent) return `${source.kind} cannot answer: ${why}`;
        if (count >= this.input.plan.maxProviderFailures)
          return `${source.kind} failed ${count} times in a row (${why})`;
        this.warn(
          `${source.kind} failed (${count} of ${this.input.plan.maxProviderFailures} in a row): ${why}`,
        );
      }
    }
    return undefined;
  }

  private remember(look: LookResult, now: number, stage: Stage): void {
    const values: TimelinePoint["values"] = {};
    for (const [name, m] of Object.entries(look.metrics)) {
      values[name] = { candidate: m.value, ...(m.baseline !== undefined ? { baseline: m.baseline } : {}) };
    }
    this.timeline.push({
      atMs: now - this.started,
      weight: this.weight,
      phase: stage.kind,
      values,
    });
  }

  /** Apply the failure class's policy and end the rollout. */
  private async stop(
    cause: StopCause,
    reason: string,
    index: number,
    extra: { rule?: string; metric?: string } = {},
  ): Promise<RolloutOutcome> {
    const policy = cause === "cancelled" ? "rollback" : this.input.plan.policy[cause as FailureClass];
    const stage = this.stages[index]!;
    const stoppedAt = { index, weight: stage.weight, phase: stage.kind, where: stage.words.headline };
    const detail = {
      cause,
      reason,
      stoppedAt,
      ...(extra.rule ? { rule: extra.rule } : {}),
      ...(extra.metric ? { metric: extra.metric } : {}),
    };
    if (policy === "rollback") {
      this.log(`stopping: ${reason}; rolling back`);
      const rolled = await this.rollback("undo");
      await this.record({
        step: index,
        weight: this.weight,
        phase: rolled.error ? "paused" : "rolled-back",
        reason: rolled.error ? `${reason}; the rollback failed: ${rolled.error}` : reason,
      });
      return this.finish("rolled-back", {
        ...detail,
        ...(rolled.error ? { rollbackError: rolled.error } : {}),
      });
    }
    this.log(
      `stopping: ${reason}; ${policy === "pause" ? "pausing" : "holding"} at ${formatWeight(this.weight)}`,
    );
    await this.record({
      step: index,
      weight: this.weight,
      phase: policy === "pause" ? "paused" : "held",
      reason,
    });
    return this.finish(policy === "pause" ? "paused" : "held", detail);
  }

  /**
   * Send every user back to the baseline, retrying, and read the weights back; never throws. `undo` is
   * the strategy's own way (a shadow run stops mirroring); `rollback` the router's plain one.
   */
  private async rollback(how: "undo" | "rollback" = "rollback"): Promise<{ error?: string }> {
    const traffic = this.input.traffic;
    let error = "";
    for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt++) {
      try {
        if (how === "undo") {
          this.weight = await this.strategy.undo(traffic);
          this.log(this.strategy.undone(traffic));
        } else {
          this.weight = (await traffic.rollback()).canary;
          this.log(
            `rolled back: the baseline serves all traffic (verified by reading ${traffic.describe()})`,
          );
        }
        return {};
      } catch (e) {
        error = describeError(e);
        this.warn(`rollback attempt ${attempt} of ${ROLLBACK_ATTEMPTS} failed: ${error}`);
        if (attempt < ROLLBACK_ATTEMPTS)
          await new Promise((r) => setTimeout(r, ROLLBACK_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
    try {
      this.weight = (await traffic.getWeights()).canary;
    } catch {
      // The weight stays at its last verified value.
    }
    return { error };
  }

  private recordOf(
    fields: Pick<RolloutRecord, "step" | "weight" | "phase"> & { reason?: string },
  ): RolloutRecord {
    return {
      environment: this.input.environment,
      candidate: this.input.versions.candidate,
      baseline: this.input.versions.baseline,
      steps: this.stages.length,
      ...(this.strategy.name !== "canary" ? { strategy: this.strategy.name } : {}),
      ...fields,
    };
  }

  /** Progress is best effort once traffic moves: a GitHub hiccup must not stop a rollback. */
  private async record(
    fields: Pick<RolloutRecord, "step" | "weight" | "phase"> & { reason?: string },
  ): Promise<void> {
    await this.write(this.recordOf(fields));
  }

  private async write(record: RolloutRecord): Promise<void> {
    const state = this.input.state;
    if (!state) return;
    try {
      await state.update(record);
    } catch (e) {
      this.warn(`could not record progress in ${state.describe()}: ${describeError(e)}`);
    }
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.log(`warning: ${message}`);
  }

  private finish(
    result: RolloutOutcome["result"],
    detail: {
      cause?: StopCause;
      reason?: string;
      rule?: string;
      metric?: string;
      rollbackError?: string;
      stoppedAt?: RolloutOutcome["stoppedAt"];
    } = {},
  ): RolloutOutcome {
    return {
      result,
      ...detail,
      stepsCompleted: this.stepsCompleted,
      finalWeight: this.weight,
      rolledBack: result === "rolled-back" && detail.rollbackError === undefined,
      ...(this.resumedFrom !== undefined ? { resumedFrom: this.resumedFrom } : {}),
      steps: this.steps,
      timeline: this.timeline,
      checks: this.lastLook?.checks ?? [],
      warnings: this.warnings,
      startedAt: this.started,
      durationMs: this.clock.now() - this.started,
      strategy: this.strategy.summarize({
        result,
        finalWeight: this.weight,
        stagesCompleted: this.stepsCompleted,
        ...(detail.cause ? { cause: detail.cause } : {}),
        ...(detail.reason ? { reason: detail.reason } : {}),
        ...(detail.stoppedAt ? { stoppedAt: detail.stoppedAt.phase } : {}),
      }),
    };
  }
}

/** `p95 12.1ms vs 10.3ms, error_rate 0% vs 0%` for the log. */
function summarize(look: LookResult): string {
  const parts = Object.entries(look.metrics).map(([name, m]) => {
    const d = m.dimension ?? "none";
    return `${name} ${formatValue(m.value, d)}${m.baseline !== undefined ? ` vs ${formatValue(m.baseline, d)}` : ""}`;
  });
  for (const e of look.evaluations) {
    if (e.p !== undefined) parts.push(`${e.metric} ${e.test} p=${formatNumber(e.pAdjusted ?? e.p, 2)}`);
  }
  if (look.short.length > 0) parts.push(`waiting for data: ${look.short.join(", ")}`);
  return parts.length > 0 ? parts.join(", ") : "no data yet";
}
