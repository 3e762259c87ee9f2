import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { GateError } from "@mlgate/core";
import { isDigest } from "./digest.js";

export interface RegistryReference {
  /** Host (and port) the API is served from: `registry:5000`, `registry-1.docker.io`. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageLocator =
  | ({ kind: "registry" } & RegistryReference)
  | { kind: "oci-layout"; dir: string; tag?: string }
  | { kind: "archive"; path: string; format?: "docker-archive" | "oci-archive"; tag?: string };

const DOCKER_HUB = "registry-1.docker.io";
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Parse `[host[:port]/]repo/name[:tag][@digest]` the way the Docker CLI does: the first component is a
 * host when it has a dot or a port or is `localhost`; otherwise the image lives on Docker Hub.
 */
export function parseRegistryReference(text: string): RegistryReference {
  const fail = (why: string) =>
    new GateError(`"${text}" is not an image reference: ${why}`, {
      hint: "expected registry/repository:tag or registry/repository@sha256:<digest>, an OCI layout directory or an image tarball",
    });
  let rest = text.startsWith("docker://") ? text.slice("docker://".length) : text;
  let digest: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw fail(`"${digest}" is not a sha256 or sha512 digest`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw fail(`"${tag}" is not a valid tag`);
  }
  const parts = rest.split("/");
  let registry = DOCKER_HUB;
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first;
    parts.shift();
    if (!/^[A-Za-z0-9.-]+(?::[0-9]+)?$|^\[[0-9A-Fa-f:]+\](?::[0-9]+)?$/.test(registry)) {
      throw fail(`"${registry}" is not a host name`);
    }
  }
  if (registry === "docker.io" || registry === "index.docker.io") registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  for (const part of parts) {
    if (!COMPONENT.test(part))
      throw fail(`repository part "${part}" must be lowercase letters, digits and separators`);
  }
  const repository = parts.join("/");
  if (repository.length > 255) throw fail("the repository name is longer than 255 characters");
  const out: RegistryReference = { registry, repository };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  if (tag === undefined && digest === undefined) out.tag = "latest";
  return out;
}

export function formatRegistryReference(ref: RegistryReference): string {
  const host = ref.registry === DOCKER_HUB ? "docker.io" : ref.registry;
  return `${host}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

async function kindOnDisk(path: string): Promise<"dir" | "file" | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? "dir" : info.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}

/** `PATH[:suffix]` where PATH may itself contain colons: the longest existing prefix wins. */
async function splitPathAndTag(rest: string): Promise<{ path: string; tag?: string }> {
  if (await kindOnDisk(rest)) return { path: rest };
  for (let i = rest.indexOf(":"); i >= 0; i = rest.indexOf(":", i + 1)) {
    const path = rest.slice(0, i);
    if (path && (await kindOnDisk(path))) return { path, tag: rest.slice(i + 1) };
  }
  const last = rest.lastIndexOf(":");
  return last > 0 ? { path: rest.slice(0, last), tag: rest.slice(last + 1) } : { path: rest };
}

function looksLikePath(text: string): boolean {
  return /^(?:\/|\.\.?\/|~)/.test(text) || /\.(?:tar|tar\.gz|tgz)$/.test(text);
}

/** Decide what a user's image argument names: a registry image, an OCI layout or an image tarball. */
export async function locateImage(text: string): Promise<ImageLocator> {
  if (!text.trim())
    throw new GateError("no image given", { hint: "pass a registry reference, an OCI layout or a tarball" });
  const prefixed = /^(oci|oci-archive|docker-archive):(.+)$/.exec(text);
  if (prefixed) {
    const [, scheme, rest] = prefixed;
    const { path, tag } = await splitPathAndTag(rest!);
    const absolute = resolve(path);
    const onDisk = await kindOnDisk(absolute);
    if (scheme === "oci") {
      if (onDisk !== "dir") throw notFound(text, path, "an OCI layout directory");
      return { kind: "oci-layout", dir: absolute, ...(tag ? { tag } : {}) };
    }
    if (onDisk !== "file") throw notFound(text, path, "an image tarball");
    return {
      kind: "archive",
      path: absolute,
      format: scheme as "oci-archive" | "docker-archive",
      ...(tag ? { tag } : {}),
    };
  }
  if (!text.startsWith("docker://")) {
    const onDisk = await kindOnDisk(text);
    if (onDisk === "dir") return { kind: "oci-layout", dir: resolve(text) };
    if (onDisk === "file") return { kind: "archive", path: resolve(text) };
    if (looksLikePath(text)) throw notFound(text, text, "an OCI layout directory or image tarball");
  }
  return { kind: "registry", ...parseRegistryReference(text) };
}

function notFound(text: string, path: string, expected: string): GateError {
  return new GateError(`image "${text}": ${path} is not ${expected}`, {
    hint: "check the path; registry images are written registry/repository:tag",
    location: { file: path },
  });
}
