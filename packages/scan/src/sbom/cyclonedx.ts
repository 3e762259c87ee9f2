import { randomUUID } from "node:crypto";
import { Enums, Models, Serialize, Spec } from "@cyclonedx/cyclonedx-library";
import type { ImageSource } from "../image/types.js";
import { formatPurl } from "../inventory/purl.js";
import type { Inventory, ModelFile, Package } from "../inventory/types.js";

/** What the SBOM says about the image itself; an open ImageSource has all of it. */
export type SbomImage = Pick<ImageSource, "reference" | "digest"> &
  Partial<Pick<ImageSource, "repository" | "registry" | "tag" | "platform" | "configDigest" | "config">>;

export interface CycloneDxOptions {
  specVersion?: "1.5" | "1.6";
  /** Fixed values make the document reproducible (tests, baselines); defaults are now and a random UUID. */
  timestamp?: Date;
  serialNumber?: string;
  toolVersion?: string;
}

const PROPERTY = {
  layer: "mlgate:layer:digest",
  path: "mlgate:path",
  evidence: "mlgate:evidence",
  sourceName: "mlgate:package:source-name",
  sourceVersion: "mlgate:package:source-version",
  distroRelease: "mlgate:package:distro-release",
  ecosystem: "mlgate:package:ecosystem",
  modelFormat: "mlgate:model:format",
  containsPickle: "mlgate:model:contains-pickle",
  size: "mlgate:size",
  platform: "mlgate:image:platform",
  config: "mlgate:image:config-digest",
  reference: "mlgate:image:reference",
};

function properties(entries: [string, string | undefined][]): Models.PropertyRepository {
  const out = new Models.PropertyRepository();
  for (const [name, value] of entries)
    if (value !== undefined && value !== "") out.add(new Models.Property(name, value));
  return out;
}

/**
 * `pkg:oci/name@sha256:…?repository_url=registry/repo&tag=…` as the purl spec writes container images;
 * an image known only by a path (a layout, a tarball without tags) gets none.
 */
function imagePurl(image: SbomImage): string | undefined {
  const repository = image.repository;
  if (!repository || !image.digest.startsWith("sha256:")) return undefined;
  return formatPurl({
    type: "oci",
    name: repository.slice(repository.lastIndexOf("/") + 1),
    version: image.digest,
    qualifiers: {
      repository_url: image.registry ? `${image.registry}/${repository}` : repository,
      tag: image.tag,
      arch: image.config?.architecture,
    },
  });
}

function packageComponent(p: Package, index: number): Models.Component {
  const scoped = p.ecosystem === "npm" && p.name.startsWith("@") ? p.name.split("/") : undefined;
  return new Models.Component(Enums.ComponentType.Library, scoped ? scoped.slice(1).join("/") : p.name, {
    bomRef: `pkg-${index + 1}:${p.purl}`,
    version: p.version,
    purl: p.purl,
    ...(scoped ? { group: scoped[0]! } : {}),
    properties: properties([
      [PROPERTY.ecosystem, p.ecosystem],
      [PROPERTY.layer, p.layer],
      [PROPERTY.path, p.path],
      [PROPERTY.evidence, p.evidence],
      [PROPERTY.sourceName, p.sourceName],
      [PROPERTY.sourceVersion, p.sourceVersion],
      [PROPERTY.distroRelease, p.distroRelease],
    ]),
  });
}

function modelComponent(m: ModelFile, index: number): Models.Component {
  const hashes = new Models.HashDictionary();
  hashes.set(Enums.HashAlgorithm["SHA-256"], m.sha256);
  return new Models.Component(
    Enums.ComponentType.MachineLearningModel,
    m.path.slice(m.path.lastIndexOf("/") + 1),
    {
      bomRef: `model-${index + 1}:${m.path}`,
      hashes,
      properties: properties([
        [PROPERTY.path, m.path],
        [PROPERTY.layer, m.layer],
        [PROPERTY.modelFormat, m.format],
        [PROPERTY.containsPickle, String(m.containsPickle)],
        [PROPERTY.size, String(m.size)],
      ]),
    },
  );
}

/**
 * The inventory as a CycloneDX JSON document (1.6 by default, 1.5 on request): the image is
 * `metadata.component`, every package a library component with its purl and the layer that brought it,
 * every model file a `machine-learning-model` component with its SHA-256.
 */
export function toCycloneDx(
  inventory: Inventory,
  image: SbomImage,
  options: CycloneDxOptions = {},
): Record<string, unknown> {
  const spec = options.specVersion === "1.5" ? Spec.Spec1dot5 : Spec.Spec1dot6;
  const purl = imagePurl(image);
  const imageComponent = new Models.Component(
    Enums.ComponentType.Container,
    image.repository ?? image.reference,
    {
      bomRef: "image",
      version: image.digest,
      ...(purl ? { purl } : {}),
      properties: properties([
        [PROPERTY.reference, image.reference],
        [PROPERTY.platform, image.platform],
        [PROPERTY.config, image.configDigest],
      ]),
    },
  );
  const tool = new Models.Component(Enums.ComponentType.Application, "mlgate scan-image", {
    ...(options.toolVersion ? { version: options.toolVersion } : {}),
  });
  const bom = new Models.Bom({
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
    metadata: new Models.Metadata({
      timestamp: options.timestamp ?? new Date(),
      component: imageComponent,
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
    }),
  });
  if (inventory.os) {
    bom.components.add(
      new Models.Component(Enums.ComponentType.OperatingSystem, inventory.os.id, {
        bomRef: "os",
        ...(inventory.os.versionId ? { version: inventory.os.versionId } : {}),
        ...(inventory.os.prettyName ? { description: inventory.os.prettyName } : {}),
      }),
    );
  }
  inventory.packages.forEach((p, i) => {
    bom.components.add(packageComponent(p, i));
  });
  inventory.modelFiles.forEach((m, i) => {
    bom.components.add(modelComponent(m, i));
  });
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec));
  return JSON.parse(serializer.serialize(bom, { sortLists: true })) as Record<string, unknown>;
}
