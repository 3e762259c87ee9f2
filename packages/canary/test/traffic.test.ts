import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CommandProvider,
  checkLayout,
  EmbeddedRouter,
  parseReportedWeights,
  parseUpstream,
  ROUTE_HEADER,
  renderUpstream,
  SmoothWeightedChoice,
} from "../src/index.js";

describe("smooth weighted round-robin", () => {
  it("gives each side exactly its share over every full cycle", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 5 }), (canary, cycles) => {
        const choice = new SmoothWeightedChoice(
          new Map([
            ["b", 100 - canary],
            ["c", canary],
          ]),
        );
        let c = 0;
        for (let i = 0; i < 100 * cycles; i++) if (choice.next() === "c") c++;
        expect(c).toBe(canary * cycles);
      }),
    );
    expect(new SmoothWeightedChoice(new Map([["a", 0]])).next()).toBeUndefined();
  });
});

describe("the nginx upstream file", () => {
  const layout = {
    upstream: "model",
    baseline: ["10.0.0.5:8080", "10.0.0.6:8080"],
    candidate: ["10.0.0.7:8080"],
  };

  it("writes integer weights that carry the split, and `down` for an empty side", () => {
    expect(renderUpstream(layout, { canary: 5 })).toBe(
      [
        "# Managed by mlgate canary: candidate 5%, baseline 95%.",
        "# Rewritten at every step; edit the canary settings instead of this file.",
        "upstream model {",
        "    server 10.0.0.5:8080 weight=19;",
        "    server 10.0.0.6:8080 weight=19;",
        "    server 10.0.0.7:8080 weight=2;",
        "}",
        "",
      ].join("\n"),
    );
    expect(renderUpstream({ ...layout, serverParams: "max_fails=3" }, { canary: 0 })).toContain(
      "    server 10.0.0.7:8080 weight=1 max_fails=3 down;",
    );
    expect(renderUpstream(layout, { canary: 100 })).toContain("    server 10.0.0.5:8080 weight=1 down;");
  });

  it("reads back every split it writes, for any number of servers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (hundredths, nb, nc) => {
          const l = {
            upstream: "u",
            baseline: Array.from({ length: nb }, (_, i) => `b${i}:80`),
            candidate: Array.from({ length: nc }, (_, i) => `c${i}:80`),
          };
          const canary = hundredths / 100;
          expect(parseUpstream(renderUpstream(l, { canary }), l, "f")).toEqual({ canary });
        },
      ),
    );
  });

  it("reads a hand-written block and refuses servers it does not know", () => {
    const text =
      "upstream other { server 1.2.3.4:1; }\nupstream model {\n  server 10.0.0.5:8080 weight=3 max_fails=2;\n  server 10.0.0.6:8080;  # default weight 1\n  server 10.0.0.7:8080 weight=4;\n  keepalive 16;\n}\n";
    expect(parseUpstream(text, layout, "f.conf")).toEqual({ canary: 50 });
    expect(() => parseUpstream(text.replace("10.0.0.6", "10.0.0.9"), layout, "f.conf")).toThrow(
      "f.conf: upstream model has server 10.0.0.9:8080, which is neither a baseline nor a candidate server",
    );
    expect(() => parseUpstream("upstream other {}", layout, "f.conf")).toThrow(
      'f.conf has no "upstream model { ... }" block',
    );
  });

  it.each([
    [{ ...layout, upstream: "model; evil" }, 'upstream name "model; evil" is not a plain nginx name'],
    [
      { ...layout, candidate: ["10.0.0.7:8080; include /etc/passwd"] },
      'candidate server "10.0.0.7:8080; include /etc/passwd" is not host:port or unix:/path',
    ],
    [{ ...layout, candidate: ["10.0.0.5:8080"] }, "10.0.0.5:8080 is both a baseline and a candidate server"],
    [{ ...layout, serverParams: "down; }" }, 'server-params "down; }" may hold only name=value words'],
    [{ ...layout, baseline: [] }, "give 1 to 64 baseline servers"],
  ])("refuses a layout that could break out of the block: %#", (bad, message) => {
    expect(() => checkLayout(bad, "nginx")).toThrow(message);
  });
});

describe("the embedded router", () => {
  let sides: Server[];
  let urls: string[];
  let router: EmbeddedRouter;

  beforeAll(async () => {
    sides = ["baseline", "candidate"].map((name) =>
      createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json", connection: "keep-alive" });
          res.end(JSON.stringify({ name, method: req.method, url: req.url, body }));
        });
      }),
    );
    await Promise.all(sides.map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
    urls = sides.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    router = await EmbeddedRouter.start({ baseline: `${urls[0]}/v1/predict`, candidate: urls[1]! });
  });

  afterAll(async () => {
    await router.close();
    await Promise.all(sides.map((s) => new Promise((r) => s.close(r))));
  });

  it("splits traffic by its weights, passes requests through whole, and says who answered", async () => {
    expect(await router.setWeights({ canary: 30 })).toEqual({ canary: 30 });
    const answers: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await request(`${router.url}/v1/predict?x=${i}`, { method: "POST", body: `{"i":${i}}` });
      const json = (await res.body.json()) as { name: string; url: string; body: string };
      expect(res.headers[ROUTE_HEADER]).toBe(json.name);
      expect(json.url).toBe(`/v1/predict?x=${i}`);
      expect(json.body).toBe(`{"i":${i}}`);
      answers.push(json.name);
    }
    expect(answers.filter((a) => a === "candidate")).toHaveLength(15);
    expect(await router.rollback()).toEqual({ canary: 0 });
    expect(await router.rollback()).toEqual({ canary: 0 });
    const after = await request(router.url);
    expect(after.headers[ROUTE_HEADER]).toBe("baseline");
    await after.body.dump();
    await expect(router.setWeights({ canary: 101 })).rejects.toThrow(
      "canary weight 101 is out of range (0 to 100 percent)",
    );
  });

  it("answers 502 when the upstream is gone", async () => {
    const lonely = await EmbeddedRouter.start({
      baseline: "http://127.0.0.1:9",
      candidate: "http://127.0.0.1:9",
    });
    const res = await request(lonely.url);
    expect(res.statusCode).toBe(502);
    expect(await res.body.json()).toEqual({ error: expect.stringMatching(/^upstream failed: /) });
    await lonely.close();
  });
});

describe("the command provider", () => {
  let dir: string;
  let script: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlgate-command-"));
    script = join(dir, "route.mjs");
    // A router that keeps its weights in a file; `set` refuses 42 to show a failing move.
    await writeFile(
      script,
      [
        "#!/usr/bin/env node",
        'import { readFileSync, writeFileSync } from "node:fs";',
        "const [cmd, canary, baseline] = process.argv.slice(2);",
        'const file = new URL("weights.json", import.meta.url);',
        'if (cmd === "get") { process.stdout.write(readFileSync(file, "utf8")); process.exit(0); }',
        'if (canary === "42") { console.error("refusing 42"); process.exit(3); }',
        'if (Number(canary) + Number(baseline) !== 100) { console.error("bad split"); process.exit(4); }',
        "writeFileSync(file, JSON.stringify({ canary: Number(canary) }));",
        "",
      ].join("\n"),
    );
    await chmod(script, 0o755);
    await writeFile(join(dir, "weights.json"), '{"canary": 0}');
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("runs the user's command with the weights as arguments and reads them back", async () => {
    const provider = new CommandProvider({
      set: [script, "set", "{{canary}}", "{{baseline}}"],
      get: [script, "get"],
      cwd: dir,
    });
    expect(await provider.setWeights({ canary: 12.5 })).toEqual({ canary: 12.5 });
    expect(await readFile(join(dir, "weights.json"), "utf8")).toBe('{"canary":12.5}');
    expect(await provider.promote()).toEqual({ canary: 100 });
    expect(await provider.rollback()).toEqual({ canary: 0 });
    await expect(provider.setWeights({ canary: 42 })).rejects.toThrow(
      /^traffic command: `.*route\.mjs set 42 58` exited with status 3: refusing 42$/,
    );
  });

  it("notices a router that does not do what it was told", async () => {
    const liar = new CommandProvider({ set: ["true"], get: [script, "get"], cwd: dir });
    await expect(liar.setWeights({ canary: 20 })).rejects.toThrow(
      /reports the candidate at 0% after it was set to 20%/,
    );
    const missing = new CommandProvider({ set: ["no-such-router-command"], get: [script, "get"] });
    await expect(missing.setWeights({ canary: 1 })).rejects.toThrow(
      "traffic command: program not found: no-such-router-command",
    );
    expect(() => new CommandProvider({ set: [], get: ["x"] })).toThrow('"set" needs 1 to 64 arguments');
  });

  it("reads the weights in any of the printed forms, and nothing else", () => {
    for (const [text, canary] of [
      ["5", 5],
      ["canary=7.5", 7.5],
      ["canary: 9%", 9],
      ['{"canary": 3}', 3],
      ['{"weights":{"canary":"4"}}', 4],
      ["log line\n12", 12],
    ] as const) {
      expect(parseReportedWeights(text, ["get"])).toEqual({ canary });
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          const w = parseReportedWeights(text, ["get"]);
          expect(Number.isFinite(w.canary)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(GateError);
        }
      }),
    );
  });
});
