import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { looksLikeZip } from "./zip.js";

/**
 * Download OSV databases (zips) into a cache directory and reuse them while they are younger than a
 * maximum age. In a workflow, `actions/cache` saves and restores that directory between runs, so the
 * mirror is asked at most once per age period; when it fails (rate limits, outages) a cached copy,
 * even an old one, is used with a warning rather than failing the gate.
 */

export const DEFAULT_OSV_CACHE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
const DEFAULT_MAX_CACHE_BYTES = 8 * 1024 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/** osv.dev's export of every advisory of one ecosystem. */
export function osvEcosystemUrl(ecosystem: string): string {
  return `https://osv-vulnerabilities.storage.googleapis.com/${encodeURIComponent(ecosystem)}/all.zip`;
}

export interface FetchOsvOptions {
  /** One zip per ecosystem, e.g. `osvEcosystemUrl("Debian")`. */
  urls: readonly string[];
  cacheDir: string;
  /** Reuse a cached copy younger than this (default one day); older ones are revalidated. */
  maxAgeMs?: number;
  /** Bytes of one download (default 2 GiB). */
  maxBytes?: number;
  /** Bytes the cache directory may hold; the oldest files of other URLs are removed first (default 8 GiB). */
  maxCacheBytes?: number;
  /** For one download, headers to last byte (default 10 minutes). */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  log?: (line: string) => void;
}

export interface FetchedOsvFile {
  url: string;
  path: string;
  fetchedAt: string;
  /** Served from the cache without asking the server. */
  fromCache: boolean;
  /** The server could not be reached and the copy is older than the maximum age. */
  stale: boolean;
  bytes: number;
}

export interface FetchedOsvDatabase {
  files: FetchedOsvFile[];
  warnings: string[];
}

interface CacheMeta {
  url: string;
  fetchedAt: string;
  etag?: string;
  lastModified?: string;
  bytes: number;
  sha256: string;
}

function slugOf(url: string): string {
  const hash = createHash("sha256").update(url).digest("hex").slice(0, 12);
  let readable = "osv";
  try {
    readable = new URL(url).pathname.split("/").filter(Boolean).slice(-2).join("-") || readable;
  } catch {
    // Checked before use; the hash alone keeps the name unique.
  }
  return `${readable.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60)}-${hash}`;
}

async function readMeta(file: string): Promise<CacheMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(file, "utf8")) as CacheMeta;
    return typeof meta.fetchedAt === "string" && typeof meta.url === "string" ? meta : undefined;
  } catch {
    return undefined;
  }
}

function describe(e: unknown): string {
  if (e instanceof GateError) return e.message;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (e instanceof Error && e.name === "TimeoutError") return "timed out";
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/** Stream the body to `target`, refusing more than `maxBytes`; returns the size and SHA-256. */
async function saveBody(response: Response, target: string, maxBytes: number, url: string) {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new GateError(`${url} is ${declared} bytes, over the limit of ${maxBytes}`);
  }
  const hash = createHash("sha256");
  const file = await open(target, "w");
  let bytes = 0;
  try {
    const reader = response.body?.getReader();
    if (!reader) throw new GateError(`${url} answered without a body`);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel();
        throw new GateError(`${url} sent more than ${maxBytes} bytes, over the limit`);
      }
      hash.update(value);
      await file.write(value);
    }
  } finally {
    await file.close();
  }
  return { bytes, sha256: hash.digest("hex") };
}

async function fetchOne(
  url: string,
  options: Required<Omit<FetchOsvOptions, "urls" | "log">> & { log?: (line: string) => void },
  warnings: string[],
): Promise<FetchedOsvFile> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GateError(`OSV database URL ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new GateError(`OSV database URL ${url} must use http or https`);
  }
  const slug = slugOf(url);
  const zipPath = join(options.cacheDir, `${slug}.zip`);
  const metaPath = join(options.cacheDir, `${slug}.json`);
  const meta = await readMeta(metaPath);
  const cached = meta !== undefined && (await stat(zipPath).catch(() => undefined))?.isFile() === true;
  const now = options.now();
  const age = meta ? now - Date.parse(meta.fetchedAt) : Number.POSITIVE_INFINITY;
  if (cached && meta && age >= 0 && age < options.maxAgeMs) {
    options.log?.(`OSV database ${url}: cached ${Math.round(age / 60000)} min ago, reused`);
    return {
      url,
      path: zipPath,
      fetchedAt: meta.fetchedAt,
      fromCache: true,
      stale: false,
      bytes: meta.bytes,
    };
  }

  const headers: Record<string, string> = {};
  if (cached && meta?.etag) headers["if-none-match"] = meta.etag;
  if (cached && meta?.lastModified) headers["if-modified-since"] = meta.lastModified;
  const partial = `${zipPath}.${process.pid}.part`;
  try {
    const response = await options.fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
    if (response.status === 304 && cached && meta) {
      await response.body?.cancel();
      const refreshed = { ...meta, fetchedAt: new Date(now).toISOString() };
      await writeFile(metaPath, JSON.stringify(refreshed));
      options.log?.(`OSV database ${url}: not modified since ${meta.fetchedAt}, cache refreshed`);
      return {
        url,
        path: zipPath,
        fetchedAt: refreshed.fetchedAt,
        fromCache: true,
        stale: false,
        bytes: meta.bytes,
      };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new GateError(
        `${url} answered HTTP ${response.status}${response.status === 429 ? " (rate limited)" : ""}`,
      );
    }
    const saved = await saveBody(response, partial, options.maxBytes, url);
    if (!looksLikeZip(partial)) throw new GateError(`${url} did not send a zip archive`);
    await rename(partial, zipPath);
    const fresh: CacheMeta = {
      url,
      fetchedAt: new Date(now).toISOString(),
      bytes: saved.bytes,
      sha256: saved.sha256,
      ...(response.headers.get("etag") ? { etag: response.headers.get("etag") as string } : {}),
      ...(response.headers.get("last-modified")
        ? { lastModified: response.headers.get("last-modified") as string }
        : {}),
    };
    await writeFile(metaPath, JSON.stringify(fresh));
    options.log?.(`OSV database ${url}: downloaded ${saved.bytes} bytes`);
    return {
      url,
      path: zipPath,
      fetchedAt: fresh.fetchedAt,
      fromCache: false,
      stale: false,
      bytes: saved.bytes,
    };
  } catch (e) {
    await rm(partial, { force: true });
    const why = describe(e);
    if (cached && meta) {
      const days = (age / 86_400_000).toFixed(1);
      const warning = `could not refresh the OSV database from ${url} (${why}); using the cached copy from ${meta.fetchedAt} (${days} days old)`;
      warnings.push(warning);
      options.log?.(warning);
      return {
        url,
        path: zipPath,
        fetchedAt: meta.fetchedAt,
        fromCache: true,
        stale: true,
        bytes: meta.bytes,
      };
    }
    throw new GateError(`could not download the OSV database from ${url}: ${why}`, {
      hint: "check the URL and the network, or pass a local copy with --osv-db; in workflows, cache the directory with actions/cache so a failing mirror does not stop the gate",
      cause: e,
    });
  }
}

/** Files of the cache: databases, their metadata, their indexes (see name-index.ts), partial downloads. */
const CACHE_FILE = /\.(zip|json|osv-index|part)$/;

/** Remove the oldest cache files of other URLs until the directory fits in `maxBytes`. */
async function pruneCache(
  dir: string,
  keep: ReadonlySet<string>,
  maxBytes: number,
  log?: (line: string) => void,
) {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = await Promise.all(
    names
      .filter((n) => CACHE_FILE.test(n))
      .map(async (n) => ({ path: join(dir, n), info: await stat(join(dir, n)).catch(() => undefined) })),
  );
  let total = files.reduce((sum, f) => sum + (f.info?.size ?? 0), 0);
  // A database, its metadata file and its index go together: removing the zip or the metadata without
  // the other leaves a copy that can be neither used nor revalidated, and an index alone is dead weight.
  const stemOf = (path: string) => path.replace(CACHE_FILE, "");
  const groups = new Map<string, { paths: string[]; bytes: number; oldest: number }>();
  for (const f of files) {
    if (!f.info || keep.has(stemOf(f.path))) continue;
    const group = groups.get(stemOf(f.path)) ?? { paths: [], bytes: 0, oldest: Number.POSITIVE_INFINITY };
    group.paths.push(f.path);
    group.bytes += f.info.size;
    group.oldest = Math.min(group.oldest, f.info.mtimeMs);
    groups.set(stemOf(f.path), group);
  }
  for (const group of [...groups.values()].sort((a, b) => a.oldest - b.oldest)) {
    if (total <= maxBytes) break;
    for (const path of group.paths) {
      await rm(path, { force: true });
      log?.(`OSV cache: removed ${path} to stay under ${maxBytes} bytes`);
    }
    total -= group.bytes;
  }
}

/** Bring every URL's database into the cache directory (downloading only what is missing or too old). */
export async function fetchOsvDatabase(options: FetchOsvOptions): Promise<FetchedOsvDatabase> {
  if (options.urls.length === 0) throw new GateError("no OSV database URL to download");
  await mkdir(options.cacheDir, { recursive: true });
  const settings = {
    cacheDir: options.cacheDir,
    maxAgeMs: options.maxAgeMs ?? DEFAULT_OSV_CACHE_MAX_AGE_MS,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxCacheBytes: options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
    ...(options.log ? { log: options.log } : {}),
  };
  const warnings: string[] = [];
  const files: FetchedOsvFile[] = [];
  // One at a time: the zips are large and the runner's bandwidth is shared anyway.
  for (const url of options.urls) files.push(await fetchOne(url, settings, warnings));
  const keep = new Set(options.urls.map((u) => join(options.cacheDir, slugOf(u))));
  await pruneCache(options.cacheDir, keep, settings.maxCacheBytes, options.log);
  return { files, warnings };
}
