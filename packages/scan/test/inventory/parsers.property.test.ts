import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeEntryPath } from "../../src/image/entry-path.js";
import {
  detectModel,
  formatPurl,
  parseApkInstalled,
  parseChallenges,
  parseDpkgStatus,
  parseNpmLockfile,
  parseOsRelease,
  parsePythonMetadata,
  parseRequirements,
} from "../../src/image-index.js";
import { MergedTree } from "../../src/inventory/merged-tree.js";

/** Run a parser on arbitrary input: it may return or throw a GateError, nothing else. */
function onlyGateErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isGateError(e)) throw e;
    expect((e as Error).message.length).toBeGreaterThan(0);
  }
}

const token = fc.stringMatching(/^[a-z0-9][a-z0-9+.~-]{0,15}$/);
const version = fc.stringMatching(/^(?:[0-9]:)?[0-9][0-9a-z.+~]{0,10}(?:-[0-9a-z.+~]{1,6})?$/);
const lines = fc.array(
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      "",
      " ",
      "Package: x",
      "Version: 1",
      "Status: install ok installed",
      " cont",
      "P:x",
      "V:1",
      "A:y",
      "#c",
    ),
  ),
  { maxLength: 30 },
);

describe("parsers never fail except with a GateError", () => {
  it("dpkg status", () => {
    fc.assert(
      fc.property(lines, fc.boolean(), (ls, statusRequired) => {
        onlyGateErrors(() => parseDpkgStatus(ls.join("\n"), "status", { statusRequired, maxPackages: 50 }));
      }),
      { numRuns: 500 },
    );
  });

  it("apk installed", () => {
    fc.assert(
      fc.property(lines, (ls) => {
        onlyGateErrors(() => parseApkInstalled(ls.join("\n"), "installed", { maxPackages: 50 }));
      }),
      { numRuns: 500 },
    );
  });

  it("python metadata, requirements and os-release (lenient by design: they never throw)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), lines, (text, ls) => {
        parsePythonMetadata(text);
        parsePythonMetadata(ls.join("\n"));
        for (const r of parseRequirements(ls.join("\n"))) {
          expect(r.name).toMatch(/^[A-Za-z0-9]/);
          if (r.pinned !== undefined) expect(r.pinned).not.toMatch(/[*,\s]/);
        }
        parseOsRelease(text);
      }),
      { numRuns: 500 },
    );
  });

  it("npm lockfiles of any JSON shape", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        onlyGateErrors(() =>
          parseNpmLockfile(JSON.stringify(value), "package-lock.json", { maxPackages: 100 }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("WWW-Authenticate headers", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        for (const c of parseChallenges(header)) expect(c.scheme).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
      }),
      { numRuns: 500 },
    );
  });

  it("model detection on arbitrary bytes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.string({ maxLength: 30 }),
        fc.nat(),
        (bytes, name, size) => {
          detectModel(name, bytes, size);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("round trips", () => {
  const dpkgPackage = fc.record({
    name: token,
    version,
    arch: fc.option(fc.constantFrom("amd64", "arm64", "all"), { nil: undefined }),
    source: fc.option(fc.record({ name: token, version: fc.option(version, { nil: undefined }) }), {
      nil: undefined,
    }),
    removed: fc.boolean(),
    description: fc.array(fc.stringMatching(/^[ -~]{1,30}$/), { maxLength: 3 }),
  });

  it("dpkg: every installed package written is read back, removed ones are not", () => {
    fc.assert(
      fc.property(fc.array(dpkgPackage, { maxLength: 20 }), (packages) => {
        const text = packages
          .map((p) =>
            [
              `Package: ${p.name}`,
              `Status: ${p.removed ? "deinstall ok config-files" : "install ok installed"}`,
              ...(p.arch ? [`Architecture: ${p.arch}`] : []),
              ...(p.source
                ? [`Source: ${p.source.name}${p.source.version ? ` (${p.source.version})` : ""}`]
                : []),
              `Version: ${p.version}`,
              ...(p.description.length
                ? [
                    `Description: ${p.description[0]}`,
                    ...p.description.slice(1).map((d) => ` ${d.trim() || "."}`),
                  ]
                : []),
            ].join("\n"),
          )
          .join("\n\n");
        const parsed = parseDpkgStatus(text, "status", { statusRequired: true, maxPackages: 100 });
        expect(parsed).toEqual(
          packages
            .filter((p) => !p.removed)
            .map((p) => ({
              name: p.name,
              version: p.version,
              ...(p.arch ? { arch: p.arch } : {}),
              ...(p.source ? { sourceName: p.source.name } : {}),
              ...(p.source?.version ? { sourceVersion: p.source.version } : {}),
            })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("apk: packages written are read back in order", () => {
    const apk = fc.record({
      name: token,
      version,
      arch: fc.constantFrom("x86_64", "aarch64"),
      origin: token,
    });
    fc.assert(
      fc.property(fc.array(apk, { maxLength: 20 }), (packages) => {
        const text = packages
          .map((p) => `C:Q1=\nP:${p.name}\nV:${p.version}\nA:${p.arch}\no:${p.origin}\nF:usr/lib\nR:x.so`)
          .join("\n\n");
        expect(parseApkInstalled(text, "installed", { maxPackages: 100 })).toEqual(packages);
      }),
      { numRuns: 300 },
    );
  });

  it("python metadata: the header fields survive any body", () => {
    fc.assert(
      fc.property(token, version, fc.string({ maxLength: 200 }), (name, v, body) => {
        expect(parsePythonMetadata(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${v}\n\n${body}`)).toEqual(
          { name, version: v },
        );
      }),
      { numRuns: 300 },
    );
  });

  it("purls: every component decodes back to what was encoded", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        (name, v, q) => {
          const purl = formatPurl({ type: "generic", name, version: v, qualifiers: { q } });
          const match = /^pkg:generic\/([^@?#]+)@([^?#]+)(?:\?q=(.*))?$/.exec(purl);
          expect(match).not.toBeNull();
          expect(decodeURIComponent(match![1]!)).toBe(name);
          expect(decodeURIComponent(match![2]!)).toBe(v);
          expect(decodeURIComponent(match![3] ?? "")).toBe(q);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("paths stay inside the image", () => {
  it("entry names are refused or come out relative, without `..`", () => {
    const name = fc
      .array(fc.constantFrom("a", "b", ".", "..", "", "/", "./", "../", "c/"), { maxLength: 8 })
      .map((p) => p.join("/"));
    fc.assert(
      fc.property(fc.oneof(name, fc.string({ maxLength: 30 })), (raw) => {
        try {
          const path = normalizeEntryPath(raw, "layer", 4096);
          if (path !== null) {
            expect(path.startsWith("/")).toBe(false);
            expect(path.split("/")).not.toContain("..");
            expect(path.split("/")).not.toContain("");
          }
        } catch (e) {
          expect(isGateError(e)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("symlink resolution over any link graph ends inside the root or with a loop error", () => {
    const segment = fc.constantFrom("a", "b", "c", "..", ".");
    const target = fc
      .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 4 }))
      .map(([abs, parts]) => `${abs ? "/" : ""}${parts.join("/")}`);
    const links = fc.array(
      fc.tuple(fc.array(fc.constantFrom("a", "b", "c"), { minLength: 1, maxLength: 3 }), target),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(links, fc.array(segment, { minLength: 1, maxLength: 6 }), (graph, query) => {
        const tree = new MergedTree<never>({ maxNodes: 1000, maxSymlinkHops: 40 });
        for (const [path, to] of graph) tree.write(path.join("/"), 0, { kind: "symlink", target: to });
        try {
          const { path } = tree.resolve(query.join("/"), true);
          expect(path.startsWith("/")).toBe(false);
          expect(path.split("/")).not.toContain("..");
        } catch (e) {
          expect(isGateError(e)).toBe(true);
          expect((e as Error).message).toMatch(/symlink loop/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
