import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/engine/clock.js";
import { GatewayApiTrafficProvider } from "../../src/traffic/gateway-api.js";
import { KubeFake } from "./fakes/kube-fake.js";

let fake: KubeFake;
let provider: GatewayApiTrafficProvider;

type Filter = {
  type: string;
  requestMirror?: { backendRef: { name: string; port?: number }; percent?: number; fraction?: unknown };
};
const rule = () =>
  fake.routes.get("ml/churn")!.spec.rules[0] as {
    filters?: Filter[];
    backendRefs: { name: string; weight?: number }[];
  };

beforeEach(async () => {
  fake = await KubeFake.start();
  fake.addRoute("ml", "churn", [
    {
      matches: [{ path: { type: "PathPrefix", value: "/v1/predict" } }],
      filters: [
        { type: "RequestHeaderModifier", requestHeaderModifier: { add: [{ name: "x-canary", value: "1" }] } },
      ],
      backendRefs: [{ name: "churn-blue", port: 8080 }],
    },
  ]);
  provider = new GatewayApiTrafficProvider({
    server: fake.url,
    token: "test-token",
    namespace: "ml",
    route: "churn",
    baseline: { name: "churn-blue" },
    candidate: { name: "churn-green" },
    clock: new VirtualClock(),
    pollIntervalMs: 1000,
    timeoutMs: 30_000,
  });
});

afterEach(async () => {
  await provider.close();
  await fake.close();
});

describe("Gateway API shadow traffic", () => {
  it("adds a RequestMirror filter to the candidate, keeps users on the baseline, reads it back and removes it", async () => {
    expect(provider.abilities).toEqual({ mirror: true, sticky: false });
    expect(await provider.setRouting({ canary: 0, mirror: 10 })).toEqual({ canary: 0, mirror: 10 });
    expect(rule().filters).toEqual([
      { type: "RequestHeaderModifier", requestHeaderModifier: { add: [{ name: "x-canary", value: "1" }] } },
      {
        type: "RequestMirror",
        requestMirror: { backendRef: { name: "churn-green", port: 8080 }, percent: 10 },
      },
    ]);
    expect(rule().backendRefs).toEqual([
      { name: "churn-blue", port: 8080, weight: 1 },
      { name: "churn-green", port: 8080, weight: 0 },
    ]);
    // A whole mirror has no percent; a fractional one a fraction.
    expect(await provider.setRouting({ canary: 0, mirror: 100 })).toEqual({ canary: 0, mirror: 100 });
    expect(rule().filters?.[1]?.requestMirror).toEqual({ backendRef: { name: "churn-green", port: 8080 } });
    expect(await provider.setRouting({ canary: 0, mirror: 2.5 })).toEqual({ canary: 0, mirror: 2.5 });
    expect(rule().filters?.[1]?.requestMirror?.fraction).toEqual({ numerator: 250, denominator: 10_000 });
    // A plain move (the rollback) takes the filter away and leaves the other filters alone.
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(rule().filters).toEqual([
      { type: "RequestHeaderModifier", requestHeaderModifier: { add: [{ name: "x-canary", value: "1" }] } },
    ]);
    expect(await provider.getRouting()).toEqual({ canary: 0, mirror: 0 });
  });

  it("waits for the controller to resolve the mirror's backend, and refuses a sticky split", async () => {
    fake.missingServices.add("churn-green");
    await expect(provider.setRouting({ canary: 0, mirror: 50 })).rejects.toThrow(
      /gateway public-gw reports ResolvedRefs=False \(BackendNotFound\): Service "churn-green" not found/,
    );
    await expect(
      provider.setRouting({ canary: 50, mirror: 0, sticky: { header: "x-user" } }),
    ).rejects.toThrow("HTTPRoute ml/churn cannot split traffic stickily");
  });

  it("notices a mirror filter someone else changed", async () => {
    await provider.setRouting({ canary: 0, mirror: 10 });
    (rule().filters![1]!.requestMirror as { percent: number }).percent = 40;
    expect(await provider.getRouting()).toEqual({ canary: 0, mirror: 40 });
    fake.ignoreUpdates = true;
    await expect(provider.setRouting({ canary: 0, mirror: 0 })).rejects.toThrow(
      "HTTPRoute ml/churn reports 0% of users to the candidate, 40% of requests mirrored to it after it was set to 0% of users to the candidate",
    );
  });
});
