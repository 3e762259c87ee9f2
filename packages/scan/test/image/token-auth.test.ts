import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RegistryClient } from "../../src/image/registry/client.js";
import { buildInventory, openImage, resolveImageLimits } from "../../src/image-index.js";
import { buildKitchenSinkImage, EXPECTED_PACKAGES } from "../fixtures/images/build.js";
import { packageFacts } from "../fixtures/images/expect.js";
import type { WrittenLayout } from "../fixtures/images/oci-writer.js";
import {
  startTokenRegistry,
  type TokenRegistry,
  type TokenRegistryOptions,
} from "../fixtures/images/token-registry.js";

let root: string;
let layout: WrittenLayout;
let registry: TokenRegistry | undefined;
const credentials = { username: "robot", password: "pull-only" };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "token-"));
  layout = await buildKitchenSinkImage(join(root, "layout"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(async () => {
  await registry?.stop();
  registry = undefined;
});

async function start(options: Partial<TokenRegistryOptions> = {}): Promise<TokenRegistry> {
  registry = await startTokenRegistry({
    layoutDir: layout.layoutDir,
    repository: "team/model-server",
    ...credentials,
    ...options,
  });
  return registry;
}

describe("bearer token registries", () => {
  it("exchanges basic credentials for a token, and never sends them to the blob store it is redirected to", async () => {
    const server = await start();
    const image = await openImage(`${server.host}/team/model-server:1.2`, {
      insecureHttp: true,
      auth: credentials,
    });
    const inventory = await buildInventory(image);
    await image.close();
    expect(packageFacts(inventory, image)).toEqual(EXPECTED_PACKAGES);
    expect(image.digest).toBe(layout.manifestDigest);
    expect(server.tokensIssued).toBe(1);
    // Config plus three layers, all fetched from the other origin without the registry's Authorization header.
    expect(server.blobDownloads).toBe(4);
    expect(server.leakedAuthorization).toBe(0);
  });

  it("renews a token that expires during the scan", async () => {
    const server = await start({ tokenUses: 2 });
    const image = await openImage(`${server.host}/team/model-server:1.2`, {
      insecureHttp: true,
      auth: credentials,
    });
    const inventory = await buildInventory(image);
    await image.close();
    expect(inventory.packages).toHaveLength(EXPECTED_PACKAGES.length);
    expect(server.tokensIssued).toBeGreaterThan(1);
  });

  it("says the token service refused the credentials", async () => {
    const server = await start();
    await expect(
      openImage(`${server.host}/team/model-server:1.2`, {
        insecureHttp: true,
        auth: { username: "robot", password: "nope" },
      }),
    ).rejects.toThrow(/the token service 127\.0\.0\.1:\d+ refused the credentials for robot \(401\)/);
    await expect(openImage(`${server.host}/team/model-server:1.2`, { insecureHttp: true })).rejects.toThrow(
      /refused anonymous access/,
    );
  });

  it("uses a token given as it is, and says so when it is refused", async () => {
    const server = await start();
    await expect(
      openImage(`${server.host}/team/model-server:1.2`, {
        insecureHttp: true,
        auth: { token: "not-a-token" },
      }),
    ).rejects.toThrow(/refused the token \(401 Unauthorized\)/);
  });

  it("refuses a blob whose bytes do not match its digest", async () => {
    const server = await start({ corrupt: new Set([layout.layers[1]!.digest]) });
    const image = await openImage(`${server.host}/team/model-server:1.2`, {
      insecureHttp: true,
      auth: credentials,
    });
    await expect(buildInventory(image)).rejects.toThrow(
      /layer 2\/3 \(sha256:[0-9a-f]{12}\) of .* does not match its digest/,
    );
    await image.close();
  });

  it("reports rate limiting after retrying, with the wait the registry asks for", async () => {
    const server = await start({ manifestStatus: 429 });
    const client = new RegistryClient(
      { registry: server.host, repository: "team/model-server", tag: "1.2" },
      { insecureHttp: true, auth: credentials, limits: resolveImageLimits({}), retryDelaysMs: [10, 10] },
    );
    const error = (await client.getManifest("1.2", 1024 * 1024).then(
      () => undefined,
      (e: unknown) => e,
    )) as (Error & { hint?: string }) | undefined;
    await client.close();
    expect(error?.message).toMatch(/is rate limiting \(429\): TOOMANYREQUESTS: slow down/);
    expect(error?.hint).toMatch(/it asks for 30 s/);
  });
});
