import { GateError } from "@mlgate/core";
import { formatDuration, formatSteps, MAX_BAKE_MS, type WrittenStep } from "./parse-steps.js";
import {
  FAILURE_CLASSES,
  type FailureClass,
  type FailurePolicy,
  formatWeight,
  type RolloutPlan,
  type Strategy,
} from "./types.js";

export interface PlanOptions {
  steps: readonly WrittenStep[];
  /** Where the steps came from, for messages (`--steps`, `canary.steps`). */
  where: string;
  /** Look at the metrics this often (unscaled ms); default a quarter of the shortest bake, at most 1m. */
  intervalMs?: number;
  /** Post-promotion watch (unscaled ms); the final step's own duration, when written, means the same. */
  guardMs?: number;
  /** Multiply every duration by this (default 1). */
  timeScale?: number;
  maxExtensions?: number;
  maxProviderFailures?: number;
  /** One policy for every failure class, or per class; unnamed classes roll back. */
  policy?: FailurePolicy | Partial<Record<FailureClass, FailurePolicy>>;
}

/** No look more often than this, whatever the scale: metric sources need time to answer. */
export const MIN_INTERVAL_MS = 50;
export const DEFAULT_MAX_EXTENSIONS = 2;
export const DEFAULT_MAX_PROVIDER_FAILURES = 3;

/** Check the written steps and settings, and scale them into a plan. */
export function buildPlan(options: PlanOptions): RolloutPlan {
  const { steps, where } = options;
  const scale = options.timeScale ?? 1;
  if (!(scale > 0 && scale <= 1000)) {
    throw new GateError(`time-scale ${scale} is out of range`, {
      hint: "use a factor above 0, at most 1000",
    });
  }
  if (steps.length === 0) throw new GateError(`${where}: no steps`, { hint: "e.g. 5% 5m, 25% 10m, 100%" });
  const shown = formatSteps(steps);
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.weight <= steps[i - 1]!.weight) {
      throw new GateError(
        `${where} "${shown}": step ${i + 1} (${formatWeight(steps[i]!.weight)}) does not raise the weight above step ${i} (${formatWeight(steps[i - 1]!.weight)})`,
        { hint: "weights must increase from step to step" },
      );
    }
  }
  const last = steps[steps.length - 1]!;
  if (last.weight !== 100) {
    throw new GateError(`${where} "${shown}" ends at ${formatWeight(last.weight)}, not 100%`, {
      hint: "end the plan with 100% (the promotion); a failed analysis rolls back before it",
    });
  }
  steps.slice(0, -1).forEach((s, i) => {
    if (!s.bakeMs || s.bakeMs <= 0) {
      throw new GateError(`${where} "${shown}": step ${i + 1} (${formatWeight(s.weight)}) has no bake time`, {
        hint: `say how long to watch it, e.g. ${formatWeight(s.weight)} 5m`,
      });
    }
  });
  if (last.bakeMs && options.guardMs !== undefined) {
    throw new GateError(`${where} "${shown}" gives the 100% step a duration and a separate guard window`, {
      hint: "give the post-promotion guard window once: either `100% 10m` or `guard: 10m`",
    });
  }
  const guard = options.guardMs ?? last.bakeMs ?? 0;
  if (guard < 0 || guard > MAX_BAKE_MS) throw new GateError(`guard window ${guard}ms is out of range`);

  const bakes = steps.slice(0, -1).map((s) => s.bakeMs!);
  const shortest = Math.min(...(bakes.length > 0 ? bakes : [guard > 0 ? guard : 60_000]));
  const common = commonSettings(options, shortest, scale);
  return {
    strategy: "canary",
    steps: steps.map((s, i) => ({
      weight: s.weight,
      bakeMs: i === steps.length - 1 ? 0 : s.bakeMs! * scale,
    })),
    guardMs: guard * scale,
    ...common,
  };
}

/** The settings every strategy's plan shares: look interval, extensions, failures, policies, scale. */
function commonSettings(
  options: Omit<PlanOptions, "steps" | "where" | "guardMs">,
  shortestMs: number,
  scale: number,
): Omit<RolloutPlan, "strategy" | "steps" | "guardMs"> {
  const interval = options.intervalMs ?? Math.min(60_000, shortestMs / 4);
  if (!(interval > 0)) throw new GateError(`interval ${interval}ms must be above 0`);
  if (interval > shortestMs) {
    throw new GateError(`the analysis interval is longer than the shortest step`, {
      hint: "look at least once per step: shorten `interval` or lengthen the step",
    });
  }

  const policy = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, "rollback" as FailurePolicy])) as Record<
    FailureClass,
    FailurePolicy
  >;
  if (typeof options.policy === "string") for (const c of FAILURE_CLASSES) policy[c] = options.policy;
  else if (options.policy) Object.assign(policy, options.policy);

  const maxExtensions = options.maxExtensions ?? DEFAULT_MAX_EXTENSIONS;
  const maxProviderFailures = options.maxProviderFailures ?? DEFAULT_MAX_PROVIDER_FAILURES;
  if (!Number.isInteger(maxExtensions) || maxExtensions < 0 || maxExtensions > 20)
    throw new GateError(`max-extensions ${maxExtensions} must be a whole number from 0 to 20`);
  if (!Number.isInteger(maxProviderFailures) || maxProviderFailures < 1 || maxProviderFailures > 100)
    throw new GateError(`provider-failures ${maxProviderFailures} must be a whole number from 1 to 100`);

  return {
    intervalMs: Math.max(MIN_INTERVAL_MS, interval * scale),
    maxExtensions,
    maxProviderFailures,
    policy,
    timeScale: scale,
  };
}

export interface StagePlanOptions extends Omit<PlanOptions, "steps" | "where"> {
  strategy: Exclude<Strategy, "canary">;
  /** Each stage's user share and how long it is watched (unscaled ms; 0 for none). */
  stages: readonly { weight: number; watchMs: number }[];
}

/**
 * The plan of a strategy whose stages it fixes itself (shadow, blue/green, A/B): the shared settings,
 * checked and scaled like a canary's, around the strategy's stages.
 */
export function buildStagePlan(options: StagePlanOptions): RolloutPlan {
  const scale = options.timeScale ?? 1;
  if (!(scale > 0 && scale <= 1000)) {
    throw new GateError(`time-scale ${scale} is out of range`, {
      hint: "use a factor above 0, at most 1000",
    });
  }
  for (const s of options.stages) {
    if (!(s.watchMs >= 0 && s.watchMs <= MAX_BAKE_MS))
      throw new GateError(`a ${options.strategy} duration of ${s.watchMs}ms is out of range (at most 24h)`);
  }
  const watched = options.stages.map((s) => s.watchMs).filter((ms) => ms > 0);
  const shortest = Math.min(...(watched.length > 0 ? watched : [60_000]));
  return {
    strategy: options.strategy,
    steps: options.stages.map((s) => ({ weight: s.weight, bakeMs: s.watchMs * scale })),
    guardMs: (options.guardMs ?? 0) * scale,
    ...commonSettings(options, shortest, scale),
  };
}

/** `5% 5m, 25% 10m, 100% + 10m guard` in the plan's real (scaled) durations. */
export function describePlan(plan: RolloutPlan): string {
  const text = formatSteps(plan.steps.map((s) => ({ weight: s.weight, bakeMs: Math.round(s.bakeMs) })));
  return plan.guardMs > 0 ? `${text} + ${formatDuration(Math.round(plan.guardMs))} guard` : text;
}
