import { GateError } from "@mlgate/core";
import { z } from "zod";

/** Static keys, or a function that yields them (the SDK's credential provider shape). */
export type AwsCredentials =
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>);

/** Where and as whom to call AWS. Without credentials the SDK's default chain applies (environment, profile, web identity, instance role). */
export interface AwsConnection {
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION. */
  region?: string;
  /** A different endpoint: a VPC endpoint, a FIPS endpoint, or a test server. */
  endpoint?: string;
  credentials?: AwsCredentials;
  /** A named profile of the shared config files. */
  profile?: string;
}

/** The settings every AWS client of the canary is built with. */
export interface AwsClientSettings {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentials;
  profile?: string;
  /** Retries are the canary's own (with its clock and its messages), so the SDK tries once. */
  maxAttempts: 1;
}

const REGION = /^[a-z]{2}(-[a-z0-9]+){1,4}-\d{1,2}$/;

export function awsClientSettings(
  connection: AwsConnection,
  service: string,
  env: Record<string, string | undefined> = process.env,
): AwsClientSettings {
  const region = connection.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new GateError(`no AWS region for ${service}`, {
      hint: "set region in the canary's traffic or cloudwatch settings, or AWS_REGION (aws-actions/configure-aws-credentials sets it)",
    });
  }
  if (!REGION.test(region)) {
    throw new GateError(`"${region}" is not an AWS region`, { hint: "e.g. us-east-1 or eu-west-3" });
  }
  if (connection.endpoint !== undefined) checkEndpoint(connection.endpoint, service);
  return {
    region,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.credentials ? { credentials: connection.credentials } : {}),
    ...(connection.profile ? { profile: connection.profile } : {}),
    maxAttempts: 1,
  };
}

function checkEndpoint(endpoint: string, service: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new GateError(`the ${service} endpoint "${endpoint.slice(0, 200)}" is not a URL`, {
      hint: "e.g. https://vpce-0123.sagemaker.us-east-1.vpce.amazonaws.com",
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new GateError(`the ${service} endpoint "${endpoint.slice(0, 200)}" is not an http(s) URL`);
  }
}

/** Keys shared by every AWS-backed entry of mlgate.yml. Credentials never live in the file. */
export const awsConnectionFields = {
  region: z
    .string()
    .regex(REGION, "an AWS region such as us-east-1")
    .optional()
    .describe("AWS region (default AWS_REGION, then AWS_DEFAULT_REGION)."),
  "endpoint-url": z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe("Another endpoint URL, e.g. a VPC or FIPS endpoint (default: the region's public endpoint)."),
  profile: z.string().min(1).max(128).optional().describe("A named profile of the shared AWS config files."),
};

export interface AwsConnectionConfig {
  region?: string | undefined;
  "endpoint-url"?: string | undefined;
  profile?: string | undefined;
}

/** The connection of a parsed config entry, with credentials handed in by code (tests) if any. */
export function connectionOf(config: AwsConnectionConfig, credentials?: AwsCredentials): AwsConnection {
  return {
    ...(config.region ? { region: config.region } : {}),
    ...(config["endpoint-url"] ? { endpoint: config["endpoint-url"] } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
    ...(credentials ? { credentials } : {}),
  };
}
