import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  alpineVersions,
  debianVersions,
  pep440Versions,
  semverVersions,
  type VersionScheme,
} from "../../src/versions/index.js";

const digits = fc.stringMatching(/^(0|[1-9][0-9]{0,3}|0[0-9]{1,2})$/);
const word = fc.stringMatching(/^[a-z]{1,3}$/);

const debian = fc
  .tuple(
    fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    fc.array(fc.oneof(digits, word, fc.constantFrom(".", "+", "~", "~~", "-", ".0", "a")), {
      minLength: 0,
      maxLength: 5,
    }),
    fc.option(
      fc.array(fc.oneof(digits, word, fc.constantFrom(".", "+", "~")), { minLength: 1, maxLength: 3 }),
      {
        nil: undefined,
      },
    ),
  )
  .map(([epoch, upstream, revision]) => {
    const up = `${epoch !== undefined ? `${epoch}:` : ""}1${upstream.join("")}`;
    const rev = revision ? `-${revision.join("") || "0"}` : "";
    return `${up}${rev}`;
  })
  .filter((v) => debianVersions.isValid(v));

const alpine = fc
  .tuple(
    digits,
    fc.array(digits, { maxLength: 3 }),
    fc.option(fc.constantFrom("a", "b", "z"), { nil: undefined }),
    fc.array(
      fc.tuple(
        fc.constantFrom("alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"),
        fc.option(digits, { nil: "" }),
      ),
      { maxLength: 2 },
    ),
    fc.option(fc.stringMatching(/^[0-9a-f]{1,4}$/), { nil: undefined }),
    fc.option(digits, { nil: undefined }),
  )
  .map(
    ([first, rest, letter, suffixes, hash, revision]) =>
      `${first}${rest.map((r) => `.${r}`).join("")}${letter ?? ""}${suffixes.map(([s, n]) => `_${s}${n}`).join("")}${hash !== undefined ? `~${hash}` : ""}${revision !== undefined ? `-r${revision}` : ""}`,
  );

const pep440 = fc
  .tuple(
    fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom("a", "b", "rc", "alpha", "c", "pre", "beta"), fc.nat(3)), {
      nil: undefined,
    }),
    fc.option(fc.tuple(fc.constantFrom(".post", "-", ".rev", "post"), fc.nat(3)), { nil: undefined }),
    fc.option(fc.nat(3), { nil: undefined }),
    fc.option(
      fc.array(fc.oneof(fc.stringMatching(/^[a-z]{1,3}$/), fc.nat(20).map(String)), {
        minLength: 1,
        maxLength: 3,
      }),
      {
        nil: undefined,
      },
    ),
  )
  .map(
    ([epoch, release, pre, post, dev, local]) =>
      `${epoch !== undefined ? `${epoch}!` : ""}${release.join(".")}${pre ? `${pre[0]}${pre[1]}` : ""}${post ? `${post[0]}${post[1]}` : ""}${dev !== undefined ? `.dev${dev}` : ""}${local ? `+${local.join(".")}` : ""}`,
  );

const semver = fc
  .tuple(
    fc.nat(3),
    fc.nat(12),
    fc.nat(12),
    fc.option(
      fc.array(fc.oneof(fc.constantFrom("alpha", "beta", "rc", "x"), fc.nat(11).map(String)), {
        minLength: 1,
        maxLength: 3,
      }),
      {
        nil: undefined,
      },
    ),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre.join(".")}` : ""}`);

const SCHEMES: [string, VersionScheme, fc.Arbitrary<string>][] = [
  ["Debian", debianVersions, debian],
  ["Alpine", alpineVersions, alpine],
  ["PEP 440", pep440Versions, pep440],
  ["semver", semverVersions, semver],
];

describe.each(SCHEMES)("%s ordering is a total preorder", (_name, scheme, version) => {
  it("accepts every generated version", () => {
    fc.assert(fc.property(version, (v) => scheme.isValid(v)));
  });

  it("is reflexive and antisymmetric", () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(scheme.compare(a, a)).toBe(0);
        // Opposite signs, or both zero (written as a sum so 0 and -0 count alike).
        expect(scheme.compare(a, b) + scheme.compare(b, a)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => scheme.compare(p, q)) as [string, string, string];
        expect(scheme.compare(x, y)).toBeLessThanOrEqual(0);
        expect(scheme.compare(y, z)).toBeLessThanOrEqual(0);
        expect(scheme.compare(x, z)).toBeLessThanOrEqual(0);
        if (scheme.compare(x, y) === 0 && scheme.compare(y, z) === 0) expect(scheme.compare(x, z)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it("sorts to the same order whatever the input order", () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 12 }), fc.nat(), (list, seed) => {
        const sorted = [...list].sort((p, q) => scheme.compare(p, q));
        const rotated = [
          ...list.slice(seed % (list.length || 1)),
          ...list.slice(0, seed % (list.length || 1)),
        ]
          .reverse()
          .sort((p, q) => scheme.compare(p, q));
        for (let i = 0; i + 1 < sorted.length; i++) {
          expect(scheme.compare(sorted[i] as string, sorted[i + 1] as string)).toBeLessThanOrEqual(0);
          expect(scheme.compare(sorted[i] as string, rotated[i] as string)).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on arbitrary text, only says invalid", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(typeof scheme.isValid(text)).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });
});

function sample(arb: fc.Arbitrary<string>, n: number, seed: number): [string, string][] {
  return fc.sample(fc.tuple(arb, arb), { numRuns: n, seed });
}

const hasDpkg = spawnSync("dpkg", ["--version"]).status === 0;
const hasPackaging = spawnSync("python3", ["-c", "import packaging.version"]).status === 0;

describe("agrees with the reference implementations", () => {
  it.skipIf(!hasDpkg)("Debian: dpkg --compare-versions", () => {
    const pairs = sample(debian, 150, 42);
    // One shell runs every comparison; each line prints lt, eq or gt.
    const script = pairs
      .map(
        ([a, b]) =>
          `if dpkg --compare-versions '${a}' lt '${b}'; then echo lt; elif dpkg --compare-versions '${a}' eq '${b}'; then echo eq; else echo gt; fi`,
      )
      .join("\n");
    const out = spawnSync("sh", ["-c", script], { encoding: "utf8" }).stdout.trim().split("\n");
    const ours = pairs.map(([a, b]) => ["lt", "eq", "gt"][debianVersions.compare(a, b) + 1]);
    expect(ours.map((o, i) => `${pairs[i]?.join(" ")} ${o}`)).toEqual(
      out.map((o, i) => `${pairs[i]?.join(" ")} ${o}`),
    );
  });

  it.skipIf(!hasPackaging)("PEP 440: Python's packaging.version", () => {
    const pairs = sample(pep440, 400, 7);
    const program =
      "import sys, json\nfrom packaging.version import Version\nfor a, b in json.load(sys.stdin):\n" +
      "    x, y = Version(a), Version(b)\n    print(-1 if x < y else (0 if x == y else 1))\n";
    const out = spawnSync("python3", ["-c", program], { input: JSON.stringify(pairs), encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    const theirs = out.stdout.trim().split("\n").map(Number);
    expect(pairs.map(([a, b]) => pep440Versions.compare(a, b))).toEqual(theirs);
  });
});
