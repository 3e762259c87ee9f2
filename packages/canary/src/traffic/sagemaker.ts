import {
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  SageMakerClient,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from "@aws-sdk/client-sagemaker";
import { GateError } from "@mlgate/core";
import { AwsCaller, type AwsRetrySettings } from "../cloud/aws-call.js";
import { type AwsConnection, awsClientSettings } from "../cloud/aws-config.js";
import { pollUntil } from "../cloud/poll.js";
import { percentOf } from "../cloud/shares.js";
import { type Clock, realClock } from "../engine/clock.js";
import { formatWeight } from "../plan/types.js";
import { VerifiedProvider, WEIGHT_TOLERANCE, type Weights } from "./types.js";

export interface SageMakerTrafficOptions extends AwsConnection {
  /** The real-time endpoint serving both variants. */
  endpointName: string;
  /** Production variant serving the current model. */
  baselineVariant: string;
  /** Production variant serving the new model. */
  candidateVariant: string;
  /** Time between DescribeEndpoint calls while the endpoint updates (default 15 s). */
  pollIntervalMs?: number;
  /** Longest wait for `InService` (default 30 min). */
  timeoutMs?: number;
  /**
   * How long an `InService` endpoint may keep reporting the old weights after an update before the
   * read-back counts (default 60 s): DescribeEndpoint can lag the update call by a moment.
   */
  settleMs?: number;
  retry?: AwsRetrySettings;
  clock?: Clock;
}

type Endpoint = DescribeEndpointCommandOutput;

/** Statuses from which the endpoint comes back to InService by itself. */
const TRANSITIONAL = new Set(["Creating", "Updating", "SystemUpdating"]);

/** SageMaker names: endpoint and variant names share one pattern. */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * A SageMaker real-time endpoint with two production variants. A move waits for any update in flight,
 * calls UpdateEndpointWeightsAndCapacities with the two weights (they are relative: 95 and 5 give the
 * candidate 5%), then polls DescribeEndpoint until the endpoint is InService again and reads the
 * variants' CurrentWeight back. An endpoint that fails or rolls back ends the move with its
 * FailureReason.
 */
export class SageMakerTrafficProvider extends VerifiedProvider {
  readonly kind = "sagemaker";
  private readonly client: SageMakerClient;
  private readonly aws: AwsCaller;
  private readonly clock: Clock;

  constructor(private readonly options: SageMakerTrafficOptions) {
    super();
    for (const [key, value] of [
      ["endpoint name", options.endpointName],
      ["baseline variant", options.baselineVariant],
      ["candidate variant", options.candidateVariant],
    ] as const) {
      if (typeof value !== "string" || !NAME.test(value)) {
        throw new GateError(`sagemaker: the ${key} "${String(value).slice(0, 80)}" is not a SageMaker name`, {
          hint: "letters, digits and hyphens, at most 63 characters",
        });
      }
    }
    if (options.baselineVariant === options.candidateVariant) {
      throw new GateError("sagemaker: the baseline and candidate variants are the same variant");
    }
    const settings = awsClientSettings(options, "SageMaker");
    this.client = new SageMakerClient(settings);
    this.clock = options.clock ?? realClock;
    this.aws = new AwsCaller({
      service: "SageMaker",
      endpoint: settings.endpoint,
      retry: options.retry,
      clock: this.clock,
    });
  }

  describe(): string {
    const o = this.options;
    return `SageMaker endpoint ${o.endpointName} (variant ${o.candidateVariant} against ${o.baselineVariant})`;
  }

  protected async read(): Promise<Weights> {
    return { canary: this.shareOf(await this.describeEndpoint()) };
  }

  protected async apply(weights: Weights): Promise<void> {
    // An update in flight (an interrupted run's, or someone else's) must end before the next one.
    const current = await this.waitInService();
    if (this.reached(current, weights)) return;
    this.checkOthersIdle(current);
    const o = this.options;
    await this.aws.call(
      {
        action: "UpdateEndpointWeightsAndCapacities",
        resource: `endpoint ${o.endpointName}`,
        permission: "sagemaker:UpdateEndpointWeightsAndCapacities",
      },
      () =>
        this.client.send(
          new UpdateEndpointWeightsAndCapacitiesCommand({
            EndpointName: o.endpointName,
            DesiredWeightsAndCapacities: [
              { VariantName: o.baselineVariant, DesiredWeight: 100 - weights.canary },
              { VariantName: o.candidateVariant, DesiredWeight: weights.canary },
            ],
          }),
        ),
    );
    await this.waitApplied(weights);
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }

  private describeEndpoint(): Promise<Endpoint> {
    const name = this.options.endpointName;
    return this.aws.call(
      { action: "DescribeEndpoint", resource: `endpoint ${name}`, permission: "sagemaker:DescribeEndpoint" },
      () => this.client.send(new DescribeEndpointCommand({ EndpointName: name })),
    );
  }

  /** The candidate's percent of all production traffic, from CurrentWeight. */
  private shareOf(endpoint: Endpoint): number {
    const variants = endpoint.ProductionVariants ?? [];
    const weightOf = (name: string) => {
      const v = variants.find((p) => p.VariantName === name);
      if (!v) {
        const names = variants.map((p) => p.VariantName).filter(Boolean);
        throw new GateError(
          `SageMaker endpoint ${this.options.endpointName} has no production variant ${name}`,
          {
            hint: names.length
              ? `its variants are ${names.join(", ")}`
              : "the endpoint reports no production variants",
          },
        );
      }
      return v.CurrentWeight ?? 0;
    };
    const candidate = weightOf(this.options.candidateVariant);
    weightOf(this.options.baselineVariant);
    const total = variants.reduce((sum, v) => sum + Math.max(0, v.CurrentWeight ?? 0), 0);
    const share = percentOf(candidate, total);
    if (share === undefined) {
      throw new GateError(`SageMaker endpoint ${this.options.endpointName} reports no variant weights`, {
        hint: `its status is ${endpoint.EndpointStatus ?? "unknown"}`,
      });
    }
    return share;
  }

  private reached(endpoint: Endpoint, weights: Weights): boolean {
    return (
      endpoint.EndpointStatus === "InService" &&
      Math.abs(this.shareOf(endpoint) - weights.canary) <= WEIGHT_TOLERANCE
    );
  }

  /** A third variant with weight would take a share the canary does not control. */
  private checkOthersIdle(endpoint: Endpoint): void {
    const o = this.options;
    const busy = (endpoint.ProductionVariants ?? []).filter(
      (v) =>
        v.VariantName !== o.baselineVariant &&
        v.VariantName !== o.candidateVariant &&
        (v.CurrentWeight ?? 0) > 0,
    );
    if (busy.length > 0) {
      throw new GateError(
        `SageMaker endpoint ${o.endpointName}: variant ${busy[0]!.VariantName} also takes traffic (weight ${busy[0]!.CurrentWeight})`,
        { hint: "set its weight to 0 first, or name it as the baseline variant" },
      );
    }
  }

  /** Throw for statuses that will not turn into InService by themselves. */
  private checkHealthy(endpoint: Endpoint): void {
    const status = endpoint.EndpointStatus ?? "unknown";
    if (status === "InService" || TRANSITIONAL.has(status)) return;
    const reason = endpoint.FailureReason ? `: ${endpoint.FailureReason.slice(0, 500)}` : "";
    throw new GateError(`SageMaker endpoint ${this.options.endpointName} is ${status}${reason}`, {
      hint:
        status === "RollingBack" || status === "UpdateRollbackFailed"
          ? "a deployment guardrail or a failed update is rolling the endpoint back; see the endpoint's events in the SageMaker console"
          : "fix the endpoint (see FailureReason and its CloudWatch logs) before running the canary",
    });
  }

  private waitInService(): Promise<Endpoint> {
    return pollUntil({
      what: `SageMaker endpoint ${this.options.endpointName}`,
      intervalMs: this.options.pollIntervalMs ?? 15_000,
      timeoutMs: this.options.timeoutMs ?? 30 * 60_000,
      clock: this.clock,
      hint: "an update is still running on the endpoint; wait for it or raise the traffic timeout",
      check: async () => {
        const endpoint = await this.describeEndpoint();
        this.checkHealthy(endpoint);
        return endpoint.EndpointStatus === "InService"
          ? { done: true, value: endpoint }
          : { done: false, status: endpoint.EndpointStatus ?? "unknown" };
      },
    });
  }

  /**
   * Until InService with the new weights. InService with the old ones is given `settleMs` (the
   * update may not show yet), after which the read-back reports what the endpoint really serves.
   */
  private waitApplied(weights: Weights): Promise<Endpoint> {
    const settleMs = this.options.settleMs ?? 60_000;
    let staleSince: number | undefined;
    return pollUntil({
      what: `SageMaker endpoint ${this.options.endpointName}`,
      intervalMs: this.options.pollIntervalMs ?? 15_000,
      timeoutMs: this.options.timeoutMs ?? 30 * 60_000,
      clock: this.clock,
      hint: "the weight update has not finished; check the endpoint's events, or raise the traffic timeout",
      check: async () => {
        const endpoint = await this.describeEndpoint();
        this.checkHealthy(endpoint);
        const status = endpoint.EndpointStatus ?? "unknown";
        if (status !== "InService") {
          staleSince = undefined;
          return { done: false, status };
        }
        if (this.reached(endpoint, weights)) return { done: true, value: endpoint };
        staleSince ??= this.clock.now();
        if (this.clock.now() - staleSince >= settleMs) return { done: true, value: endpoint };
        return {
          done: false,
          status: `InService with the candidate at ${formatWeight(this.shareOf(endpoint))}, not ${formatWeight(weights.canary)}`,
        };
      },
    });
  }
}
