/** Where a rollout stands. `promoted` and `rolled-back` end it. */
export type Phase = "starting" | "step" | "guard" | "promoted" | "rolled-back" | "paused" | "held";

export const PHASES: readonly Phase[] = [
  "starting",
  "step",
  "guard",
  "promoted",
  "rolled-back",
  "paused",
  "held",
];

/** The candidate may still have traffic: a crashed or cancelled run, or one paused or held on purpose. */
export function isOpen(phase: Phase): boolean {
  return phase !== "promoted" && phase !== "rolled-back";
}
