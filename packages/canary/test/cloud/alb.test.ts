import { GateError } from "@mlgate/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/engine/clock.js";
import { type AlbTrafficOptions, AlbTrafficProvider } from "../../src/traffic/alb.js";
import { BLUE_TG, Elbv2Fake, GREEN_TG, LISTENER_ARN, OTHER_TG, RULE_ARN } from "./fakes/elbv2-fake.js";
import { TEST_CREDENTIALS, TEST_REGION } from "./fakes/loopback.js";

let fake: Elbv2Fake;
let provider: AlbTrafficProvider;

function make(extra: Partial<AlbTrafficOptions> = {}): AlbTrafficProvider {
  provider = new AlbTrafficProvider({
    region: TEST_REGION,
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    ruleArn: RULE_ARN,
    baselineTargetGroupArn: BLUE_TG,
    candidateTargetGroupArn: GREEN_TG,
    clock: new VirtualClock(),
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

const writes = () => fake.calls.filter((c) => c.action.startsWith("Modify")).length;
const sticky = { Enabled: true, DurationSeconds: 3600 };

beforeEach(async () => {
  fake = await Elbv2Fake.start();
  fake.ruleActions = [
    {
      Type: "authenticate-oidc",
      Order: 1,
      AuthenticateOidcConfig: { Issuer: "https://idp.example", ClientId: "churn", ClientSecret: "s3cret" },
    },
    {
      Type: "forward",
      Order: 2,
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: BLUE_TG, Weight: 1 }],
        TargetGroupStickinessConfig: sticky,
      },
    },
  ];
  fake.listenerActions = [
    {
      Type: "forward",
      TargetGroupArn: BLUE_TG,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE_TG, Weight: 1 }] },
    },
  ];
});

afterEach(async () => {
  await provider?.close();
  await fake.close();
});

describe("AlbTrafficProvider on a listener rule", () => {
  it("adds the candidate group with its weight and keeps the other actions and stickiness", async () => {
    expect(await make().getWeights()).toEqual({ canary: 0 });
    expect(await provider.setWeights({ canary: 5 })).toEqual({ canary: 5 });
    const forward = fake.ruleActions.find((a) => a.Type === "forward")!;
    expect(forward.ForwardConfig).toEqual({
      TargetGroups: [
        { TargetGroupArn: BLUE_TG, Weight: 95 },
        { TargetGroupArn: GREEN_TG, Weight: 5 },
      ],
      TargetGroupStickinessConfig: sticky,
    });
    expect(forward.TargetGroupArn).toBeUndefined();
    expect(forward.Order).toBe(2);
    // the OIDC action survives without its secret being needed
    expect(fake.ruleActions[0]).toEqual({
      Type: "authenticate-oidc",
      Order: 1,
      AuthenticateOidcConfig: {
        Issuer: "https://idp.example",
        ClientId: "churn",
        UseExistingClientSecret: "true",
      },
    });
    const modify = fake.calls.find((c) => c.action === "ModifyRule")!;
    expect(modify.input.RuleArn).toBe(RULE_ARN);
    expect(modify.input.Conditions).toBeUndefined();
  });

  it("expresses fractional shares with integer weights up to 999", async () => {
    expect(await make().setWeights({ canary: 2.5 })).toEqual({ canary: 2.5 });
    const weights = fake.ruleActions[1]!.ForwardConfig!.TargetGroups.map((t) => t.Weight);
    expect(weights).toEqual([39, 1]);
    // the router's own figure comes back: the closest ratio, within the read-back tolerance
    expect((await provider.setWeights({ canary: 33.3 })).canary).toBeCloseTo(33.3, 2);
    const [b, c] = fake.ruleActions[1]!.ForwardConfig!.TargetGroups.map((t) => t.Weight) as [number, number];
    expect(b + c).toBeLessThanOrEqual(999);
    expect(Math.abs((c / (b + c)) * 100 - 33.3)).toBeLessThanOrEqual(0.01);
    const e = await failure(provider.setWeights({ canary: 0.05 }));
    expect(e.message).toContain("cannot express 0.05%; the closest is 0%");
  });

  it("promotes, and rolls back twice with the second rollback writing nothing", async () => {
    make();
    expect(await provider.promote()).toEqual({ canary: 100 });
    expect(fake.ruleActions[1]!.ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: BLUE_TG, Weight: 0 },
      { TargetGroupArn: GREEN_TG, Weight: 1 },
    ]);
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(writes()).toBe(2);
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(writes()).toBe(2);
  });

  it("reports a read-back mismatch when ALB ignores the change", async () => {
    fake.ignoreUpdates = true;
    const e = await failure(make().setWeights({ canary: 25 }));
    expect(e.message).toBe(
      `ALB listener rule ${RULE_ARN} reports the candidate at 0% after it was set to 25%`,
    );
  });

  it("retries throttling, then gives up with the code and a hint", async () => {
    fake.throttle = 2;
    expect(await make().getWeights()).toEqual({ canary: 0 });
    fake.throttle = 100;
    const e = await failure(provider.setWeights({ canary: 10 }));
    expect(e.message).toMatch(/^ELBv2 DescribeRules on listener rule .* failed: Throttling: Rate exceeded$/);
    expect(e.hint).toContain("throttling");
  });

  it("names the IAM action on AccessDenied", async () => {
    fake.deny.add("ModifyRule");
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toContain("ELBv2 ModifyRule");
    expect(e.message).toContain("AccessDenied");
    expect(e.hint).toBe(
      `the job's AWS identity needs the IAM permission elasticloadbalancing:ModifyRule on listener rule ${RULE_ARN}`,
    );
  });

  it("refuses a forward action that also sends traffic to a third group", async () => {
    fake.ruleActions[1]!.ForwardConfig!.TargetGroups.push({ TargetGroupArn: OTHER_TG, Weight: 10 });
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toContain(`also forwards to ${OTHER_TG} (weight 10)`);
    expect(writes()).toBe(0);
  });

  it("keeps a third group at weight 0 where it is", async () => {
    fake.ruleActions[1]!.ForwardConfig!.TargetGroups.push({ TargetGroupArn: OTHER_TG, Weight: 0 });
    expect(await make().setWeights({ canary: 50 })).toEqual({ canary: 50 });
    expect(fake.ruleActions[1]!.ForwardConfig!.TargetGroups.map((t) => t.TargetGroupArn)).toEqual([
      BLUE_TG,
      GREEN_TG,
      OTHER_TG,
    ]);
  });

  it("explains a rule without a forward action", async () => {
    fake.ruleActions = [{ Type: "fixed-response", Order: 1 }];
    const e = await failure(make().getWeights());
    expect(e.message).toContain("has no forward action (actions: fixed-response)");
  });

  it("passes on a missing rule as the AWS error", async () => {
    const e = await failure(make({ ruleArn: `${RULE_ARN.slice(0, -4)}0000` }).getWeights());
    expect(e.message).toContain("RuleNotFound");
    expect(e.hint).toContain("exists in this account and region");
  });

  it("checks ARNs before calling anything", () => {
    expect(() => make({ ruleArn: "rule-1" })).toThrow(/is not a listener rule ARN/);
    expect(() => make({ candidateTargetGroupArn: BLUE_TG })).toThrow(/same group/);
    expect(() => make({ ruleArn: undefined, listenerArn: undefined })).toThrow(/name the listener rule/);
    expect(fake.calls).toEqual([]);
  });
});

describe("AlbTrafficProvider on a listener's default action", () => {
  it("moves the default action with ModifyListener and reads it back with DescribeListeners", async () => {
    make({ ruleArn: undefined, listenerArn: LISTENER_ARN });
    expect(await provider.setWeights({ canary: 20 })).toEqual({ canary: 20 });
    expect(fake.listenerActions[0]!.ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: BLUE_TG, Weight: 80 },
      { TargetGroupArn: GREEN_TG, Weight: 20 },
    ]);
    expect(fake.listenerActions[0]!.TargetGroupArn).toBeUndefined();
    expect(await provider.promote()).toEqual({ canary: 100 });
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(fake.calls.map((c) => c.action)).not.toContain("ModifyRule");
  });
});
