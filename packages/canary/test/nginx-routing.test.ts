// biome-ignore-all lint/suspicious/noTemplateCurlyInString: nginx writes its variables ${name}
import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkStickyKey,
  keylessKey,
  mirrorUri,
  nginxHashSlot,
  parseRouting,
  type Routing,
  renderRouting,
  renderUpstream,
  routingToken,
  upstreamWeights,
} from "../src/index.js";

const layout = { upstream: "model", baseline: ["10.0.0.5:8080"], candidate: ["10.0.0.7:8080"] };
const files = { upstream: "/etc/nginx/up.conf", mirror: "/etc/nginx/mirror.conf" };

function roundTrip(routing: Routing, l = layout): Routing {
  const r = renderRouting(l, routing, true);
  return parseRouting(r.upstream, r.mirror, l, files);
}

describe("nginx routing files", () => {
  it("render a plain split exactly as the upstream file always was, and say no mirroring", () => {
    const r = renderRouting(layout, { canary: 25, mirror: 0 }, true);
    expect(r.upstream).toBe(renderUpstream(layout, { canary: 25 }));
    expect(r.mirror).toBe(
      [
        "# Managed by mlgate canary: no requests are mirrored.",
        "location = /_mlgate/model/routing {",
        "    default_type text/plain;",
        `    return 200 "${routingToken(layout, { canary: 25, mirror: 0 })}";`,
        "}",
        "",
      ].join("\n"),
    );
    expect(routingToken(layout, { canary: 25, mirror: 0 })).toMatch(/^[0-9a-f]{16}$/);
    expect(routingToken(layout, { canary: 25, mirror: 1 })).not.toBe(
      routingToken(layout, { canary: 25, mirror: 0 }),
    );
    expect(renderRouting(layout, { canary: 25, mirror: 0 }, false)).toEqual({ upstream: r.upstream });
  });

  it("split stickily with hash on the key, mapping keyless requests onto the baseline", () => {
    const r = renderRouting(layout, { canary: 10, mirror: 0, sticky: { header: "X-Client-Id" } }, true);
    expect(r.upstream).toContain("map $http_x_client_id $mlgate_model_key {");
    expect(r.upstream).toContain("    hash $mlgate_model_key;");
    expect(r.upstream).toContain("server 10.0.0.5:8080 weight=9;");
    expect(r.upstream).toContain("server 10.0.0.7:8080 weight=1;");
    const keyless = /"" "([^"]+)";/.exec(r.upstream)![1]!;
    expect(nginxHashSlot(keyless, 10)).toBeLessThan(9);
    expect(roundTrip({ canary: 10, mirror: 0, sticky: { cookie: "uid" } })).toEqual({
      canary: 10,
      mirror: 0,
      sticky: { cookie: "uid" },
    });
  });

  it("mirror through an internal location whose answers nginx discards, sampled on the request id", () => {
    const r = renderRouting(layout, { canary: 0, mirror: 12.5 }, true);
    expect(r.mirror).toContain(`mirror ${mirrorUri("model")};`);
    expect(r.mirror).toContain("    internal;");
    expect(r.mirror).toContain("proxy_set_header X-Request-Id $request_id;");
    expect(r.mirror).toContain("proxy_pass http://mlgate_model_shadow$request_uri;");
    expect(r.upstream).toContain('split_clients "${request_id}" $mlgate_model_shadow {');
    expect(r.upstream).toContain('    12.5% "1";');
    expect(r.upstream).toContain("upstream mlgate_model_shadow {\n    server 10.0.0.7:8080;\n}");
    expect(roundTrip({ canary: 0, mirror: 12.5 })).toEqual({ canary: 0, mirror: 12.5 });
    expect(() => renderRouting(layout, { canary: 0, mirror: 5 }, false)).toThrow(/needs a mirror file/);
  });

  it("read back what was written, for any layout, share, key and mirror", () => {
    const address = fc
      .tuple(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 65535 }))
      .map(([h, p]) => `10.0.0.${h}:${p}`);
    fc.assert(
      fc.property(
        fc.uniqueArray(address, { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 10000 }),
        fc.option(fc.oneof(fc.constant({ header: "x-user" }), fc.constant({ cookie: "sid_1" })), {
          nil: undefined,
        }),
        (addresses, hundredths, mirrorHundredths, sticky) => {
          const cut = Math.max(1, Math.floor(addresses.length / 2));
          const l = { upstream: "m.v-2", baseline: addresses.slice(0, cut), candidate: addresses.slice(cut) };
          const routing: Routing = {
            canary: hundredths / 100,
            mirror: mirrorHundredths / 100,
            ...(sticky ? { sticky } : {}),
          };
          const back = roundTrip(routing, l);
          expect(back.canary).toBeCloseTo(routing.canary, 2);
          expect(back.mirror).toBe(routing.mirror);
          expect(back.sticky).toEqual(routing.sticky);
          if (sticky) {
            const w = upstreamWeights(l, routing);
            const base = w.perBaseline * l.baseline.length;
            const key = keylessKey(base, base + w.perCandidate * l.candidate.length);
            expect(nginxHashSlot(key, base + w.perCandidate * l.candidate.length)).toBeLessThan(base);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuse half-written states and keys nginx cannot read", () => {
    const r = renderRouting(layout, { canary: 0, mirror: 50 }, true);
    const noSampling = r.upstream.replace(/split_clients[^}]*\}/, "");
    expect(() => parseRouting(noSampling, r.mirror, layout, files)).toThrow(
      "/etc/nginx/mirror.conf: the mirror directive and its sampling block do not agree (one is missing)",
    );
    expect(() => parseRouting(r.upstream, "# nothing\n", layout, files)).toThrow(/do not agree/);
    const sticky = renderRouting(layout, { canary: 50, mirror: 0, sticky: { header: "x-a" } }, true);
    expect(() =>
      parseRouting(sticky.upstream.replace(/map[^}]*\}/, ""), sticky.mirror, layout, files),
    ).toThrow(/the sticky key's map block is missing/);
    expect(() => checkStickyKey({ header: "x_under" }, "canary.ab.sticky")).toThrow(
      "canary.ab.sticky: header x_under cannot be used as an nginx variable",
    );
    expect(() => checkStickyKey({ cookie: "a-b" }, "w")).toThrow(GateError);
    expect(() => renderRouting(layout, { canary: 100, mirror: 0, sticky: { header: "x" } }, true)).toThrow(
      /a sticky split needs both sides/,
    );
  });

  it("never crash on arbitrary file text: a GateError or a routing", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        (a, b) => {
          try {
            const text = `upstream model { server 10.0.0.5:8080 weight=1; ${a} }\n${a}`;
            const r = parseRouting(text, b, layout, files);
            expect(r.canary).toBeGreaterThanOrEqual(0);
          } catch (e) {
            expect(e).toBeInstanceOf(GateError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
