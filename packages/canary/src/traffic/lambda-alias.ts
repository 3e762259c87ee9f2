import {
  type AliasConfiguration,
  GetAliasCommand,
  LambdaClient,
  UpdateAliasCommand,
} from "@aws-sdk/client-lambda";
import { GateError } from "@mlgate/core";
import { AwsCaller, type AwsRetrySettings } from "../cloud/aws-call.js";
import { type AwsConnection, awsClientSettings } from "../cloud/aws-config.js";
import { awsErrorCodes } from "../cloud/aws-errors.js";
import { tidyPercent } from "../cloud/shares.js";
import type { Clock } from "../engine/clock.js";
import { VerifiedProvider, WEIGHT_TOLERANCE, type Weights } from "./types.js";

export interface LambdaAliasTrafficOptions extends AwsConnection {
  /** Function name or ARN, without a qualifier. */
  functionName: string;
  /** The alias callers invoke, e.g. `live`. */
  alias: string;
  /** Published version of the new code. */
  candidateVersion: string;
  /**
   * Published version of the current code. Default: the alias's version when first read; needed when
   * the alias already points at the candidate alone (a re-run after a promotion) and must go back.
   */
  baselineVersion?: string;
  /** Re-reads when the alias changed between read and write (RevisionId mismatch), default 3. */
  conflictRetries?: number;
  retry?: AwsRetrySettings;
  clock?: Clock;
}

const FUNCTION =
  /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,140}$|^\d{12}:function:[A-Za-z0-9_-]{1,140}$/;
const ALIAS = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const VERSION = /^[1-9]\d{0,9}$/;

/**
 * A Lambda alias with weighted routing. The alias's FunctionVersion is the baseline and
 * `RoutingConfig.AdditionalVersionWeights` gives the candidate its fraction; promotion points the alias
 * at the candidate and clears the routing, rollback points it at the baseline and clears it. Each
 * write carries the RevisionId it read, so a concurrent change is never overwritten: the provider
 * reads again and decides again.
 */
export class LambdaAliasTrafficProvider extends VerifiedProvider {
  readonly kind = "lambda";
  private readonly client: LambdaClient;
  private readonly aws: AwsCaller;
  private baseline: string | undefined;

  constructor(private readonly options: LambdaAliasTrafficOptions) {
    super();
    if (typeof options.functionName !== "string" || !FUNCTION.test(options.functionName)) {
      throw new GateError(
        `lambda: "${String(options.functionName).slice(0, 200)}" is not a function name or ARN`,
        {
          hint: "name the function without a version or alias qualifier",
        },
      );
    }
    if (typeof options.alias !== "string" || !ALIAS.test(options.alias)) {
      throw new GateError(`lambda: "${String(options.alias).slice(0, 200)}" is not an alias name`);
    }
    for (const [key, v] of [
      ["candidate-version", options.candidateVersion],
      ["baseline-version", options.baselineVersion],
    ] as const) {
      if (v !== undefined && (typeof v !== "string" || !VERSION.test(v))) {
        throw new GateError(`lambda: ${key} "${String(v).slice(0, 50)}" is not a published version number`, {
          hint: "weighted aliases route between published versions (aws lambda publish-version), not $LATEST",
        });
      }
    }
    if (options.baselineVersion === options.candidateVersion) {
      throw new GateError("lambda: the baseline and candidate versions are the same version");
    }
    this.baseline = options.baselineVersion;
    const settings = awsClientSettings(options, "Lambda");
    this.client = new LambdaClient(settings);
    this.aws = new AwsCaller({
      service: "Lambda",
      endpoint: settings.endpoint,
      retry: options.retry,
      clock: options.clock,
      alsoTransient: ["ResourceConflictException"],
    });
  }

  describe(): string {
    return `Lambda alias ${this.options.alias} of ${this.options.functionName}`;
  }

  protected async read(): Promise<Weights> {
    return { canary: this.shareOf(await this.getAlias()) };
  }

  protected async apply(weights: Weights): Promise<void> {
    const tries = Math.max(1, this.options.conflictRetries ?? 3);
    for (let attempt = 1; attempt <= tries; attempt++) {
      const alias = await this.getAlias();
      if (this.settled(alias, weights)) return;
      const target = this.target(weights);
      try {
        await this.aws.raw(() =>
          this.client.send(
            new UpdateAliasCommand({
              FunctionName: this.options.functionName,
              Name: this.options.alias,
              ...target,
              ...(alias.RevisionId ? { RevisionId: alias.RevisionId } : {}),
            }),
          ),
        );
        return;
      } catch (e) {
        // Someone changed the alias since it was read: read it again rather than overwrite.
        if (awsErrorCodes(e).includes("PreconditionFailedException") && attempt < tries) continue;
        throw this.aws.error(e, this.context("UpdateAlias"));
      }
    }
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }

  private context(action: "GetAlias" | "UpdateAlias") {
    return {
      action,
      resource: `alias ${this.options.alias} of function ${this.options.functionName}`,
      permission: `lambda:${action}`,
    };
  }

  private getAlias(): Promise<AliasConfiguration> {
    return this.aws.call(this.context("GetAlias"), () =>
      this.client.send(
        new GetAliasCommand({ FunctionName: this.options.functionName, Name: this.options.alias }),
      ),
    );
  }

  /** The alias as it should be for these weights; 0% and 100% leave no routing behind. */
  private target(weights: Weights): {
    FunctionVersion: string;
    RoutingConfig: { AdditionalVersionWeights: Record<string, number> };
  } {
    const candidate = this.options.candidateVersion;
    if (weights.canary === 100)
      return { FunctionVersion: candidate, RoutingConfig: { AdditionalVersionWeights: {} } };
    if (!this.baseline) {
      throw new GateError(
        `${this.describe()} points at the candidate version ${candidate} alone; the baseline version is unknown`,
        {
          hint: "set baseline-version in the lambda traffic settings",
        },
      );
    }
    const routes: Record<string, number> = weights.canary > 0 ? { [candidate]: weights.canary / 100 } : {};
    return { FunctionVersion: this.baseline, RoutingConfig: { AdditionalVersionWeights: routes } };
  }

  /** The alias already routes these weights, in the canonical form for 0% and 100%. */
  private settled(alias: AliasConfiguration, weights: Weights): boolean {
    if (Math.abs(this.shareOf(alias) - weights.canary) > WEIGHT_TOLERANCE) return false;
    const routed = Object.values(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).some((w) => w > 0);
    if (weights.canary === 100) return alias.FunctionVersion === this.options.candidateVersion && !routed;
    if (weights.canary === 0) return alias.FunctionVersion === this.baseline && !routed;
    return true;
  }

  /**
   * The candidate's percent of the alias's invocations. Learns the baseline from the alias when it
   * was not configured: the alias's own version, or the one version routed beside the candidate.
   */
  private shareOf(alias: AliasConfiguration): number {
    const candidate = this.options.candidateVersion;
    const version = alias.FunctionVersion;
    const routes = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).filter(
      ([, w]) => w > 0,
    );
    const strangers = (allowed: readonly (string | undefined)[]) =>
      routes.filter(([v]) => !allowed.includes(v));
    if (version === candidate) {
      const others = strangers([this.baseline]);
      if (others.length > 0 && (this.baseline !== undefined || others.length > 1))
        throw this.foreign(others.map(([v]) => v));
      if (!this.baseline && others.length === 1) this.baseline = others[0]![0];
      const away = routes.reduce((sum, [, w]) => sum + w, 0);
      return tidyPercent((1 - away) * 100);
    }
    if (!version) throw new GateError(`${this.describe()} reports no function version`);
    if (this.baseline === undefined) this.baseline = version;
    if (version !== this.baseline) {
      throw new GateError(
        `${this.describe()} points at version ${version}, neither the baseline ${this.baseline} nor the candidate ${candidate}`,
        { hint: "someone else moved the alias; check its history before going on" },
      );
    }
    const others = strangers([candidate]);
    if (others.length > 0) throw this.foreign(others.map(([v]) => v));
    return tidyPercent((routes.find(([v]) => v === candidate)?.[1] ?? 0) * 100);
  }

  private foreign(versions: string[]): GateError {
    return new GateError(`${this.describe()} also routes traffic to version ${versions.join(", ")}`, {
      hint: "clear the alias's routing config, or name that version as the baseline",
    });
  }
}
