import { openArchiveImage } from "./archive-source.js";
import { openLayoutImage } from "./layout-source.js";
import { resolveImageLimits } from "./limits.js";
import { locateImage } from "./reference.js";
import { openRegistryImage } from "./registry/source.js";
import type { ImageSource, OpenImageOptions } from "./types.js";

/**
 * Open an image without a container daemon: a registry reference (`registry:5000/team/model:1.2`,
 * `…@sha256:…`), an OCI layout directory (`oci:DIR[:tag]` or a path), or a `docker save` / OCI archive
 * tarball (`docker-archive:`/`oci-archive:` prefixes or a path). Manifest and config are read and checked
 * now; layers are streamed later, one at a time, through `readLayer`.
 */
export async function openImage(ref: string, options: OpenImageOptions = {}): Promise<ImageSource> {
  const limits = resolveImageLimits(options.limits);
  const common = {
    limits,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
  const located = await locateImage(ref);
  switch (located.kind) {
    case "oci-layout":
      return openLayoutImage(located.dir, { ...common, ...(located.tag ? { tag: located.tag } : {}) });
    case "archive":
      return openArchiveImage(located.path, {
        ...common,
        ...(located.format ? { format: located.format } : {}),
        ...(located.tag ? { tag: located.tag } : {}),
      });
    case "registry":
      return openRegistryImage(located, {
        ...common,
        ...(options.auth ? { auth: options.auth } : {}),
        ...(options.insecureHttp ? { insecureHttp: true } : {}),
      });
  }
}
