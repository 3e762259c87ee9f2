import { ECRClient, type ECRClientConfig } from "@aws-sdk/client-ecr";
import { GateError } from "@mlgate/core";

/** Just what the gate needs of an ECR client: `send` (the real SDK client, or a test's). */
export type EcrClientLike = Pick<ECRClient, "send">;

export interface EcrClientSettings {
  region?: string;
  /** A different endpoint (a VPC endpoint, or a test server). */
  endpoint?: string;
  credentials?: ECRClientConfig["credentials"];
  maxAttempts?: number;
}

/** An ECR client; credentials come from the usual AWS chain (environment, profile, web identity) unless given. */
export function createEcrClient(settings: EcrClientSettings = {}): ECRClient {
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new GateError("no AWS region for ECR", {
      hint: "use the long form ecr://ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG, pass the region, or set AWS_REGION (aws-actions/configure-aws-credentials does)",
    });
  }
  return new ECRClient({
    region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
  });
}

/** The error name the SDK gives (`LimitExceededException`), or undefined for non-service errors. */
export function awsErrorName(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const name = (e as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

const HINTS: Record<string, string> = {
  CredentialsProviderError:
    "configure AWS credentials (aws-actions/configure-aws-credentials with role-to-assume, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
  AccessDeniedException:
    "grant the role ecr:DescribeImages, ecr:DescribeImageScanFindings, ecr:StartImageScan, ecr:GetRegistryScanningConfiguration (and inspector2:ListFindings for enhanced scanning)",
  UnrecognizedClientException: "the AWS credentials are not valid for this account or region",
  ExpiredTokenException: "the AWS session expired; refresh the credentials",
  RepositoryNotFoundException: "check the repository name and the registry (account and region)",
  ImageNotFoundException: "check the tag or digest; push the image first",
  ThrottlingException: "ECR is throttling requests; retry later",
};

/** Turn an SDK failure into a GateError naming the call, the AWS error and what to do. */
export function ecrError(call: string, image: string, e: unknown): GateError {
  const name = awsErrorName(e) ?? "Error";
  const message = e instanceof Error ? e.message.split("\n", 1)[0] : String(e);
  return new GateError(`ECR ${call} for ${image} failed: ${name}: ${message}`, {
    ...(HINTS[name] ? { hint: HINTS[name] } : {}),
    cause: e,
  });
}
