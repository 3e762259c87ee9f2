import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, type OpenImageOptions, openImage } from "../../src/image-index.js";
import { buildKitchenSinkImage, EXPECTED_MODELS, EXPECTED_PACKAGES } from "../fixtures/images/build.js";
import { modelFacts, packageFacts } from "../fixtures/images/expect.js";
import { type WrittenLayout, writeMultiPlatformLayout } from "../fixtures/images/oci-writer.js";
import { type RunningRegistry, startRegistry } from "../fixtures/images/registry.js";
import { missingTools, skopeoCopy } from "../fixtures/images/tools.js";

const skip = missingTools("registry", "skopeo");
const skipAuth = missingTools("registry", "skopeo", "htpasswd");

let root: string;
let layout: WrittenLayout;
let multi: Awaited<ReturnType<typeof writeMultiPlatformLayout>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "registry-test-"));
  layout = await buildKitchenSinkImage(join(root, "layout"));
  multi = await writeMultiPlatformLayout(join(root, "multi"), [
    { platform: { os: "linux", architecture: "amd64" }, layers: [[{ path: "etc/arch", content: "amd64" }]] },
    {
      platform: { os: "linux", architecture: "arm64", variant: "v8" },
      layers: [[{ path: "etc/arch", content: "arm64" }]],
    },
  ]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function scan(ref: string, options: OpenImageOptions) {
  const image = await openImage(ref, options);
  try {
    return { image, inventory: await buildInventory(image) };
  } finally {
    await image.close();
  }
}

async function readText(ref: string, options: OpenImageOptions, path: string): Promise<string> {
  const image = await openImage(ref, options);
  let text = "";
  for (let i = 0; i < image.layers.length; i++) {
    for await (const entry of image.readLayer(i)) {
      if (entry.path !== path) continue;
      for await (const chunk of entry.content()) text += chunk.toString();
    }
  }
  await image.close();
  return text;
}

describe.skipIf(skip)(
  `a real docker-registry without authentication${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startRegistry();
      await skopeoCopy(layout.ref, `docker://${registry.host}/team/model-server:1.2`, [
        "--dest-tls-verify=false",
      ]);
      await skopeoCopy(multi.ref, `docker://${registry.host}/team/multi:1`, [
        "--dest-tls-verify=false",
        "--all",
      ]);
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it("scans an image pulled by tag and by digest to the expected inventory", async () => {
      const byTag = await scan(`${registry.host}/team/model-server:1.2`, { insecureHttp: true });
      expect(byTag.image.kind).toBe("registry");
      expect(byTag.image.digest).toBe(layout.manifestDigest);
      expect(byTag.image.repository).toBe("team/model-server");
      expect(packageFacts(byTag.inventory, byTag.image)).toEqual(EXPECTED_PACKAGES);
      expect(modelFacts(byTag.inventory, byTag.image)).toEqual(EXPECTED_MODELS);
      const byDigest = await scan(`${registry.host}/team/model-server@${layout.manifestDigest}`, {
        insecureHttp: true,
      });
      expect(packageFacts(byDigest.inventory, byDigest.image)).toEqual(EXPECTED_PACKAGES);
    });

    it("picks a platform from a pushed multi-platform index", async () => {
      const ref = `${registry.host}/team/multi:1`;
      expect(await readText(ref, { insecureHttp: true }, "etc/arch")).toBe("amd64");
      expect(await readText(ref, { insecureHttp: true, platform: "linux/arm64" }, "etc/arch")).toBe("arm64");
      const image = await openImage(ref, { insecureHttp: true, platform: "linux/arm64/v8" });
      expect(image.indexDigest).toBe(multi.indexDigest);
      expect(image.digest).toBe(multi.images[1]!.manifestDigest);
      await image.close();
    });

    it("says what is missing: an unknown tag, an unknown repository", async () => {
      await expect(
        openImage(`${registry.host}/team/model-server:9.9`, { insecureHttp: true }),
      ).rejects.toThrow(/manifest team\/model-server:9\.9: not found on 127\.0\.0\.1:\d+: MANIFEST_UNKNOWN/);
      await expect(openImage(`${registry.host}/team/nothing:1`, { insecureHttp: true })).rejects.toThrow(
        /manifest team\/nothing:1: not found on 127\.0\.0\.1:\d+/,
      );
    });

    it("tells a user who forgot that the registry speaks plain HTTP", async () => {
      const error = await openImage(`${registry.host}/team/model-server:1.2`, {
        limits: { requestTimeoutMs: 5000 },
      }).catch((e) => e);
      expect(error.message).toMatch(/cannot reach https:\/\/127\.0\.0\.1:\d+: ERR_SSL_WRONG_VERSION_NUMBER/);
      expect(error.hint).toMatch(/does not speak TLS on this port: allow plain HTTP/);
    });
  },
);

describe.skipIf(skipAuth)(
  `a real docker-registry with htpasswd authentication${skipAuth ? ` (skipped: ${skipAuth})` : ""}`,
  () => {
    let registry: RunningRegistry;
    const credentials = { username: "ci", password: "s3cret-Pa55" };
    beforeAll(async () => {
      registry = await startRegistry({ htpasswd: credentials });
      await skopeoCopy(layout.ref, `docker://${registry.host}/team/model-server:1.2`, [
        "--dest-tls-verify=false",
        "--dest-creds",
        `${credentials.username}:${credentials.password}`,
      ]);
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it("scans with basic credentials", async () => {
      const { image, inventory } = await scan(`${registry.host}/team/model-server:1.2`, {
        insecureHttp: true,
        auth: credentials,
      });
      expect(packageFacts(inventory, image)).toEqual(EXPECTED_PACKAGES);
    });

    it("refuses anonymous access and a wrong password with a line that says which", async () => {
      await expect(
        openImage(`${registry.host}/team/model-server:1.2`, { insecureHttp: true }),
      ).rejects.toThrow(/refused anonymous access \(401 Unauthorized\)/);
      await expect(
        openImage(`${registry.host}/team/model-server:1.2`, {
          insecureHttp: true,
          auth: { username: "ci", password: "wrong" },
        }),
      ).rejects.toThrow(/refused the credentials for ci \(401 Unauthorized\)/);
    });
  },
);
