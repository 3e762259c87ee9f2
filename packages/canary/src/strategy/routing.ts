import { GateError } from "@mlgate/core";
import { formatWeight } from "../plan/types.js";
import {
  isRoutingProvider,
  type Routing,
  type RoutingProvider,
  type TrafficProvider,
} from "../traffic/types.js";

/** The router as one that mirrors or splits stickily; a GateError when it cannot (checked at config time too). */
export function routingOf(
  traffic: TrafficProvider,
  need: "mirror" | "sticky",
  strategy: string,
): RoutingProvider {
  if (!isRoutingProvider(traffic) || !traffic.abilities[need]) {
    throw new GateError(
      `strategy ${strategy} needs a router that can ${need === "mirror" ? "mirror traffic" : "split traffic stickily"}; ${traffic.describe()} cannot`,
    );
  }
  return traffic;
}

/** Move to `routing` and return the user share read back. */
export async function route(traffic: RoutingProvider, routing: Routing): Promise<number> {
  return (await traffic.setRouting(routing)).canary;
}

/** The user share, refusing anything but 0: the stage promises users stay on the baseline. */
export async function usersOnBaseline(traffic: TrafficProvider): Promise<number> {
  const { canary } = await traffic.getWeights();
  if (canary !== 0) {
    throw new GateError(`${traffic.describe()} sends ${formatWeight(canary)} of users to the candidate`, {
      hint: "this stage keeps every user on the baseline; roll the candidate back first",
    });
  }
  return canary;
}

/** Why a run that starts from the baseline cannot start, or undefined. */
export function refuseUnlessBaseline(
  strategy: string,
  weight: number,
  traffic: TrafficProvider,
): string | undefined {
  if (weight === 0) return undefined;
  return `${strategy} starts with every user on the baseline, but ${traffic.describe()} sends ${formatWeight(weight)} to the candidate; finish or roll back that rollout first (resume: cleanup)`;
}
