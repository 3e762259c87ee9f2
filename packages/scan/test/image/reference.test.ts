import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formatRegistryReference,
  locateImage,
  parseChallenges,
  parseRegistryReference,
} from "../../src/image-index.js";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("registry references", () => {
  it("parses hosts, ports, tags and digests as the Docker CLI does", () => {
    expect(parseRegistryReference("registry:5000/team/model-server:1.2")).toEqual({
      registry: "registry:5000",
      repository: "team/model-server",
      tag: "1.2",
    });
    expect(parseRegistryReference(`ghcr.io/org/app@${DIGEST}`)).toEqual({
      registry: "ghcr.io",
      repository: "org/app",
      digest: DIGEST,
    });
    expect(parseRegistryReference(`localhost/app:v1@${DIGEST}`)).toEqual({
      registry: "localhost",
      repository: "app",
      tag: "v1",
      digest: DIGEST,
    });
    expect(parseRegistryReference("ubuntu")).toEqual({
      registry: "registry-1.docker.io",
      repository: "library/ubuntu",
      tag: "latest",
    });
    expect(parseRegistryReference("docker.io/bitnami/redis:7")).toEqual({
      registry: "registry-1.docker.io",
      repository: "bitnami/redis",
      tag: "7",
    });
    expect(
      parseRegistryReference("123456789012.dkr.ecr.eu-west-1.amazonaws.com/models/serve:abc"),
    ).toMatchObject({
      registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      repository: "models/serve",
    });
    expect(parseRegistryReference("docker://127.0.0.1:5000/x:1")).toEqual({
      registry: "127.0.0.1:5000",
      repository: "x",
      tag: "1",
    });
  });

  it("writes references back in their usual form", () => {
    expect(formatRegistryReference(parseRegistryReference("ubuntu:22.04"))).toBe(
      "docker.io/library/ubuntu:22.04",
    );
    expect(formatRegistryReference(parseRegistryReference(`r:5000/a/b@${DIGEST}`))).toBe(
      `r:5000/a/b@${DIGEST}`,
    );
  });

  it("explains what is wrong with a bad reference", () => {
    const bad = ["Team/App:1", "app:bad tag", "app@sha256:abc", "r:5000/a//b", ""];
    for (const text of bad) {
      let error: unknown;
      try {
        parseRegistryReference(text);
      } catch (e) {
        error = e;
      }
      expect(isGateError(error), text).toBe(true);
      expect((error as Error).message).toContain("is not an image reference");
    }
  });
});

describe("locating an image argument", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "locate-"));
    await mkdir(join(dir, "layout"));
    await writeFile(join(dir, "image.tar"), "x");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("tells layouts, archives and registry references apart", async () => {
    expect(await locateImage(join(dir, "layout"))).toEqual({ kind: "oci-layout", dir: join(dir, "layout") });
    expect(await locateImage(`oci:${join(dir, "layout")}:v2`)).toEqual({
      kind: "oci-layout",
      dir: join(dir, "layout"),
      tag: "v2",
    });
    expect(await locateImage(join(dir, "image.tar"))).toEqual({
      kind: "archive",
      path: join(dir, "image.tar"),
    });
    expect(await locateImage(`docker-archive:${join(dir, "image.tar")}:app:1`)).toEqual({
      kind: "archive",
      path: join(dir, "image.tar"),
      format: "docker-archive",
      tag: "app:1",
    });
    expect(await locateImage("registry:5000/team/x:1")).toMatchObject({
      kind: "registry",
      registry: "registry:5000",
    });
  });

  it("says a missing path is missing instead of asking a registry", async () => {
    for (const text of [join(dir, "nope.tar"), "./nope", `oci:${join(dir, "nope")}`]) {
      await expect(locateImage(text)).rejects.toThrow(/is not (an OCI layout directory|an image tarball)/);
    }
  });
});

describe("authentication challenges", () => {
  it("reads bearer and basic challenges with quoted parameters", () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
      ),
    ).toEqual([
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/ubuntu:pull",
        },
      },
    ]);
    expect(parseChallenges('Basic realm="basic-realm"')).toEqual([
      { scheme: "basic", params: { realm: "basic-realm" } },
    ]);
    expect(parseChallenges('Bearer realm="a\\"b",error="insufficient_scope", Basic realm=x')).toEqual([
      { scheme: "bearer", params: { realm: 'a"b', error: "insufficient_scope" } },
      { scheme: "basic", params: { realm: "x" } },
    ]);
    expect(parseChallenges(undefined)).toEqual([]);
  });
});
