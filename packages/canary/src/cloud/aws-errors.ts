import { GateError } from "@mlgate/core";

/** What a failed AWS call was doing, for the message and the hint. */
export interface AwsCallContext {
  /** `SageMaker`, `ELBv2`, `Lambda`, `CloudWatch`. */
  service: string;
  /** The API operation: `UpdateEndpointWeightsAndCapacities`. */
  action: string;
  /** What it acted on: `endpoint prod`. */
  resource: string;
  /** The IAM action the call needs: `sagemaker:UpdateEndpointWeightsAndCapacities`. */
  permission: string;
}

interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  Error?: { Code?: unknown };
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  $retryable?: { throttling?: boolean };
  retryAfterSeconds?: unknown;
  cause?: unknown;
}

function shape(e: unknown): AwsErrorShape {
  return typeof e === "object" && e !== null ? (e as AwsErrorShape) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Every name the error goes by: the SDK's exception name and, for the query protocol (and JSON in
 * query-compatible mode), the wire code, which may differ (`ValidationException` / `ValidationError`).
 */
export function awsErrorCodes(e: unknown): string[] {
  const s = shape(e);
  const codes = [str(s.name), str(s.Code), str(s.Error?.Code)].filter((c): c is string => c !== undefined);
  return [...new Set(codes)].filter((c) => c !== "Error");
}

/** The name to show: the exception's, else the wire code. */
export function awsErrorCode(e: unknown): string | undefined {
  return awsErrorCodes(e)[0];
}

export function httpStatusOf(e: unknown): number | undefined {
  const status = shape(e).$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** Codes AWS services use for "slow down"; the request itself was fine. */
const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "LimitExceededException",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "PriorRequestNotComplete",
]);

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedAccess",
  "AuthorizationError",
  "NotAuthorized",
]);

const BAD_CREDENTIALS = new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidAccessKeyId",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
]);

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

const TRANSIENT_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalError",
]);

function has(set: ReadonlySet<string>, e: unknown): boolean {
  return awsErrorCodes(e).some((c) => set.has(c));
}

export function isThrottling(e: unknown): boolean {
  return has(THROTTLING, e) || shape(e).$retryable?.throttling === true || httpStatusOf(e) === 429;
}

export function isAccessDenied(e: unknown): boolean {
  return has(ACCESS_DENIED, e);
}

export function isBadCredentials(e: unknown): boolean {
  return has(BAD_CREDENTIALS, e);
}

/** The socket-level code of a failure that never reached the service, if that is what it is. */
export function networkCodeOf(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = shape(cur).cause, depth++) {
    const code = str(shape(cur).code);
    if (code && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/** Failures that may pass by asking again: throttling, 5xx, time-outs and dropped connections. */
export function isTransient(e: unknown): boolean {
  if (isThrottling(e) || has(TRANSIENT_NAMES, e) || networkCodeOf(e) !== undefined) return true;
  const status = httpStatusOf(e);
  return status !== undefined && status >= 500 && status !== 501;
}

/** A throttled service's own advice on when to ask again (Lambda's `retryAfterSeconds`), in ms. */
export function retryAfterMs(e: unknown): number | undefined {
  const seconds = Number(shape(e).retryAfterSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** The hint for a failure: which permission, which setting, or what to wait for. */
function hintFor(e: unknown, ctx: AwsCallContext, endpoint: string | undefined): string | undefined {
  if (isAccessDenied(e))
    return `the job's AWS identity needs the IAM permission ${ctx.permission} on ${ctx.resource}`;
  if (isBadCredentials(e)) {
    return "configure AWS credentials (aws-actions/configure-aws-credentials with role-to-assume, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and check the region";
  }
  if (isThrottling(e))
    return `AWS keeps throttling ${ctx.service} ${ctx.action}; lower the poll rate or try again later`;
  const net = networkCodeOf(e);
  if (net)
    return `cannot reach ${ctx.service}${endpoint ? ` at ${endpoint}` : ""} (${net}); check the region, the endpoint and the network`;
  if (
    has(
      new Set([
        "ValidationException",
        "ValidationError",
        "InvalidParameterValue",
        "InvalidParameterValueException",
      ]),
      e,
    )
  ) {
    return `${ctx.service} refused the request for ${ctx.resource}; check the names in the canary's traffic settings`;
  }
  if (awsErrorCodes(e).some((c) => /NotFound/.test(c)) || httpStatusOf(e) === 404) {
    return `check that ${ctx.resource} exists in this account and region`;
  }
  return undefined;
}

/** An AWS SDK failure as a GateError naming the call, the resource and the AWS error code. */
export function awsGateError(e: unknown, ctx: AwsCallContext, endpoint?: string): GateError {
  if (e instanceof GateError) return e;
  const codes = awsErrorCodes(e);
  // The SDK's exception name first; the wire code too when it differs (ValidationException / ValidationError).
  const code =
    codes.length > 0 ? `${codes[0]}${codes[1] ? ` (${codes[1]})` : ""}` : (networkCodeOf(e) ?? "Error");
  const message = str(shape(e).message) ?? String(e);
  const hint = hintFor(e, ctx, endpoint);
  return new GateError(
    `${ctx.service} ${ctx.action} on ${ctx.resource} failed: ${code}: ${firstLine(message)}`,
    {
      ...(hint ? { hint } : {}),
      cause: e,
    },
  );
}
