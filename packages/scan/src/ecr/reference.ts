import { GateError } from "@mlgate/core";

/**
 * An image in Amazon ECR, as the gate is given it:
 *
 *   ecr://REPOSITORY[:TAG | @sha256:DIGEST]
 *   ecr://ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG | @sha256:DIGEST]
 *
 * The short form uses the default registry of the credentials and the region from the options or
 * AWS_REGION. Without a tag or digest the tag is `latest`.
 */
export interface EcrReference {
  /** The account id owning the registry; undefined = the caller's own. */
  registryId?: string;
  region?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,299}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isEcrReference(ref: string): boolean {
  return ref.startsWith("ecr://");
}

/** Whether a registry host is an ECR registry (its pulls need a token from GetAuthorizationToken). */
export function ecrRegistryOfHost(host: string): { registryId: string; region: string } | undefined {
  const m = HOST.exec(host);
  return m ? { registryId: m[1] as string, region: m[2] as string } : undefined;
}

export function parseEcrReference(ref: string): EcrReference {
  if (!isEcrReference(ref)) throw new GateError(`"${ref}" is not an ecr:// reference`);
  let rest = ref.slice("ecr://".length);
  const bad = (why: string): never => {
    throw new GateError(`ECR reference "${ref}": ${why}`, {
      hint: "write ecr://REPOSITORY:TAG or ecr://ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY@sha256:DIGEST",
    });
  };
  const out: Partial<EcrReference> = {};
  const slash = rest.indexOf("/");
  if (slash > 0 && rest.slice(0, slash).includes(".")) {
    const host = ecrRegistryOfHost(rest.slice(0, slash));
    if (!host)
      bad(`"${rest.slice(0, slash)}" is not an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com)`);
    out.registryId = host?.registryId;
    out.region = host?.region;
    rest = rest.slice(slash + 1);
  }
  const at = rest.indexOf("@");
  if (at >= 0) {
    out.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(out.digest)) bad(`"${out.digest}" is not a sha256 digest`);
  } else {
    const colon = rest.lastIndexOf(":");
    if (colon >= 0) {
      out.tag = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
      if (!TAG.test(out.tag)) bad(`"${out.tag}" is not a valid tag`);
    } else out.tag = "latest";
  }
  if (!REPOSITORY.test(rest) || rest.length > 256) bad(`"${rest}" is not a valid repository name`);
  return { ...out, repository: rest } as EcrReference;
}

export function formatEcrReference(ref: EcrReference): string {
  const host = ref.registryId && ref.region ? `${ref.registryId}.dkr.ecr.${ref.region}.amazonaws.com/` : "";
  return `ecr://${host}${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? "latest"}`}`;
}
