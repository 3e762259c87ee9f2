import { GateError } from "@mlgate/core";
import type { Octokit } from "../octokit.js";
import { apiError, downloadRedirected } from "./download.js";
import type { BaselineLimits, ReleaseBaseline, RepoRef } from "./types.js";
import { DEFAULT_BASELINE_LIMITS, saveFiles, unpackZip } from "./unpack.js";

export interface ReleaseBaselineOptions extends RepoRef {
  /** The release's tag, e.g. `v1.4.0`. */
  tag: string;
  /** The asset: its exact name, or the name without `.zip`. */
  asset: string;
  /**
   * Other assets to fetch beside a single-file asset when the release has them (e.g. the baseline's
   * metadata file); an archive carries its own.
   */
  companions?: readonly string[];
  limits?: Partial<BaselineLimits>;
  /** Unpack here instead of a fresh temporary directory. */
  dir?: string;
}

interface Release {
  id: number;
  tag_name: string;
  name: string | null;
  html_url: string;
  created_at: string;
  published_at: string | null;
  target_commitish?: string;
}

interface Asset {
  id: number;
  name: string;
  size: number;
  state: string;
  created_at: string;
}

/** Companions are metadata, never more than this. */
const MAX_COMPANION_BYTES = 1024 * 1024;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * A baseline pinned to a release: download one of its assets through the releases API (a redirect
 * to blob storage, like artifacts), unpack it when it is a ZIP archive, and keep it as a file
 * otherwise, with the named companions beside it.
 */
export async function fetchReleaseBaseline(
  octokit: Octokit,
  options: ReleaseBaselineOptions,
): Promise<ReleaseBaseline> {
  const { owner, repo, tag } = options;
  const limits = { ...DEFAULT_BASELINE_LIMITS, ...options.limits };
  let release: Release;
  try {
    release = (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data as Release;
  } catch (e) {
    if ((e as { status?: unknown }).status === 404) {
      throw new GateError(`no release tagged "${tag}" in ${owner}/${repo}`, {
        hint: "check the tag; a draft release is not found by its tag",
      });
    }
    throw apiError(e, `could not read release ${tag} of ${owner}/${repo}`);
  }
  let assets: Asset[];
  try {
    assets = (await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
      owner,
      repo,
      release_id: release.id,
      per_page: 100,
    })) as Asset[];
  } catch (e) {
    throw apiError(e, `could not list the assets of release ${tag}`);
  }
  const uploaded = assets.filter((a) => a.state === "uploaded");
  const asset =
    uploaded.find((a) => a.name === options.asset) ?? uploaded.find((a) => a.name === `${options.asset}.zip`);
  if (!asset) {
    const names = uploaded.map((a) => JSON.stringify(a.name)).slice(0, 20);
    throw new GateError(`release ${tag} has no asset named "${options.asset}"`, {
      hint: names.length > 0 ? `its assets: ${names.join(", ")}` : "the release has no assets",
    });
  }
  const what = `asset "${asset.name}" of release ${tag}`;
  const download = (a: Asset, max: number, label: string) => {
    if (a.size > max) {
      throw new GateError(`${label} is ${a.size} bytes, over the download limit of ${max}`);
    }
    return downloadRedirected(
      octokit,
      "GET /repos/{owner}/{repo}/releases/assets/{asset_id}",
      { owner, repo, asset_id: a.id, headers: { accept: "application/octet-stream" } },
      max,
      label,
    );
  };
  const bytes = await download(asset, limits.maxDownloadBytes, what);
  const isZip = /\.zip$/i.test(asset.name) || ZIP_MAGIC.every((b, i) => bytes[i] === b);
  let fetched: { dir: string; files: string[] };
  if (isZip) {
    fetched = await unpackZip(bytes, options.dir, limits, what);
  } else {
    const files = [{ name: asset.name, bytes }];
    for (const name of options.companions ?? []) {
      const companion = uploaded.find((a) => a.name === name && a.id !== asset.id);
      if (!companion) continue;
      const label = `asset "${name}" of release ${tag}`;
      files.push({ name, bytes: await download(companion, MAX_COMPANION_BYTES, label) });
    }
    fetched = await saveFiles(files, options.dir, what);
  }
  return {
    source: "release",
    ...fetched,
    release: {
      id: release.id,
      tag: release.tag_name,
      ...(release.name ? { name: release.name } : {}),
      htmlUrl: release.html_url,
      createdAt: release.created_at,
      ...(release.published_at ? { publishedAt: release.published_at } : {}),
      ...(release.target_commitish ? { targetCommitish: release.target_commitish } : {}),
    },
    asset: { id: asset.id, name: asset.name, createdAt: asset.created_at, sizeInBytes: asset.size },
  };
}
