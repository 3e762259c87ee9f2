import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { awsClientSettings } from "../../src/cloud/aws-config.js";
import {
  awsGateError,
  isAccessDenied,
  isThrottling,
  isTransient,
  retryAfterMs,
} from "../../src/cloud/aws-errors.js";
import { pollUntil } from "../../src/cloud/poll.js";
import { backoffDelay, withRetry } from "../../src/cloud/retry.js";
import { integerSplit, percentOf } from "../../src/cloud/shares.js";
import { VirtualClock } from "../../src/engine/clock.js";
import { WEIGHT_TOLERANCE } from "../../src/traffic/types.js";

const ctx = {
  service: "SageMaker",
  action: "DescribeEndpoint",
  resource: "endpoint prod",
  permission: "sagemaker:DescribeEndpoint",
};

function sdkError(name: string, status: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

describe("integerSplit", () => {
  it("keeps whole percents readable", () => {
    expect(integerSplit(5, 999)).toEqual({ baseline: 95, candidate: 5, percent: 5 });
    expect(integerSplit(0, 999)).toEqual({ baseline: 1, candidate: 0, percent: 0 });
    expect(integerSplit(100, 999)).toEqual({ baseline: 0, candidate: 1, percent: 100 });
  });

  it("expresses every one-decimal share within the read-back tolerance under ALB's 999", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (tenths) => {
        const p = tenths / 10;
        const s = integerSplit(p, 999);
        expect(s.baseline + s.candidate).toBeLessThanOrEqual(999);
        expect(Number.isInteger(s.baseline) && Number.isInteger(s.candidate)).toBe(true);
        expect(Math.abs(s.percent - p)).toBeLessThanOrEqual(WEIGHT_TOLERANCE);
        expect(s.percent).toBeCloseTo(percentOf(s.candidate, s.baseline + s.candidate)!, 9);
      }),
    );
  });

  it("expresses every two-decimal share exactly under Gateway API's 1,000,000", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (hundredths) => {
        const p = hundredths / 100;
        expect(integerSplit(p, 1_000_000).percent).toBeCloseTo(p, 9);
      }),
      { numRuns: 200 },
    );
  });
});

describe("AWS error classification", () => {
  it("tells throttling, access and transient failures apart", () => {
    expect(isThrottling(sdkError("ThrottlingException", 400))).toBe(true);
    expect(isThrottling(sdkError("Throttling", 400))).toBe(true);
    expect(isThrottling(sdkError("ValidationException", 400, { Code: "ValidationError" }))).toBe(false);
    expect(isAccessDenied(sdkError("AccessDeniedException", 400))).toBe(true);
    expect(isTransient(sdkError("ServiceUnavailable", 503))).toBe(true);
    expect(isTransient(sdkError("InternalFailure", 500))).toBe(true);
    expect(isTransient(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isTransient(sdkError("AccessDeniedException", 400))).toBe(false);
    expect(retryAfterMs(sdkError("TooManyRequestsException", 429, { retryAfterSeconds: "2" }))).toBe(2000);
  });

  it("names the code, the wire code and a hint", () => {
    const e = awsGateError(sdkError("ValidationException", 400, { Code: "ValidationError" }), ctx);
    expect(e.message).toBe(
      "SageMaker DescribeEndpoint on endpoint prod failed: ValidationException (ValidationError): ValidationException happened",
    );
    expect(e.hint).toContain("check the names");
    const net = awsGateError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      ctx,
      "http://127.0.0.1:9",
    );
    expect(net.message).toContain("failed: ECONNREFUSED");
    expect(net.hint).toContain("cannot reach SageMaker at http://127.0.0.1:9");
    expect(awsGateError(sdkError("CredentialsProviderError", 0), ctx).hint).toContain(
      "configure AWS credentials",
    );
  });
});

describe("awsClientSettings", () => {
  it("takes the region from the environment and tries once", () => {
    expect(awsClientSettings({}, "SageMaker", { AWS_REGION: "eu-west-3" })).toEqual({
      region: "eu-west-3",
      maxAttempts: 1,
    });
    expect(() => awsClientSettings({}, "SageMaker", {})).toThrow(/no AWS region for SageMaker/);
    expect(() => awsClientSettings({ region: "Europe" }, "SageMaker", {})).toThrow(/is not an AWS region/);
    expect(() => awsClientSettings({ region: "us-east-1", endpoint: "ftp://x" }, "SageMaker", {})).toThrow(
      /not an http\(s\) URL/,
    );
  });
});

describe("withRetry and pollUntil", () => {
  it("backs off exponentially up to the cap", () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, opts))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(200);
  });

  it("retries only what is retryable, and at most the given tries", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const flaky = () => {
      calls++;
      return Promise.reject(new Error("busy"));
    };
    await expect(
      withRetry(flaky, { attempts: 4, baseDelayMs: 10, maxDelayMs: 100, clock, retryable: () => true }),
    ).rejects.toThrow("busy");
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetry(flaky, { attempts: 4, baseDelayMs: 10, maxDelayMs: 100, clock, retryable: () => false }),
    ).rejects.toThrow("busy");
    expect(calls).toBe(1);
  });

  it("polls until done and times out with the last status", async () => {
    const clock = new VirtualClock();
    let looks = 0;
    const value = await pollUntil({
      what: "thing",
      intervalMs: 1000,
      timeoutMs: 10_000,
      clock,
      check: async () => (++looks >= 3 ? { done: true, value: looks } : { done: false, status: "busy" }),
    });
    expect(value).toBe(3);
    const started = clock.now();
    const e = await pollUntil({
      what: "thing",
      intervalMs: 1000,
      timeoutMs: 5000,
      clock,
      check: async () => ({ done: false, status: "Updating" }),
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GateError);
    expect((e as GateError).message).toBe("thing is still Updating after 5s");
    expect(clock.now() - started).toBe(5000);
  });
});
