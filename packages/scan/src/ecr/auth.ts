import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { GateError } from "@mlgate/core";
import { type EcrClientLike, ecrError } from "./client.js";

/**
 * Registry credentials for pulling from ECR over the OCI distribution API: `GetAuthorizationToken`
 * returns base64(`AWS:<password>`), valid for 12 hours. The password is a secret: mask it before logging.
 */
export async function ecrPullCredentials(
  client: EcrClientLike,
  registryId?: string,
): Promise<{ username: string; password: string; expiresAt?: string }> {
  let data: { authorizationToken?: string; expiresAt?: Date } | undefined;
  try {
    const out = await client.send(
      new GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {}),
    );
    data = out.authorizationData?.[0];
  } catch (e) {
    throw ecrError("GetAuthorizationToken", registryId ?? "the default registry", e);
  }
  const decoded = data?.authorizationToken
    ? Buffer.from(data.authorizationToken, "base64").toString("utf8")
    : "";
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw new GateError("ECR GetAuthorizationToken returned no usable token");
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    ...(data?.expiresAt ? { expiresAt: data.expiresAt.toISOString() } : {}),
  };
}
