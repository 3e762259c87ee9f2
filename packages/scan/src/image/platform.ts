import { GateError } from "@mlgate/core";
import type { Descriptor } from "./documents.js";

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM = "linux/amd64";

/** Variants an architecture has when none is written (the OCI spec's defaults). */
const DEFAULT_VARIANT: Record<string, string> = { arm64: "v8", arm: "v7" };

export function parsePlatform(text: string): PlatformSpec {
  const parts = text.split("/");
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new GateError(`platform "${text}" is not os/arch or os/arch/variant`, {
      hint: "for example linux/amd64 or linux/arm64/v8",
    });
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: {
  os?: string;
  architecture?: string;
  variant?: string;
}): string | undefined {
  if (!platform.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

function variantOf(p: { architecture: string; variant?: string }): string | undefined {
  return p.variant ?? DEFAULT_VARIANT[p.architecture];
}

/** Attestations and signatures that buildx and cosign list next to the images. */
function isImageEntry(d: Descriptor): boolean {
  if (d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") return false;
  if (d.platform && (d.platform.os === "unknown" || d.platform.architecture === "unknown")) return false;
  return true;
}

/** Pick the manifest for one platform from an index's entries. */
export function selectPlatform(
  entries: readonly Descriptor[],
  wanted: PlatformSpec,
  what: string,
  explicit: boolean,
): Descriptor {
  const images = entries.filter(isImageEntry);
  const matching = images.filter(
    (d) =>
      d.platform?.os === wanted.os &&
      d.platform.architecture === wanted.architecture &&
      (wanted.variant === undefined || variantOf(d.platform) === variantOf(wanted)),
  );
  const preferred = matching.find((d) => d.platform && variantOf(d.platform) === variantOf(wanted));
  const chosen = preferred ?? matching[0];
  if (chosen) return chosen;
  // An index of one image without platform fields (a plain OCI layout) needs no choice.
  if (!explicit && images.length === 1 && !images[0]?.platform) return images[0]!;
  const available = images.map((d) => (d.platform ? formatPlatform(d.platform) : "(no platform)"));
  throw new GateError(
    `${what} has no image for ${formatPlatform(wanted)}; it holds ${available.join(", ") || "no images"}`,
    { hint: "choose one of the listed platforms (--platform)" },
  );
}
