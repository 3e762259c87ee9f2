import { type FakeRequest, type FakeResponse, LoopbackServer, sigV4Problem } from "./loopback.js";

export interface FakeVariant {
  VariantName: string;
  CurrentWeight: number;
  DesiredWeight: number;
}

export interface FakeEndpoint {
  name: string;
  status: string;
  variants: FakeVariant[];
  failureReason?: string;
  /** An accepted update: applied once `describesLeft` DescribeEndpoint calls have seen it Updating. */
  pending?: { weights: Map<string, number>; describesLeft: number };
}

/**
 * SageMaker's JSON 1.1 API for the two operations the canary uses, with the behaviours worth testing:
 * an update passes through `Updating`, may end `Failed`, may be ignored; calls may be throttled or
 * denied.
 */
export class SageMakerFake {
  readonly endpoints = new Map<string, FakeEndpoint>();
  readonly calls: { action: string; input: Record<string, unknown> }[] = [];
  /** DescribeEndpoint calls that see `Updating` before an update lands. */
  updatingDescribes = 2;
  /** The next update ends in this status with this reason instead of InService. */
  failNextUpdate?: { status: string; reason: string };
  /** Accept updates and change nothing. */
  ignoreUpdates = false;
  /** Answer this many next calls with ThrottlingException. */
  throttle = 0;
  /** Answer the next call with this body, as a broken proxy might. */
  garbleNext?: string;
  /** Operations answered with AccessDeniedException. */
  readonly deny = new Set<string>();
  server!: LoopbackServer;

  static async start(): Promise<SageMakerFake> {
    const fake = new SageMakerFake();
    fake.server = await LoopbackServer.start((req) => fake.handle(req));
    return fake;
  }

  addEndpoint(name: string, weights: Record<string, number>, status = "InService"): FakeEndpoint {
    const endpoint: FakeEndpoint = {
      name,
      status,
      variants: Object.entries(weights).map(([VariantName, w]) => ({
        VariantName,
        CurrentWeight: w,
        DesiredWeight: w,
      })),
    };
    this.endpoints.set(name, endpoint);
    return endpoint;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: FakeRequest): FakeResponse {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (
      req.method !== "POST" ||
      req.url !== "/" ||
      req.headers["content-type"] !== "application/x-amz-json-1.1"
    ) {
      return error(
        400,
        "SerializationException",
        `unexpected ${req.method} ${req.url} ${req.headers["content-type"]}`,
      );
    }
    const auth = sigV4Problem(req.headers, "sagemaker");
    if (auth) return error(403, "IncompleteSignatureException", auth);
    if (!target.startsWith("SageMaker.")) return error(400, "UnknownOperationException", target);
    const action = target.slice("SageMaker.".length);
    const input = JSON.parse(req.body || "{}") as Record<string, unknown>;
    this.calls.push({ action, input });
    if (this.garbleNext !== undefined) {
      const body = this.garbleNext;
      this.garbleNext = undefined;
      return { status: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body };
    }
    if (this.throttle > 0) {
      this.throttle--;
      return error(400, "ThrottlingException", "Rate exceeded");
    }
    if (this.deny.has(action)) {
      return error(
        400,
        "AccessDeniedException",
        `User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: sagemaker:${action} on resource: arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${String(input.EndpointName).toLowerCase()} because no identity-based policy allows the sagemaker:${action} action`,
      );
    }
    switch (action) {
      case "DescribeEndpoint":
        return this.describe(String(input.EndpointName));
      case "UpdateEndpointWeightsAndCapacities":
        return this.update(String(input.EndpointName), input.DesiredWeightsAndCapacities);
      default:
        return error(400, "UnknownOperationException", action);
    }
  }

  private describe(name: string): FakeResponse {
    const ep = this.endpoints.get(name);
    if (!ep) return notFound(name);
    if (ep.pending) {
      if (ep.pending.describesLeft > 0) {
        ep.pending.describesLeft--;
      } else {
        const { weights } = ep.pending;
        ep.pending = undefined;
        if (this.failNextUpdate) {
          ep.status = this.failNextUpdate.status;
          ep.failureReason = this.failNextUpdate.reason;
          this.failNextUpdate = undefined;
        } else {
          for (const v of ep.variants) {
            const w = weights.get(v.VariantName);
            if (w !== undefined) v.CurrentWeight = w;
          }
          ep.status = "InService";
        }
      }
    }
    return ok({
      EndpointName: ep.name,
      EndpointArn: arn(ep.name),
      EndpointConfigName: `${ep.name}-config`,
      ProductionVariants: ep.variants.map((v) => ({
        VariantName: v.VariantName,
        CurrentWeight: v.CurrentWeight,
        DesiredWeight: v.DesiredWeight,
        CurrentInstanceCount: 1,
        DesiredInstanceCount: 1,
      })),
      EndpointStatus: ep.status,
      ...(ep.failureReason ? { FailureReason: ep.failureReason } : {}),
      CreationTime: 1_700_000_000,
      LastModifiedTime: 1_700_000_100.5,
    });
  }

  private update(name: string, desired: unknown): FakeResponse {
    const ep = this.endpoints.get(name);
    if (!ep) return notFound(name);
    if (ep.status !== "InService") {
      return error(400, "ValidationException", `Cannot update in-progress endpoint "${arn(name)}".`);
    }
    if (!Array.isArray(desired) || desired.length === 0)
      return error(400, "ValidationException", "DesiredWeightsAndCapacities is empty");
    const weights = new Map<string, number>();
    for (const d of desired as { VariantName?: string; DesiredWeight?: number }[]) {
      const variant = ep.variants.find((v) => v.VariantName === d.VariantName);
      if (!variant)
        return error(400, "ValidationException", `The variant name(s) "${d.VariantName}" is/are not present`);
      if (typeof d.DesiredWeight !== "number" || d.DesiredWeight < 0) {
        return error(400, "ValidationException", "DesiredWeight must be a non-negative number");
      }
      weights.set(variant.VariantName, d.DesiredWeight);
    }
    if (this.ignoreUpdates) return ok({ EndpointArn: arn(name) });
    for (const v of ep.variants) v.DesiredWeight = weights.get(v.VariantName) ?? v.DesiredWeight;
    ep.status = "Updating";
    ep.pending = { weights, describesLeft: this.updatingDescribes };
    return ok({ EndpointArn: arn(name) });
  }
}

function arn(name: string): string {
  return `arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${name.toLowerCase()}`;
}

function ok(body: unknown): FakeResponse {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-1" },
    body: JSON.stringify(body),
  };
}

function error(status: number, type: string, message: string): FakeResponse {
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-err" },
    body: JSON.stringify({ __type: type, message }),
  };
}

function notFound(name: string): FakeResponse {
  return error(400, "ValidationException", `Could not find endpoint "${arn(name)}".`);
}
