import { request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assignArm } from "../src/compare/index.js";
import {
  EmbeddedRouter,
  MAX_MIRROR_BODY_BYTES,
  outputSpec,
  ROUTE_HEADER,
  SHADOW_HEADER,
} from "../src/index.js";
import { type TinyModel, tinyModel } from "./strategies/servers.js";

let baseline: TinyModel;
let candidate: TinyModel;
let router: EmbeddedRouter;

beforeEach(async () => {
  [baseline, candidate] = await Promise.all([
    tinyModel({ name: "base" }),
    tinyModel({ name: "cand", shift: 0.3, delayMs: 20 }),
  ]);
  router = await EmbeddedRouter.start({
    baseline: baseline.url,
    candidate: candidate.url,
    outputs: [outputSpec("label", "$.label", "label", "t"), outputSpec("score", "$.score", "score", "t")],
  });
});

afterEach(async () => {
  await router.close();
  await Promise.all([baseline.close(), candidate.close()]);
});

async function ask(body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${router.url}/v1/predict`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  return {
    status: res.statusCode,
    route: res.headers[ROUTE_HEADER],
    json: (await res.body.json()) as { model: string },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe("the embedded router's mirror", () => {
  it("answers users from the baseline only and pairs the candidate's answer to the same request", async () => {
    expect(await router.setRouting({ canary: 0, mirror: 100 })).toEqual({ canary: 0, mirror: 100 });
    const answers = [];
    for (let i = 0; i < 10; i++)
      answers.push(await ask({ x: i / 10 }, i === 3 ? { "x-request-id": "given-3" } : {}));
    await settle();
    expect(answers.every((a) => a.json.model === "base" && a.route === "baseline")).toBe(true);
    expect(candidate.seen).toHaveLength(10);
    expect(candidate.seen.every((s) => s.headers[SHADOW_HEADER] === "1")).toBe(true);
    // The same request reached both, with one id and one body.
    const ids = (m: TinyModel) => m.seen.map((s) => s.headers["x-request-id"]);
    expect(new Set(ids(candidate))).toEqual(new Set(ids(baseline)));
    expect(ids(baseline)).toContain("given-3");
    expect(candidate.seen.map((s) => s.body).sort()).toEqual(baseline.seen.map((s) => s.body).sort());
    const pairs = await router.drainPairs();
    expect(pairs).toHaveLength(10);
    const third = pairs.find((p) => p.id === "given-3")!;
    expect(third.baseline).toMatchObject({ error: false, outputs: { label: "no", score: 0.3 } });
    expect(third.candidate.outputs.score).toBeCloseTo(0.6, 10);
    expect(third.candidate.outputs.label).toBe("yes");
    expect(third.candidate.latencyMs).toBeGreaterThanOrEqual(15);
    expect(await router.drainPairs()).toEqual([]);
  });

  it("mirrors the configured share, and a plain move switches mirroring off", async () => {
    await router.setRouting({ canary: 0, mirror: 25 });
    for (let i = 0; i < 20; i++) await ask({ x: 0.1 });
    await settle();
    expect(candidate.seen).toHaveLength(5);
    expect(await router.rollback()).toEqual({ canary: 0 });
    expect(await router.getRouting()).toEqual({ canary: 0, mirror: 0 });
    for (let i = 0; i < 5; i++) await ask({ x: 0.1 });
    await settle();
    expect(candidate.seen).toHaveLength(5);
  });

  it("serves a body too large to hold twice without mirroring it", async () => {
    await router.setRouting({ canary: 0, mirror: 100 });
    const big = JSON.stringify({ x: 0.2, pad: "p".repeat(MAX_MIRROR_BODY_BYTES) });
    const a = await ask(JSON.parse(big));
    expect(a).toMatchObject({ status: 200, route: "baseline", json: { model: "base" } });
    expect(baseline.seen[0]?.body).toBe(big);
    await settle();
    expect(candidate.seen).toHaveLength(0);
    expect(router.mirrored).toEqual({ sent: 0, skipped: 1 });
  });

  it("records a candidate that fails as an error answer, without the user noticing", async () => {
    await candidate.close();
    await router.setRouting({ canary: 0, mirror: 100 });
    const a = await ask({ x: 0.2 });
    expect(a.status).toBe(200);
    await settle();
    const [pair] = await router.drainPairs();
    expect(pair?.candidate).toMatchObject({ error: true, outputs: {} });
    expect(pair?.baseline.error).toBe(false);
  });
});

describe("the embedded router's sticky split", () => {
  it("keeps each client on one side, by header or cookie, and sends clients without a key to the baseline", async () => {
    await router.setRouting({ canary: 50, mirror: 0, sticky: { header: "x-client-id" } });
    const sides = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (let c = 0; c < 40; c++) {
        const a = await ask({ x: 0.1 }, { "x-client-id": `client-${c}` });
        const set = sides.get(`client-${c}`) ?? new Set();
        set.add(String(a.route));
        sides.set(`client-${c}`, set);
      }
    }
    expect([...sides.values()].every((s) => s.size === 1)).toBe(true);
    const onCandidate = [...sides.entries()].filter(([, s]) => s.has("candidate")).map(([k]) => k);
    expect(onCandidate).toEqual(
      [...sides.keys()].filter((k) => assignArm(k, { candidateWeight: 50 }) === "candidate"),
    );
    expect(onCandidate.length).toBeGreaterThan(8);
    expect(onCandidate.length).toBeLessThan(32);
    for (let i = 0; i < 10; i++) expect((await ask({ x: 0.1 })).route).toBe("baseline");

    await router.setRouting({ canary: 50, mirror: 0, sticky: { cookie: "uid" } });
    const first = await ask({ x: 0.1 }, { cookie: "theme=dark; uid=client-7" });
    for (let i = 0; i < 5; i++)
      expect((await ask({ x: 0.1 }, { cookie: `uid=client-7; other=${i}` })).route).toBe(first.route);
    expect(await router.getRouting()).toEqual({ canary: 50, mirror: 0, sticky: { cookie: "uid" } });
  });
});
