import { GateError } from "@mlgate/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/engine/clock.js";
import { type SageMakerTrafficOptions, SageMakerTrafficProvider } from "../../src/traffic/sagemaker.js";
import { TEST_CREDENTIALS, TEST_REGION } from "./fakes/loopback.js";
import { SageMakerFake } from "./fakes/sagemaker-fake.js";

let fake: SageMakerFake;
let clock: VirtualClock;
let provider: SageMakerTrafficProvider;

function make(extra: Partial<SageMakerTrafficOptions> = {}): SageMakerTrafficProvider {
  provider = new SageMakerTrafficProvider({
    region: TEST_REGION,
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    endpointName: "churn-prod",
    baselineVariant: "blue",
    candidateVariant: "green",
    pollIntervalMs: 10_000,
    timeoutMs: 600_000,
    clock,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    ...extra,
  });
  return provider;
}

async function failure(p: Promise<unknown>): Promise<GateError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GateError);
  return e as GateError;
}

const actions = () => fake.calls.map((c) => c.action);

beforeEach(async () => {
  fake = await SageMakerFake.start();
  fake.addEndpoint("churn-prod", { blue: 1, green: 0 });
  clock = new VirtualClock();
});

afterEach(async () => {
  await provider?.close();
  await fake.close();
});

describe("SageMakerTrafficProvider", () => {
  it("reads the candidate's share from CurrentWeight", async () => {
    fake.addEndpoint("churn-prod", { blue: 3, green: 1 });
    expect(await make().getWeights()).toEqual({ canary: 25 });
    expect(provider.kind).toBe("sagemaker");
    expect(provider.describe()).toContain("churn-prod");
  });

  it("sets the weights, waits through Updating and reads them back", async () => {
    fake.updatingDescribes = 3;
    const start = clock.now();
    expect(await make().setWeights({ canary: 5 })).toEqual({ canary: 5 });
    const update = fake.calls.find((c) => c.action === "UpdateEndpointWeightsAndCapacities");
    expect(update?.input).toEqual({
      EndpointName: "churn-prod",
      DesiredWeightsAndCapacities: [
        { VariantName: "blue", DesiredWeight: 95 },
        { VariantName: "green", DesiredWeight: 5 },
      ],
    });
    const variants = fake.endpoints.get("churn-prod")!.variants;
    expect(variants.map((v) => v.CurrentWeight)).toEqual([95, 5]);
    // three Updating looks, each followed by one poll interval
    expect(clock.now() - start).toBe(30_000);
    expect(actions().filter((a) => a === "DescribeEndpoint").length).toBe(1 + 4 + 1);
  });

  it("promotes, and rolls back twice with the second rollback changing nothing", async () => {
    make();
    expect(await provider.promote()).toEqual({ canary: 100 });
    expect(await provider.rollback()).toEqual({ canary: 0 });
    const updates = () => actions().filter((a) => a === "UpdateEndpointWeightsAndCapacities").length;
    expect(updates()).toBe(2);
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(updates()).toBe(2);
  });

  it("waits for an update already in flight before its own", async () => {
    const ep = fake.endpoints.get("churn-prod")!;
    ep.status = "Updating";
    ep.pending = { weights: new Map([["green", 0]]), describesLeft: 2 };
    expect(await make().setWeights({ canary: 50 })).toEqual({ canary: 50 });
    const first = actions().indexOf("UpdateEndpointWeightsAndCapacities");
    expect(actions().slice(0, first)).toEqual(["DescribeEndpoint", "DescribeEndpoint", "DescribeEndpoint"]);
  });

  it("fails with the FailureReason when the update ends Failed", async () => {
    fake.failNextUpdate = { status: "Failed", reason: "Insufficient capacity for ml.g5.xlarge" };
    const e = await failure(make().setWeights({ canary: 25 }));
    expect(e.message).toBe("SageMaker endpoint churn-prod is Failed: Insufficient capacity for ml.g5.xlarge");
    expect(e.hint).toContain("FailureReason");
  });

  it("fails when a guardrail rolls the endpoint back", async () => {
    fake.failNextUpdate = { status: "RollingBack", reason: "Alarm churn-5xx in ALARM" };
    const e = await failure(make().setWeights({ canary: 25 }));
    expect(e.message).toContain("is RollingBack: Alarm churn-5xx in ALARM");
    expect(e.hint).toContain("guardrail");
  });

  it("refuses to move traffic on an endpoint that is OutOfService", async () => {
    fake.endpoints.get("churn-prod")!.status = "OutOfService";
    const e = await failure(make().rollback());
    expect(e.message).toBe("SageMaker endpoint churn-prod is OutOfService");
    expect(actions()).not.toContain("UpdateEndpointWeightsAndCapacities");
  });

  it("gives up on an endpoint that stays Updating", async () => {
    const ep = fake.endpoints.get("churn-prod")!;
    ep.status = "Updating";
    ep.pending = { weights: new Map(), describesLeft: 1_000 };
    const e = await failure(make({ timeoutMs: 60_000 }).setWeights({ canary: 5 }));
    expect(e.message).toBe("SageMaker endpoint churn-prod is still Updating after 1m");
  });

  it("reports a read-back mismatch when the endpoint ignores the update", async () => {
    fake.ignoreUpdates = true;
    const start = clock.now();
    const e = await failure(make({ settleMs: 30_000 }).setWeights({ canary: 25 }));
    expect(e.message).toContain("reports the candidate at 0% after it was set to 25%");
    expect(clock.now() - start).toBeGreaterThanOrEqual(30_000);
  });

  it("retries throttled calls with growing pauses", async () => {
    fake.throttle = 2;
    const sleeps: number[] = [];
    const sleep = clock.sleep.bind(clock);
    clock.sleep = async (ms: number) => {
      sleeps.push(ms);
      await sleep(ms);
    };
    expect(await make().getWeights()).toEqual({ canary: 0 });
    expect(sleeps.length).toBe(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it("stops retrying a throttled call after the configured tries", async () => {
    fake.throttle = 100;
    const e = await failure(make().setWeights({ canary: 5 }));
    expect(e.message).toMatch(
      /^SageMaker DescribeEndpoint on endpoint churn-prod failed: ThrottlingException: Rate exceeded/,
    );
    expect(e.hint).toContain("throttling");
    expect(fake.calls.length).toBe(3);
  });

  it("names the missing IAM permission on AccessDenied", async () => {
    fake.deny.add("UpdateEndpointWeightsAndCapacities");
    const e = await failure(make().setWeights({ canary: 5 }));
    expect(e.message).toContain(
      "UpdateEndpointWeightsAndCapacities on endpoint churn-prod failed: AccessDeniedException",
    );
    expect(e.hint).toBe(
      "the job's AWS identity needs the IAM permission sagemaker:UpdateEndpointWeightsAndCapacities on endpoint churn-prod",
    );
    // denied calls are not retried
    expect(actions().filter((a) => a === "UpdateEndpointWeightsAndCapacities").length).toBe(1);
  });

  it("explains an endpoint that does not exist", async () => {
    const e = await failure(make({ endpointName: "nope" }).getWeights());
    expect(e.message).toContain("ValidationException: Could not find endpoint");
  });

  it("lists the variants when one is misnamed", async () => {
    const e = await failure(make({ candidateVariant: "greem" }).getWeights());
    expect(e.message).toBe("SageMaker endpoint churn-prod has no production variant greem");
    expect(e.hint).toBe("its variants are blue, green");
  });

  it("refuses to share the endpoint with a third variant that takes traffic", async () => {
    fake.addEndpoint("churn-prod", { blue: 0.8, green: 0, shadow: 0.2 });
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toContain("variant shadow also takes traffic");
  });

  it("turns a garbled answer into a GateError", async () => {
    fake.garbleNext = "<html>502 Bad Gateway</html>";
    const e = await failure(make().getWeights());
    expect(e.message).toMatch(/^SageMaker DescribeEndpoint on endpoint churn-prod failed: /);
    fake.garbleNext = JSON.stringify({ EndpointName: "churn-prod", EndpointStatus: "InService" });
    const empty = await failure(provider.getWeights());
    expect(empty.message).toBe("SageMaker endpoint churn-prod has no production variant green");
  });

  it("rejects names SageMaker would reject, before any call", () => {
    expect(() => make({ endpointName: "bad name" })).toThrow(/not a SageMaker name/);
    expect(() => make({ candidateVariant: "blue" })).toThrow(/same variant/);
    expect(fake.calls).toEqual([]);
  });
});
