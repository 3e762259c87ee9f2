import { GateError, resolveFrom } from "@mlgate/core";
import { parseDuration } from "@mlgate/load";
import { z } from "zod";
import { type AwsCredentials, awsConnectionFields, connectionOf } from "../cloud/aws-config.js";
import { normalizeStat, parseCloudWatchQuery, validPeriod } from "../cloud/cloudwatch-query.js";
import type { Clock } from "../engine/clock.js";
import { CloudWatchSource } from "../metrics/cloudwatch.js";
import type { Versions } from "../metrics/types.js";
import { AlbTrafficProvider } from "./alb.js";
import { GatewayApiTrafficProvider } from "./gateway-api.js";
import { LambdaAliasTrafficProvider } from "./lambda-alias.js";
import { SageMakerTrafficProvider } from "./sagemaker.js";
import type { TrafficProvider } from "./types.js";

/** What code (not the config file) hands a cloud provider: paths' base, clock, credentials. */
export interface CloudRuntime {
  /** Relative paths in the entry (token-file, ca-file) are resolved against this (the config file's folder). */
  baseDir?: string;
  /** Where `token-env` is read (default process.env). */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** AWS credentials to use instead of the default chain. */
  credentials?: AwsCredentials;
}

const duration = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|min|h)\s*$/, "a duration such as 30s, 5m or 1h")
  .meta({ examples: ["15s", "10m"] });
const sagemakerName = z
  .string()
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, "a SageMaker name (letters, digits, hyphens)");
const elbArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:elasticloadbalancing:/, "an elasticloadbalancing ARN")
  .max(2048);
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "a Kubernetes object name");

export const sagemakerTrafficSchema = z.strictObject({
  provider: z.literal("sagemaker"),
  ...awsConnectionFields,
  "endpoint-name": sagemakerName.describe("The SageMaker real-time endpoint."),
  "baseline-variant": sagemakerName.describe("Production variant serving the current model."),
  "candidate-variant": sagemakerName.describe("Production variant serving the new model."),
  "poll-interval": duration
    .optional()
    .describe("Time between DescribeEndpoint calls while the endpoint updates (default 15s)."),
  timeout: duration.optional().describe("Longest wait for InService after a weight change (default 30m)."),
});

export const albTrafficSchema = z
  .strictObject({
    provider: z.literal("alb"),
    ...awsConnectionFields,
    "rule-arn": elbArn.optional().describe("The listener rule whose forward action splits traffic."),
    "listener-arn": elbArn
      .optional()
      .describe("The listener whose default action splits traffic (when no rule-arn)."),
    "baseline-target-group": elbArn.describe("ARN of the target group serving the current model."),
    "candidate-target-group": elbArn.describe("ARN of the target group serving the new model."),
  })
  .refine((o) => o["rule-arn"] !== undefined || o["listener-arn"] !== undefined, {
    message: "set rule-arn or listener-arn",
  });

export const lambdaTrafficSchema = z.strictObject({
  provider: z.literal("lambda"),
  ...awsConnectionFields,
  function: z.string().min(1).max(170).describe("Function name or ARN, without a qualifier."),
  alias: z.string().min(1).max(128).describe("The alias callers invoke, e.g. live."),
  "candidate-version": z
    .string()
    .regex(/^[1-9]\d{0,9}$/, "a published version number")
    .describe("Published version of the new code."),
  "baseline-version": z
    .string()
    .regex(/^[1-9]\d{0,9}$/, "a published version number")
    .optional()
    .describe("Published version of the current code (default: the alias's version when the canary starts)."),
});

const backend = z.union([
  k8sName.describe("A Service name."),
  z.strictObject({
    name: k8sName,
    namespace: z.string().min(1).max(63).optional(),
    port: z.int().min(1).max(65535).optional(),
    kind: z.string().min(1).max(63).optional().describe("Default Service."),
    group: z.string().max(253).optional().describe("Default the core group."),
  }),
]);

export const gatewayApiTrafficSchema = z.strictObject({
  provider: z.literal("gateway-api"),
  route: k8sName.describe("The HTTPRoute's name."),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a namespace")
    .optional()
    .describe("The HTTPRoute's namespace (default: the pod's, else default)."),
  baseline: backend.describe(
    "The backendRef serving the current model: a Service name, or {name, port, namespace, kind, group}.",
  ),
  candidate: backend.describe(
    "The backendRef serving the new model; added to the rule when missing (with the baseline's port by default).",
  ),
  rules: z
    .array(z.int().min(0).max(63))
    .min(1)
    .max(64)
    .optional()
    .describe("Indexes of the rules to move (default: every rule naming either backend)."),
  "api-version": z
    .enum(["v1", "v1beta1"])
    .optional()
    .describe("Gateway API version served by the cluster (default v1)."),
  server: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe("API server URL (default: in-cluster, from the pod's service account)."),
  "token-env": z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
    .optional()
    .describe("Environment variable holding the bearer token."),
  "token-file": z.string().min(1).optional().describe("File holding the bearer token, read at each request."),
  "ca-file": z.string().min(1).optional().describe("PEM file of the cluster's CA."),
  "insecure-skip-tls-verify": z
    .boolean()
    .optional()
    .describe("Do not verify the server's certificate (test clusters only)."),
  "wait-for-controller": z
    .boolean()
    .optional()
    .describe("Wait until the gateway controller accepts each change (default true)."),
  "conflict-retries": z
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe("Re-reads after a write lost to a concurrent edit (default 5)."),
  "poll-interval": duration.optional().describe("Time between looks at the route's status (default 2s)."),
  timeout: duration.optional().describe("Longest wait for the controller (default 2m)."),
});

export type SageMakerTrafficConfig = z.input<typeof sagemakerTrafficSchema>;
export type AlbTrafficConfig = z.input<typeof albTrafficSchema>;
export type LambdaTrafficConfig = z.input<typeof lambdaTrafficSchema>;
export type GatewayApiTrafficConfig = z.input<typeof gatewayApiTrafficSchema>;

/** The zod schema of each cloud router's entry under `canary.traffic`, keyed by `provider`. */
export const CLOUD_TRAFFIC_SCHEMAS = {
  sagemaker: sagemakerTrafficSchema,
  alb: albTrafficSchema,
  lambda: lambdaTrafficSchema,
  "gateway-api": gatewayApiTrafficSchema,
} as const;

export type CloudTrafficKind = keyof typeof CLOUD_TRAFFIC_SCHEMAS;

/** Validate an entry; problems become one GateError naming each key. */
function parseEntry<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues
    .slice(0, 10)
    .map((i) => `${[where, ...i.path.map(String)].join(".")}: ${i.message}`);
  throw new GateError(
    lines.length === 1
      ? lines[0]!
      : `${where} has ${result.error.issues.length} problems:\n${lines.join("\n")}`,
  );
}

function ms(text: string | undefined, where: string): number | undefined {
  return text === undefined ? undefined : parseDuration(text, where);
}

const WHERE = "canary.traffic";

function sagemaker(config: SageMakerTrafficConfig, runtime: CloudRuntime = {}): TrafficProvider {
  const c = parseEntry(sagemakerTrafficSchema, config, WHERE);
  const poll = ms(c["poll-interval"], `${WHERE}.poll-interval`);
  const timeout = ms(c.timeout, `${WHERE}.timeout`);
  return new SageMakerTrafficProvider({
    ...connectionOf(c, runtime.credentials),
    endpointName: c["endpoint-name"],
    baselineVariant: c["baseline-variant"],
    candidateVariant: c["candidate-variant"],
    ...(poll !== undefined ? { pollIntervalMs: poll } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
    ...(runtime.clock ? { clock: runtime.clock } : {}),
  });
}

function alb(config: AlbTrafficConfig, runtime: CloudRuntime = {}): TrafficProvider {
  const c = parseEntry(albTrafficSchema, config, WHERE);
  return new AlbTrafficProvider({
    ...connectionOf(c, runtime.credentials),
    ...(c["rule-arn"] ? { ruleArn: c["rule-arn"] } : {}),
    ...(c["listener-arn"] ? { listenerArn: c["listener-arn"] } : {}),
    baselineTargetGroupArn: c["baseline-target-group"],
    candidateTargetGroupArn: c["candidate-target-group"],
    ...(runtime.clock ? { clock: runtime.clock } : {}),
  });
}

function lambda(config: LambdaTrafficConfig, runtime: CloudRuntime = {}): TrafficProvider {
  const c = parseEntry(lambdaTrafficSchema, config, WHERE);
  return new LambdaAliasTrafficProvider({
    ...connectionOf(c, runtime.credentials),
    functionName: c.function,
    alias: c.alias,
    candidateVersion: c["candidate-version"],
    ...(c["baseline-version"] ? { baselineVersion: c["baseline-version"] } : {}),
    ...(runtime.clock ? { clock: runtime.clock } : {}),
  });
}

function gatewayApi(config: GatewayApiTrafficConfig, runtime: CloudRuntime = {}): TrafficProvider {
  const c = parseEntry(gatewayApiTrafficSchema, config, WHERE);
  const base = runtime.baseDir ?? process.cwd();
  const env = runtime.env ?? process.env;
  let token: string | undefined;
  if (c["token-env"]) {
    token = env[c["token-env"]]?.trim();
    if (!token) {
      throw new GateError(`${WHERE}.token-env: the environment variable ${c["token-env"]} is empty`, {
        hint: "pass the token through env: from a secret",
      });
    }
  }
  const selector = (b: z.output<typeof backend>) => (typeof b === "string" ? { name: b } : b);
  const poll = ms(c["poll-interval"], `${WHERE}.poll-interval`);
  const timeout = ms(c.timeout, `${WHERE}.timeout`);
  return new GatewayApiTrafficProvider({
    route: c.route,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    baseline: selector(c.baseline),
    candidate: selector(c.candidate),
    ...(c.rules ? { rules: c.rules } : {}),
    ...(c["api-version"] ? { apiVersion: c["api-version"] } : {}),
    ...(c.server ? { server: c.server } : {}),
    ...(token ? { token } : {}),
    ...(c["token-file"] ? { tokenFile: resolveFrom(base, c["token-file"]) } : {}),
    ...(c["ca-file"] ? { caFile: resolveFrom(base, c["ca-file"]) } : {}),
    ...(c["insecure-skip-tls-verify"] !== undefined
      ? { insecureSkipTlsVerify: c["insecure-skip-tls-verify"] }
      : {}),
    ...(c["wait-for-controller"] !== undefined ? { waitForController: c["wait-for-controller"] } : {}),
    ...(c["conflict-retries"] !== undefined ? { conflictRetries: c["conflict-retries"] } : {}),
    ...(poll !== undefined ? { pollIntervalMs: poll } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
    env,
    ...(runtime.clock ? { clock: runtime.clock } : {}),
  });
}

/** Builds each cloud router from its (already or not yet validated) `canary.traffic` entry. */
export const CLOUD_TRAFFIC_PROVIDERS = {
  sagemaker,
  alb,
  lambda,
  "gateway-api": gatewayApi,
} as const satisfies Record<CloudTrafficKind, (config: never, runtime?: CloudRuntime) => TrafficProvider>;

/** `canary.cloudwatch`: where CloudWatch metrics are read and the defaults of their queries. */
export const cloudwatchSettingsSchema = z.strictObject({
  ...awsConnectionFields,
  period: duration
    .optional()
    .describe("Period of queries that name none; each period is one sample (default 1m)."),
  stat: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .describe("Statistic of queries that name none (default Average)."),
  delay: duration
    .optional()
    .describe("Stay this far behind real time so late datapoints have landed (default 2m)."),
});

export type CloudWatchSettings = z.input<typeof cloudwatchSettingsSchema>;

/** A CloudWatch metric source from `canary.cloudwatch` and the version labels of both sides. */
export function createCloudWatchSource(
  settings: CloudWatchSettings,
  context: { versions: Versions; clock?: Clock; credentials?: AwsCredentials },
): CloudWatchSource {
  const where = "canary.cloudwatch";
  const c = parseEntry(cloudwatchSettingsSchema, settings, where);
  let periodSeconds: number | undefined;
  if (c.period !== undefined) {
    periodSeconds = parseDuration(c.period, `${where}.period`) / 1000;
    if (!validPeriod(periodSeconds)) {
      throw new GateError(`${where}.period "${c.period}" is not a CloudWatch period`, {
        hint: "use 1s, 5s, 10s, 20s or 30s (high-resolution metrics) or whole minutes",
      });
    }
  }
  let stat: string | undefined;
  if (c.stat !== undefined) {
    stat = normalizeStat(c.stat);
    if (!stat)
      throw new GateError(`${where}.stat "${c.stat}" is not a CloudWatch statistic`, {
        hint: "e.g. Average, Sum, p95, p99.9",
      });
  }
  const delay = ms(c.delay, `${where}.delay`);
  return new CloudWatchSource({
    ...connectionOf(c, context.credentials),
    versions: context.versions,
    ...(periodSeconds !== undefined ? { periodSeconds } : {}),
    ...(stat ? { stat } : {}),
    ...(delay !== undefined ? { delayMs: delay } : {}),
    ...(context.clock ? { clock: context.clock } : {}),
  });
}

/** Check a CloudWatch metric's query when the config is loaded (throws a GateError with a caret). */
export function checkCloudWatchQuery(query: string, where: string): void {
  parseCloudWatchQuery(query.replace(/\{\{\s*version\s*\}\}/g, "v"), where);
}
