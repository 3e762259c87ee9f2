import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchOsvDatabase, loadOsvDatabase, matchPackages } from "../../src/osv/index.js";
import { EXPECTED, FIXTURE_ADVISORIES, osvDocument, PACKAGES } from "../fixtures/osv.js";
import { zipBytes } from "../fixtures/zip-writer.js";

/** A loopback server standing in for osv.dev's bucket: serves a zip, honours ETags, can be told to fail. */
let server: Server;
let base: string;
let mode: "ok" | "429" | "html" | "huge" = "ok";
const requests: { path: string; ifNoneMatch?: string }[] = [];
const ZIP = zipBytes(
  FIXTURE_ADVISORIES.map((a) => ({ name: `${a.id}.json`, data: JSON.stringify(osvDocument(a)) })),
);
const ETAG = '"v1"';

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({
      path: req.url ?? "",
      ...(req.headers["if-none-match"] ? { ifNoneMatch: String(req.headers["if-none-match"]) } : {}),
    });
    if (mode === "429") return res.writeHead(429).end("slow down");
    if (mode === "html")
      return res.writeHead(200, { "content-type": "text/html" }).end("<html>captive portal</html>");
    if (mode === "huge") {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const push = () => {
        while (sent < 64) {
          sent++;
          if (!res.write(chunk)) return res.once("drain", push);
        }
        res.end();
      };
      return push();
    }
    if (req.headers["if-none-match"] === ETAG) return res.writeHead(304).end();
    res
      .writeHead(200, { etag: ETAG, "content-type": "application/zip", "content-length": ZIP.length })
      .end(ZIP);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const HOUR = 3_600_000;

describe("OSV database download and cache", () => {
  it("downloads once, reuses the copy while young, revalidates it when old", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "mlgate-osv-cache-"));
    const url = `${base}/Debian/all.zip`;
    mode = "ok";
    requests.length = 0;
    let now = Date.parse("2025-01-01T00:00:00Z");
    const fetchDb = () => fetchOsvDatabase({ urls: [url], cacheDir, maxAgeMs: 12 * HOUR, now: () => now });

    const first = await fetchDb();
    expect(first.files[0]).toMatchObject({ fromCache: false, stale: false, bytes: ZIP.length });
    const { db } = loadOsvDatabase(first.files.map((f) => f.path));
    expect(matchPackages(PACKAGES, db).findings.map((f) => `${f.id} ${f.package.name}`).length).toBe(
      EXPECTED.length,
    );

    now += 2 * HOUR;
    const second = await fetchDb();
    expect(second.files[0]).toMatchObject({ fromCache: true, stale: false });
    expect(requests).toHaveLength(1);

    now += 11 * HOUR;
    const third = await fetchDb();
    expect(third.files[0]).toMatchObject({
      fromCache: true,
      stale: false,
      fetchedAt: new Date(now).toISOString(),
    });
    expect(requests).toEqual([{ path: "/Debian/all.zip" }, { path: "/Debian/all.zip", ifNoneMatch: ETAG }]);
  });

  it("uses the old copy with a warning when the mirror refuses, and fails clearly without one", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "mlgate-osv-cache-"));
    const url = `${base}/npm/all.zip`;
    let now = Date.parse("2025-01-01T00:00:00Z");
    mode = "ok";
    await fetchOsvDatabase({ urls: [url], cacheDir, now: () => now });
    now += 3 * 24 * HOUR;
    mode = "429";
    const stale = await fetchOsvDatabase({ urls: [url], cacheDir, now: () => now });
    expect(stale.files[0]).toMatchObject({ fromCache: true, stale: true });
    expect(stale.warnings[0]).toMatch(
      /HTTP 429 \(rate limited\).*cached copy from 2025-01-01T00:00:00.000Z \(3\.0 days old\)/,
    );

    await expect(
      fetchOsvDatabase({
        urls: [`${base}/PyPI/all.zip`],
        cacheDir: mkdtempSync(join(tmpdir(), "mlgate-osv-")),
      }),
    ).rejects.toThrow(/could not download the OSV database from .*PyPI\/all\.zip: .*HTTP 429/);
  });

  it("refuses what is not a zip and what is too large, leaving no partial file", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "mlgate-osv-cache-"));
    mode = "html";
    await expect(fetchOsvDatabase({ urls: [`${base}/a/all.zip`], cacheDir })).rejects.toThrow(
      /did not send a zip archive/,
    );
    mode = "huge";
    await expect(
      fetchOsvDatabase({ urls: [`${base}/b/all.zip`], cacheDir, maxBytes: 1024 * 1024 }),
    ).rejects.toThrow(/sent more than 1048576 bytes/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it("keeps the cache directory under its size bound by dropping other URLs' old files", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "mlgate-osv-cache-"));
    writeFileSync(join(cacheDir, "old-abc.zip"), Buffer.alloc(200_000));
    writeFileSync(join(cacheDir, "old-abc.json"), "{}");
    writeFileSync(join(cacheDir, "old-abc.osv-index"), "{}\n");
    mode = "ok";
    await fetchOsvDatabase({ urls: [`${base}/Alpine/all.zip`], cacheDir, maxCacheBytes: 100_000 });
    expect(readdirSync(cacheDir).sort()).toEqual([
      expect.stringMatching(/^Alpine-all\.zip-[0-9a-f]{12}\.json$/),
      expect.stringMatching(/^Alpine-all\.zip-[0-9a-f]{12}\.zip$/),
    ]);
  });

  it("keeps a database's index with it, and drops the two together", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "mlgate-osv-cache-"));
    mode = "ok";
    const first = await fetchOsvDatabase({ urls: [`${base}/Debian/all.zip`], cacheDir });
    const only = PACKAGES.map((p) => ({ ecosystem: p.ecosystem, name: p.sourceName ?? p.name }));
    loadOsvDatabase(
      first.files.map((f) => f.path),
      { only, indexDir: cacheDir },
    );
    const stem = (first.files[0]?.path ?? "").replace(/\.zip$/, "");
    expect(readdirSync(cacheDir).sort()).toEqual(
      [`${stem}.json`, `${stem}.osv-index`, `${stem}.zip`].map((p) => p.slice(cacheDir.length + 1)),
    );
    // Kept while its URL is asked for, however small the bound …
    await fetchOsvDatabase({ urls: [`${base}/Debian/all.zip`], cacheDir, maxCacheBytes: 1 });
    expect(readdirSync(cacheDir)).toHaveLength(3);
    // … and removed with its database once another URL needs the room.
    await fetchOsvDatabase({ urls: [`${base}/npm/all.zip`], cacheDir, maxCacheBytes: ZIP.length * 2 });
    expect(readdirSync(cacheDir).some((n) => n.startsWith(stem.slice(cacheDir.length + 1)))).toBe(false);
  });

  it("refuses URLs that are not http(s)", async () => {
    await expect(fetchOsvDatabase({ urls: ["file:///etc/passwd"], cacheDir: tmpdir() })).rejects.toThrow(
      /must use http or https/,
    );
  });
});
