/**
 * Where a rollout stands. `promoted`, `rolled-back` and `concluded` end it; `concluded` is the end of a
 * run that does not promote by itself (a shadow run, an A/B test without automatic promotion), with
 * traffic back where it started.
 */
export type Phase =
  | "starting"
  | "step"
  | "guard"
  | "promoted"
  | "rolled-back"
  | "paused"
  | "held"
  | "concluded";

export const PHASES: readonly Phase[] = [
  "starting",
  "step",
  "guard",
  "promoted",
  "rolled-back",
  "paused",
  "held",
  "concluded",
];

/** The candidate may still have traffic: a crashed or cancelled run, or one paused or held on purpose. */
export function isOpen(phase: Phase): boolean {
  return phase !== "promoted" && phase !== "rolled-back" && phase !== "concluded";
}
