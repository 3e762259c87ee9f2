import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildInventory,
  type ImageSource,
  type Inventory,
  openImage,
  toCycloneDx,
} from "../../src/image-index.js";
import { buildKitchenSinkImage, EXPECTED_PACKAGES } from "../fixtures/images/build.js";

/** The CycloneDX JSON schemas shipped with the library, wired so their relative references resolve. */
function validatorFor(version: "1.5" | "1.6") {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("@cyclonedx/cyclonedx-library/package.json")), "res", "schema");
  const load = (name: string, id: string) => ({
    ...JSON.parse(readFileSync(join(dir, name), "utf8")),
    $id: id,
  });
  const base = "http://cyclonedx.org/schema/";
  const ajv = new Ajv({
    strict: false,
    validateSchema: false,
    inlineRefs: false,
    formats: { "idn-email": true, "iri-reference": true },
  });
  addFormats(ajv);
  ajv.addSchema(load("spdx.SNAPSHOT.schema.json", `${base}spdx.SNAPSHOT.schema.json`));
  ajv.addSchema(load("jsf-0.82.SNAPSHOT.schema.json", `${base}jsf-0.82.SNAPSHOT.schema.json`));
  ajv.addSchema(
    load("cryptography-defs.SNAPSHOT.schema.json", `${base}cryptography-defs.SNAPSHOT.schema.json`),
  );
  return ajv.compile(load(`bom-${version}.SNAPSHOT.schema.json`, `${base}bom-${version}.schema.json`));
}

let root: string;
let image: ImageSource;
let inventory: Inventory;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sbom-"));
  const layout = await buildKitchenSinkImage(join(root, "layout"));
  image = await openImage(layout.ref);
  inventory = await buildInventory(image);
});
afterAll(async () => {
  await image?.close();
  await rm(root, { recursive: true, force: true });
});

type Component = {
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  "bom-ref"?: string;
  hashes?: { alg: string; content: string }[];
  properties?: { name: string; value: string }[];
};
const property = (c: Component, name: string) => c.properties?.find((p) => p.name === name)?.value;

describe("CycloneDX SBOM", () => {
  for (const version of ["1.5", "1.6"] as const) {
    it(`is a valid CycloneDX ${version} document`, () => {
      const bom = toCycloneDx(inventory, image, { specVersion: version });
      const validate = validatorFor(version);
      expect(validate(bom), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(bom.specVersion).toBe(version);
      // The validator does reject what the schema forbids.
      const broken = structuredClone(bom) as { components: { type: string }[] };
      broken.components[0]!.type = "banana";
      expect(validate(broken)).toBe(false);
    });
  }

  it("describes the image as metadata.component, with its digest and an oci purl", () => {
    const bom = toCycloneDx(inventory, {
      ...image,
      repository: "team/model-server",
      registry: "registry:5000",
    });
    const component = (bom.metadata as { component: Component }).component;
    expect(component.type).toBe("container");
    expect(component.name).toBe("team/model-server");
    expect(component.version).toBe(image.digest);
    expect(component.purl).toBe(
      `pkg:oci/model-server@${image.digest}?arch=amd64&repository_url=registry:5000%2Fteam%2Fmodel-server&tag=1.2`,
    );
  });

  it("lists every package with its purl and the layer that introduced it", () => {
    const components = (toCycloneDx(inventory, image).components as Component[]).filter(
      (c) => c.type === "library",
    );
    const byPurl = new Map(components.map((c) => [c.purl, c]));
    expect([...byPurl.keys()].sort()).toEqual(EXPECTED_PACKAGES.map((p) => p.purl).sort());
    for (const expected of EXPECTED_PACKAGES) {
      const c = byPurl.get(expected.purl)!;
      expect(property(c, "mlgate:layer:digest")).toBe(image.layers[expected.layer]!.digest);
      expect(property(c, "mlgate:path")).toBe(expected.path);
      expect(property(c, "mlgate:package:source-name")).toBe(expected.sourceName);
    }
    expect(byPurl.get("pkg:npm/%40scope/pkg@1.0.0")).toMatchObject({ group: "@scope", name: "pkg" });
    expect(new Set(components.map((c) => c["bom-ref"])).size).toBe(components.length);
  });

  it("lists model files as machine-learning-model components with their SHA-256 and pickle flag", () => {
    const bom = toCycloneDx(inventory, image);
    const models = (bom.components as Component[]).filter((c) => c.type === "machine-learning-model");
    expect(models.map((m) => property(m, "mlgate:path")).sort()).toEqual(
      inventory.modelFiles.map((m) => m.path).sort(),
    );
    const pickle = models.find((m) => property(m, "mlgate:path") === "opt/models/model.pkl")!;
    expect(pickle.hashes).toEqual([
      {
        alg: "SHA-256",
        content: inventory.modelFiles.find((m) => m.path === "opt/models/model.pkl")!.sha256,
      },
    ]);
    expect(property(pickle, "mlgate:model:contains-pickle")).toBe("true");
    const os = (bom.components as Component[]).find((c) => c.type === "operating-system");
    expect(os).toMatchObject({ name: "debian", version: "12" });
  });

  it("is reproducible when the timestamp and serial number are fixed", () => {
    const fixed = {
      timestamp: new Date("2024-05-01T00:00:00Z"),
      serialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    };
    expect(JSON.stringify(toCycloneDx(inventory, image, fixed))).toBe(
      JSON.stringify(toCycloneDx(inventory, image, fixed)),
    );
    expect(toCycloneDx(inventory, image, fixed).serialNumber).toBe(fixed.serialNumber);
  });
});
