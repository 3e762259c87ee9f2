import { GateError } from "@mlgate/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/engine/clock.js";
import {
  type LambdaAliasTrafficOptions,
  LambdaAliasTrafficProvider,
} from "../../src/traffic/lambda-alias.js";
import { LambdaFake } from "./fakes/lambda-fake.js";
import { TEST_CREDENTIALS, TEST_REGION } from "./fakes/loopback.js";

let fake: LambdaFake;
let clock: VirtualClock;
let provider: LambdaAliasTrafficProvider;

function make(extra: Partial<LambdaAliasTrafficOptions> = {}): LambdaAliasTrafficProvider {
  provider = new LambdaAliasTrafficProvider({
    region: TEST_REGION,
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    functionName: "churn-scorer",
    alias: "live",
    candidateVersion: "4",
    clock,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 5000 },
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

const updates = () => fake.calls.filter((c) => c.method === "PUT");

beforeEach(async () => {
  fake = await LambdaFake.start();
  fake.addAlias("live", "3");
  clock = new VirtualClock();
});

afterEach(async () => {
  await provider?.close();
  await fake.close();
});

describe("LambdaAliasTrafficProvider", () => {
  it("routes a fraction to the candidate version and reads it back", async () => {
    expect(await make().getWeights()).toEqual({ canary: 0 });
    expect(await provider.setWeights({ canary: 5 })).toEqual({ canary: 5 });
    const alias = fake.aliases.get("live")!;
    expect(alias.FunctionVersion).toBe("3");
    expect(alias.RoutingConfig).toEqual({ AdditionalVersionWeights: { "4": 0.05 } });
    expect(alias.Description).toBe("production");
    const put = updates()[0]!.body;
    expect(put).toMatchObject({
      FunctionVersion: "3",
      RoutingConfig: { AdditionalVersionWeights: { "4": 0.05 } },
    });
    expect(typeof put.RevisionId).toBe("string");
  });

  it("promotes by pointing the alias at the candidate and clearing the routing", async () => {
    make();
    await provider.setWeights({ canary: 50 });
    expect(await provider.promote()).toEqual({ canary: 100 });
    const alias = fake.aliases.get("live")!;
    expect(alias.FunctionVersion).toBe("4");
    expect(alias.RoutingConfig).toBeUndefined();
  });

  it("rolls back to the baseline it learned, twice, the second time without writing", async () => {
    make();
    await provider.setWeights({ canary: 25 });
    await provider.promote();
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(fake.aliases.get("live")!.FunctionVersion).toBe("3");
    expect(fake.aliases.get("live")!.RoutingConfig).toBeUndefined();
    const writes = updates().length;
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(updates().length).toBe(writes);
  });

  it("after a promotion, a new run rolls back only when told the baseline", async () => {
    fake.addAlias("live", "4");
    expect(await make().getWeights()).toEqual({ canary: 100 });
    const e = await failure(provider.rollback());
    expect(e.message).toContain("points at the candidate version 4 alone; the baseline version is unknown");
    expect(e.hint).toContain("baseline-version");
    await provider.close();
    expect(await make({ baselineVersion: "3" }).rollback()).toEqual({ canary: 0 });
    expect(fake.aliases.get("live")!.FunctionVersion).toBe("3");
  });

  it("reads an alias on the candidate that still routes some traffic to the old version", async () => {
    fake.addAlias("live", "4", { "3": 0.25 });
    expect(await make().getWeights()).toEqual({ canary: 75 });
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(fake.aliases.get("live")!.FunctionVersion).toBe("3");
  });

  it("re-reads and tries again when the alias changes under it", async () => {
    fake.concurrentEdits = 1;
    expect(await make().setWeights({ canary: 10 })).toEqual({ canary: 10 });
    expect(updates().length).toBe(2);
    // the other writer's change is kept
    expect(fake.aliases.get("live")!.Description).toBe("edited by someone else 0");
  });

  it("gives up when the alias keeps changing", async () => {
    fake.concurrentEdits = 10;
    const e = await failure(make({ conflictRetries: 2 }).setWeights({ canary: 10 }));
    expect(e.message).toContain("UpdateAlias");
    expect(e.message).toContain("PreconditionFailedException");
    expect(updates().length).toBe(2);
  });

  it("waits as long as Retry-After says when throttled", async () => {
    fake.throttle = 1;
    fake.retryAfter = 3;
    const start = clock.now();
    expect(await make().getWeights()).toEqual({ canary: 0 });
    expect(clock.now() - start).toBe(3000);
  });

  it("gives up on persistent throttling with the code", async () => {
    fake.throttle = 100;
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toMatch(
      /^Lambda GetAlias on alias live of function churn-scorer failed: TooManyRequestsException/,
    );
    expect(fake.calls.length).toBe(3);
  });

  it("names the IAM action on AccessDenied", async () => {
    fake.deny.add("UpdateAlias");
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toContain("AccessDeniedException");
    expect(e.hint).toBe(
      "the job's AWS identity needs the IAM permission lambda:UpdateAlias on alias live of function churn-scorer",
    );
  });

  it("reports a read-back mismatch when Lambda ignores the update", async () => {
    fake.ignoreUpdates = true;
    const e = await failure(make().setWeights({ canary: 30 }));
    expect(e.message).toBe(
      "Lambda alias live of churn-scorer reports the candidate at 0% after it was set to 30%",
    );
  });

  it("refuses an alias moved to a third version", async () => {
    make({ baselineVersion: "3" });
    fake.addAlias("live", "2");
    const e = await failure(provider.getWeights());
    expect(e.message).toContain("points at version 2, neither the baseline 3 nor the candidate 4");
  });

  it("passes on a missing alias as the AWS error", async () => {
    const e = await failure(make({ alias: "prod" }).getWeights());
    expect(e.message).toContain("ResourceNotFoundException: Alias not found");
  });

  it("refuses $LATEST and bad names before any call", () => {
    expect(() => make({ candidateVersion: "$LATEST" })).toThrow(/not a published version number/);
    expect(() => make({ alias: "12" })).toThrow(/not an alias name/);
    expect(() => make({ functionName: "churn-scorer:live" })).toThrow(/not a function name/);
    expect(fake.calls).toEqual([]);
  });
});
