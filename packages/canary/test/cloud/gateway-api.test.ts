import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/engine/clock.js";
import { type GatewayApiTrafficOptions, GatewayApiTrafficProvider } from "../../src/traffic/gateway-api.js";
import { KubeFake } from "./fakes/kube-fake.js";

let fake: KubeFake;
let provider: GatewayApiTrafficProvider;

function make(extra: Partial<GatewayApiTrafficOptions> = {}): GatewayApiTrafficProvider {
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

type Ref = { name: string; port?: number; weight?: number };
const refs = (rule = 0) =>
  (fake.routes.get("ml/churn")!.spec.rules[rule] as { backendRefs: Ref[] }).backendRefs;
const patches = () => fake.calls.filter((c) => c.method === "PATCH");

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
});

afterEach(async () => {
  await provider?.close();
  await fake.close();
});

describe("GatewayApiTrafficProvider", () => {
  it("adds the candidate backend with its weight, keeps the rest of the rule, and waits for the controller", async () => {
    expect(await make().getWeights()).toEqual({ canary: 0 });
    expect(await provider.setWeights({ canary: 10 })).toEqual({ canary: 10 });
    expect(refs()).toEqual([
      { name: "churn-blue", port: 8080, weight: 90 },
      { name: "churn-green", port: 8080, weight: 10 },
    ]);
    const rule = fake.routes.get("ml/churn")!.spec.rules[0] as Record<string, unknown>;
    expect(rule.matches).toEqual([{ path: { type: "PathPrefix", value: "/v1/predict" } }]);
    expect(rule.filters).toHaveLength(1);
    const patch = patches()[0]!;
    expect(patch.contentType).toBe("application/merge-patch+json");
    expect(patch.path).toBe("/apis/gateway.networking.k8s.io/v1/namespaces/ml/httproutes/churn");
    expect((patch.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe("1001");
    // after the patch: one read still showing the old status, one with the new generation accepted, one read-back
    const after = fake.calls.slice(fake.calls.indexOf(patch) + 1).map((c) => c.method);
    expect(after).toEqual(["GET", "GET", "GET"]);
  });

  it("expresses two-decimal shares exactly", async () => {
    expect(await make().setWeights({ canary: 12.34 })).toEqual({ canary: 12.34 });
    const [b, c] = refs().map((r) => r.weight!) as [number, number];
    expect((c / (b + c)) * 100).toBeCloseTo(12.34, 9);
  });

  it("promotes, and rolls back twice with the second rollback writing nothing", async () => {
    make();
    expect(await provider.promote()).toEqual({ canary: 100 });
    expect(refs().map((r) => r.weight)).toEqual([0, 1]);
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(patches().length).toBe(2);
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(patches().length).toBe(2);
  });

  it("re-reads after a 409 and keeps the other writer's change", async () => {
    fake.concurrentEdits = 1;
    expect(await make().setWeights({ canary: 25 })).toEqual({ canary: 25 });
    expect(patches().length).toBe(2);
    expect(fake.routes.get("ml/churn")!.spec.hostnames).toEqual(["churn.example.com", "edit-0.example.com"]);
  });

  it("gives up after a bounded number of conflicts", async () => {
    fake.concurrentEdits = 100;
    const e = await failure(make({ conflictRetries: 3 }).setWeights({ canary: 25 }));
    expect(e.message).toBe(
      "HTTPRoute ml/churn kept changing while the canary wrote it (3 conflicts in a row)",
    );
    expect(patches().length).toBe(3);
  });

  it("moves every rule naming the backends, or only the chosen ones", async () => {
    fake.addRoute("ml", "churn", [
      {
        matches: [{ path: { type: "PathPrefix", value: "/v1" } }],
        backendRefs: [{ name: "churn-blue", port: 8080 }],
      },
      {
        matches: [{ path: { type: "PathPrefix", value: "/v2" } }],
        backendRefs: [{ name: "churn-blue", port: 8080 }],
      },
      {
        matches: [{ path: { type: "PathPrefix", value: "/old" } }],
        backendRefs: [{ name: "churn-old", port: 8080 }],
      },
    ]);
    expect(await make().setWeights({ canary: 50 })).toEqual({ canary: 50 });
    expect(refs(0).map((r) => r.weight)).toEqual([50, 50]);
    expect(refs(1).map((r) => r.weight)).toEqual([50, 50]);
    expect(refs(2)).toEqual([{ name: "churn-old", port: 8080 }]);
    await provider.close();
    expect(await make({ rules: [0] }).setWeights({ canary: 20 })).toEqual({ canary: 20 });
    expect(refs(1).map((r) => r.weight)).toEqual([50, 50]);
    await provider.close();
    const e = await failure(make().getWeights());
    expect(e.message).toBe("HTTPRoute ml/churn: rule 0 sends 20% to the candidate but rule 1 sends 50%");
  });

  it("refuses a rule that also sends traffic to a third backend", async () => {
    refs().push({ name: "churn-old", port: 8080, weight: 5 });
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toBe("HTTPRoute ml/churn: rule 0 also sends traffic to churn-old");
    expect(patches()).toEqual([]);
  });

  it("fails with the controller's reason when the candidate Service does not resolve", async () => {
    fake.services.delete("churn-green");
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toBe(
      'HTTPRoute ml/churn: gateway public-gw reports ResolvedRefs=False (BackendNotFound): Service "churn-green" not found',
    );
    expect(e.hint).toContain("Services exist");
  });

  it("times out without a controller, unless told not to wait", async () => {
    fake.controllerLag = -1;
    fake.routes.get("ml/churn")!.status = undefined;
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toBe("HTTPRoute ml/churn is still without any parent status after 30s");
    expect(e.hint).toContain("wait-for-controller: false");
    await provider.close();
    expect(await make({ waitForController: false }).setWeights({ canary: 15 })).toEqual({ canary: 15 });
  });

  it("reports a read-back mismatch when the API server ignores the patch", async () => {
    fake.ignoreUpdates = true;
    const e = await failure(make().setWeights({ canary: 30 }));
    expect(e.message).toBe("HTTPRoute ml/churn reports the candidate at 0% after it was set to 30%");
  });

  it("retries the API server's 429 after its Retry-After", async () => {
    fake.throttle = 2;
    const clock = new VirtualClock();
    const start = clock.now();
    expect(await make({ clock }).getWeights()).toEqual({ canary: 0 });
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
  });

  it("says which RBAC verbs are missing", async () => {
    fake.forbid.add("patch");
    const e = await failure(make().setWeights({ canary: 10 }));
    expect(e.message).toContain("HTTP 403");
    expect(e.message).toContain('cannot patch resource "httproutes"');
    expect(e.hint).toBe(
      "grant the job's service account the verbs get and patch on httproutes.gateway.networking.k8s.io in namespace ml (a Role and RoleBinding)",
    );
  });

  it("explains a rejected token and a missing route", async () => {
    let e = await failure(make({ token: "stale" }).getWeights());
    expect(e.message).toContain("HTTP 401");
    expect(e.hint).toContain("bearer token");
    await provider.close();
    e = await failure(make({ route: "nope" }).getWeights());
    expect(e.message).toContain('httproutes.gateway.networking.k8s.io "nope" not found');
    expect(e.hint).toContain("CRDs");
  });

  it("refuses oversized, non-JSON and malformed answers with a GateError", async () => {
    make();
    fake.rawAnswer = {
      status: 200,
      headers: { "content-type": "application/json" },
      body: `"${"x".repeat(5 * 1024 * 1024)}"`,
    };
    expect((await failure(provider.getWeights())).message).toContain("with more than 4194304 bytes");
    fake.rawAnswer = {
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html>proxy login</html>",
    };
    expect((await failure(provider.getWeights())).message).toContain(
      "with something that is not JSON (HTTP 200)",
    );
    fake.rawAnswer = {
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"kind":"HTTPRoute","spec":{}}',
    };
    expect((await failure(provider.getWeights())).message).toBe("HTTPRoute ml/churn has no spec.rules");
    fake.rawAnswer = {
      status: 200,
      headers: { "content-type": "application/json" },
      body: `{"spec":{"rules":[{"backendRefs":${JSON.stringify(Array.from({ length: 65 }, () => ({ name: "churn-blue", port: 1 })))}}]}}`,
    };
    expect((await failure(provider.getWeights())).message).toContain("malformed or oversized backendRefs");
    // and then it works again
    expect(await provider.getWeights()).toEqual({ canary: 0 });
  });

  it("checks names before any request", () => {
    expect(() => make({ route: "Churn_Route" })).toThrow(/not a Kubernetes object name/);
    expect(() => make({ candidate: { name: "" } })).toThrow(/candidate backend needs a name/);
    expect(fake.calls).toEqual([]);
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasOpenssl)("GatewayApiTrafficProvider over TLS", () => {
  let dir: string;
  let tls: { key: string; cert: string };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mlgate-kube-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "ca.crt"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    tls = {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "ca.crt"), "utf8"),
    };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    await fake.close();
    fake = await KubeFake.start(tls);
    fake.addRoute("ml", "churn", [{ backendRefs: [{ name: "churn-blue", port: 8080 }] }]);
  });

  it("trusts the server through the configured CA file", async () => {
    expect(await make({ caFile: join(dir, "ca.crt") }).setWeights({ canary: 5 })).toEqual({ canary: 5 });
  });

  it("refuses an unknown certificate, unless verification is off", async () => {
    const e = await failure(make().getWeights());
    expect(e.message).toMatch(/cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: TLS: /);
    await provider.close();
    expect(await make({ insecureSkipTlsVerify: true }).getWeights()).toEqual({ canary: 0 });
  });

  it("finds the API server, token, CA and namespace from the pod's service account", async () => {
    const sa = join(dir, "serviceaccount");
    execFileSync("mkdir", ["-p", sa]);
    writeFileSync(join(sa, "token"), "test-token\n");
    writeFileSync(join(sa, "namespace"), "ml");
    writeFileSync(join(sa, "ca.crt"), tls.cert);
    const port = new URL(fake.url).port;
    make({
      server: undefined,
      token: undefined,
      namespace: undefined,
      serviceAccountDir: sa,
      env: { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: port },
    });
    expect(await provider.setWeights({ canary: 40 })).toEqual({ canary: 40 });
    expect(provider.describe()).toBe("HTTPRoute ml/churn");
    // the token file is read at each request: a rotated token is picked up
    fake.token = "rotated";
    writeFileSync(join(sa, "token"), "rotated\n");
    expect(await provider.getWeights()).toEqual({ canary: 40 });
  });

  it("says so when there is neither a server nor a service account", async () => {
    const e = await failure(
      make({
        server: undefined,
        token: undefined,
        serviceAccountDir: join(dir, "none"),
        env: {},
      }).getWeights(),
    );
    expect(e.message).toBe("no Kubernetes API server to talk to");
  });
});
