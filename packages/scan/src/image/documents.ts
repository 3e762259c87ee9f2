import { GateError, parseJsonText } from "@mlgate/core";
import { z } from "zod";
import { isDigest } from "./digest.js";
import { MEDIA } from "./media-types.js";

const digestString = z.string().refine(isDigest, { message: "expected sha256:<hex> or sha512:<hex>" });
const stringMap = z.record(z.string(), z.string());

const platformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  "os.version": z.string().optional(),
});

const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest: digestString,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: stringMap.optional(),
  platform: platformSchema.optional(),
});

const indexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: stringMap.optional(),
});

const manifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: stringMap.optional(),
});

// Docker writes `null` for empty lists and maps; both spellings mean "none".
const nullableStrings = z.array(z.string()).nullable().optional();

const configSchema = z.looseObject({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  created: z.string().optional(),
  config: z
    .looseObject({
      Labels: stringMap.nullable().optional(),
      Env: nullableStrings,
      Entrypoint: nullableStrings,
      Cmd: nullableStrings,
      User: z.string().optional(),
      WorkingDir: z.string().optional(),
    })
    .nullable()
    .optional(),
  rootfs: z.looseObject({ type: z.string(), diff_ids: z.array(digestString) }),
  history: z
    .array(
      z.looseObject({
        created: z.string().optional(),
        created_by: z.string().optional(),
        comment: z.string().optional(),
        author: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .nullable()
    .optional(),
});

/** `manifest.json` of a `docker save` tarball. */
const dockerArchiveManifestSchema = z.array(
  z.looseObject({
    Config: z.string(),
    RepoTags: z.array(z.string()).nullable().optional(),
    Layers: z.array(z.string()),
  }),
);

export type Descriptor = z.infer<typeof descriptorSchema>;
export type Platform = z.infer<typeof platformSchema>;
export type ImageIndexDocument = z.infer<typeof indexSchema>;
export type ImageManifestDocument = z.infer<typeof manifestSchema>;
export type ImageConfigDocument = z.infer<typeof configSchema>;
export type DockerArchiveManifest = z.infer<typeof dockerArchiveManifestSchema>;

export type ManifestDocument =
  | { kind: "index"; mediaType: string; document: ImageIndexDocument }
  | { kind: "manifest"; mediaType: string; document: ImageManifestDocument };

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string, expected: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    const at = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `${at}: ${issue.message}`;
  });
  throw new GateError(`${what} is not ${expected}: ${problems.join("; ")}`, {
    hint: "the image was written by a tool this reader does not understand, or is damaged",
  });
}

function parseJsonBytes(bytes: Uint8Array, what: string): unknown {
  return parseJsonText(Buffer.from(bytes).toString("utf8"), what, what);
}

/**
 * Decide whether bytes hold an index or an image manifest. The media type comes from the descriptor or
 * the HTTP response; older documents omit it in the body, so the shape decides when nothing else does.
 */
export function parseManifestDocument(
  bytes: Uint8Array,
  declaredMediaType: string | undefined,
  what: string,
) {
  const value = parseJsonBytes(bytes, what);
  const record = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const inBody = typeof record.mediaType === "string" ? record.mediaType : undefined;
  const mediaType = inBody ?? declaredMediaType ?? "";
  if (
    mediaType === MEDIA.dockerSchema1 ||
    mediaType === MEDIA.dockerSchema1Signed ||
    record.schemaVersion === 1
  ) {
    throw new GateError(`${what} is a Docker schema 1 manifest, which this reader does not support`, {
      hint: "schema 1 is deprecated; push the image again with a current Docker, buildah or skopeo",
    });
  }
  const isIndex =
    mediaType === MEDIA.ociIndex ||
    mediaType === MEDIA.dockerList ||
    (!mediaType && Array.isArray(record.manifests));
  if (isIndex) {
    const document = parseWith(indexSchema, value, what, "an image index");
    return { kind: "index", mediaType: mediaType || MEDIA.ociIndex, document } satisfies ManifestDocument;
  }
  const isManifest =
    mediaType === MEDIA.ociManifest ||
    mediaType === MEDIA.dockerManifest ||
    (!mediaType && "layers" in record);
  if (!isManifest) {
    throw new GateError(
      `${what} has media type "${mediaType}", which is neither an image manifest nor an index`,
      {
        hint: "point at a container image (an artifact such as a Helm chart or signature is not scanned)",
      },
    );
  }
  const document = parseWith(manifestSchema, value, what, "an image manifest");
  return { kind: "manifest", mediaType: mediaType || MEDIA.ociManifest, document } satisfies ManifestDocument;
}

export function parseImageConfig(bytes: Uint8Array, what: string): ImageConfigDocument {
  return parseWith(configSchema, parseJsonBytes(bytes, what), what, "an image config");
}

export function parseOciLayoutIndex(bytes: Uint8Array, what: string): ImageIndexDocument {
  return parseWith(indexSchema, parseJsonBytes(bytes, what), what, "an OCI image index");
}

export function parseDockerArchiveManifest(bytes: Uint8Array, what: string): DockerArchiveManifest {
  return parseWith(dockerArchiveManifestSchema, parseJsonBytes(bytes, what), what, "a docker save manifest");
}

/** The `oci-layout` marker file: `{"imageLayoutVersion": "1.0.0"}`. */
export function checkOciLayoutMarker(bytes: Uint8Array, what: string): void {
  const value = parseWith(
    z.looseObject({ imageLayoutVersion: z.string() }),
    parseJsonBytes(bytes, what),
    what,
    "an oci-layout marker",
  );
  if (!value.imageLayoutVersion.startsWith("1.")) {
    throw new GateError(`${what} declares layout version ${value.imageLayoutVersion}; this reader knows 1.x`);
  }
}
