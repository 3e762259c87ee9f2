import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type TargetGroupTuple,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GateError } from "@mlgate/core";
import { AwsCaller, type AwsRetrySettings } from "../cloud/aws-call.js";
import { type AwsConnection, awsClientSettings } from "../cloud/aws-config.js";
import { integerSplit, percentOf } from "../cloud/shares.js";
import type { Clock } from "../engine/clock.js";
import { formatWeight } from "../plan/types.js";
import { VerifiedProvider, WEIGHT_TOLERANCE, type Weights } from "./types.js";

export interface AlbTrafficOptions extends AwsConnection {
  /** The listener whose default action forwards to the two target groups (when no rule is named). */
  listenerArn?: string;
  /** A listener rule whose forward action carries the split; takes precedence over the listener. */
  ruleArn?: string;
  baselineTargetGroupArn: string;
  candidateTargetGroupArn: string;
  retry?: AwsRetrySettings;
  clock?: Clock;
}

/** An ALB target group weight is an integer from 0 to 999. */
export const ALB_MAX_WEIGHT = 999;

const ARN = {
  rule: /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule\/app\/[\w./-]{1,400}$/,
  listener: /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[\w./-]{1,400}$/,
  targetGroup:
    /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[\w.-]{1,32}\/[0-9a-f]{1,32}$/,
};

interface TargetGroups {
  baseline: string;
  candidate: string;
}

function forwardIndex(actions: readonly Action[], where: string): number {
  const forwards = actions.flatMap((a, i) => (a.Type === "forward" ? [i] : []));
  if (forwards.length !== 1) {
    const types = actions.map((a) => a.Type).join(", ") || "none";
    throw new GateError(
      `${where} has ${forwards.length === 0 ? "no" : "more than one"} forward action (actions: ${types})`,
      {
        hint: "the canary moves the weights of the target groups of one forward action",
      },
    );
  }
  return forwards[0]!;
}

/** A forward action's target groups, also when it names one group the old way (TargetGroupArn alone). */
function tuplesOf(action: Action): TargetGroupTuple[] {
  const tuples = action.ForwardConfig?.TargetGroups;
  if (tuples && tuples.length > 0) return tuples;
  return action.TargetGroupArn ? [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }] : [];
}

/** The candidate's percent of what the forward action sends, from the actions as ALB reports them. */
export function forwardShare(actions: readonly Action[], groups: TargetGroups, where: string): number {
  const tuples = tuplesOf(actions[forwardIndex(actions, where)]!);
  const weight = (t: TargetGroupTuple) => Math.max(0, t.Weight ?? 1);
  const candidate = tuples
    .filter((t) => t.TargetGroupArn === groups.candidate)
    .reduce((s, t) => s + weight(t), 0);
  const total = tuples.reduce((s, t) => s + weight(t), 0);
  const share = percentOf(candidate, total);
  if (share === undefined) throw new GateError(`${where} forwards to no target group with a weight`);
  if (!tuples.some((t) => t.TargetGroupArn === groups.baseline) && share < 100) {
    throw new GateError(`${where} does not forward to the baseline target group`, {
      hint: `it forwards to ${tuples.map((t) => t.TargetGroupArn).join(", ")}`,
    });
  }
  return share;
}

/**
 * The same actions with the forward action's weights set to the split. Everything else is kept as
 * ALB reported it: other actions, their order, the stickiness config. A forward action may not name
 * a single TargetGroupArn next to several weighted groups, so that field goes; authenticate-oidc
 * actions come back without their secret, so they say to keep the existing one.
 */
export function reweighActions(
  actions: readonly Action[],
  groups: TargetGroups,
  split: { baseline: number; candidate: number },
  where: string,
): Action[] {
  const index = forwardIndex(actions, where);
  const forward = actions[index]!;
  const tuples = tuplesOf(forward);
  const others = tuples.filter(
    (t) => t.TargetGroupArn !== groups.baseline && t.TargetGroupArn !== groups.candidate,
  );
  const busy = others.find((t) => (t.Weight ?? 1) > 0);
  if (busy) {
    throw new GateError(`${where} also forwards to ${busy.TargetGroupArn} (weight ${busy.Weight ?? 1})`, {
      hint: "set that target group's weight to 0 first, or name it as the baseline",
    });
  }
  const weighted: TargetGroupTuple[] = [
    { TargetGroupArn: groups.baseline, Weight: split.baseline },
    { TargetGroupArn: groups.candidate, Weight: split.candidate },
    ...others,
  ];
  const { TargetGroupArn: _single, ...rest } = forward;
  const next: Action = {
    ...rest,
    ForwardConfig: { ...forward.ForwardConfig, TargetGroups: weighted },
  };
  return actions.map((a, i) => {
    if (i === index) return next;
    if (a.Type === "authenticate-oidc" && a.AuthenticateOidcConfig) {
      const { ClientSecret: _secret, ...oidc } = a.AuthenticateOidcConfig;
      return { ...a, AuthenticateOidcConfig: { ...oidc, UseExistingClientSecret: true } };
    }
    return a;
  });
}

/**
 * An Application Load Balancer forwarding to two weighted target groups, from a listener rule or the
 * listener's default action. A move reads the actions, sets the two weights (integers up to 999 whose
 * ratio is the share), writes the actions back with ModifyRule or ModifyListener, and reads them
 * back with DescribeRules or DescribeListeners. ALB applies a change at once; there is no status to wait for.
 */
export class AlbTrafficProvider extends VerifiedProvider {
  readonly kind = "alb";
  private readonly client: ElasticLoadBalancingV2Client;
  private readonly aws: AwsCaller;
  private readonly groups: TargetGroups;

  constructor(private readonly options: AlbTrafficOptions) {
    super();
    if (!options.ruleArn && !options.listenerArn) {
      throw new GateError(
        "alb: name the listener rule (rule-arn) or the listener (listener-arn) that forwards to the target groups",
      );
    }
    if (options.ruleArn) checkArn(options.ruleArn, ARN.rule, "rule-arn", "a listener rule ARN");
    if (options.listenerArn)
      checkArn(options.listenerArn, ARN.listener, "listener-arn", "an application listener ARN");
    checkArn(options.baselineTargetGroupArn, ARN.targetGroup, "baseline-target-group", "a target group ARN");
    checkArn(
      options.candidateTargetGroupArn,
      ARN.targetGroup,
      "candidate-target-group",
      "a target group ARN",
    );
    if (options.baselineTargetGroupArn === options.candidateTargetGroupArn) {
      throw new GateError("alb: the baseline and candidate target groups are the same group");
    }
    this.groups = { baseline: options.baselineTargetGroupArn, candidate: options.candidateTargetGroupArn };
    const settings = awsClientSettings(options, "ELBv2");
    this.client = new ElasticLoadBalancingV2Client(settings);
    this.aws = new AwsCaller({
      service: "ELBv2",
      endpoint: settings.endpoint,
      retry: options.retry,
      clock: options.clock,
    });
  }

  describe(): string {
    return this.options.ruleArn
      ? `ALB listener rule ${this.options.ruleArn}`
      : `ALB listener ${this.options.listenerArn} (default action)`;
  }

  protected async read(): Promise<Weights> {
    return { canary: forwardShare(await this.actions(), this.groups, this.describe()) };
  }

  protected async apply(weights: Weights): Promise<void> {
    const split = integerSplit(weights.canary, ALB_MAX_WEIGHT);
    if (Math.abs(split.percent - weights.canary) > WEIGHT_TOLERANCE) {
      throw new GateError(
        `ALB weights (integers up to ${ALB_MAX_WEIGHT}) cannot express ${formatWeight(weights.canary)}; the closest is ${formatWeight(split.percent)}`,
        { hint: "use steps with at most one decimal" },
      );
    }
    const actions = await this.actions();
    const where = this.describe();
    // Already there: nothing to write, so a second rollback changes nothing.
    if (Math.abs(forwardShare(actions, this.groups, where) - weights.canary) <= WEIGHT_TOLERANCE) return;
    const next = reweighActions(actions, this.groups, split, where);
    const { ruleArn, listenerArn } = this.options;
    if (ruleArn) {
      await this.aws.call(
        {
          action: "ModifyRule",
          resource: `listener rule ${ruleArn}`,
          permission: "elasticloadbalancing:ModifyRule",
        },
        () => this.client.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: next })),
      );
    } else {
      await this.aws.call(
        {
          action: "ModifyListener",
          resource: `listener ${listenerArn}`,
          permission: "elasticloadbalancing:ModifyListener",
        },
        () =>
          this.client.send(new ModifyListenerCommand({ ListenerArn: listenerArn!, DefaultActions: next })),
      );
    }
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }

  private async actions(): Promise<Action[]> {
    const { ruleArn, listenerArn } = this.options;
    if (ruleArn) {
      const out = await this.aws.call(
        {
          action: "DescribeRules",
          resource: `listener rule ${ruleArn}`,
          permission: "elasticloadbalancing:DescribeRules",
        },
        () => this.client.send(new DescribeRulesCommand({ RuleArns: [ruleArn] })),
      );
      const rule = out.Rules?.find((r) => r.RuleArn === ruleArn);
      if (!rule) throw new GateError(`ELBv2 DescribeRules did not return the rule ${ruleArn}`);
      return rule.Actions ?? [];
    }
    const out = await this.aws.call(
      {
        action: "DescribeListeners",
        resource: `listener ${listenerArn}`,
        permission: "elasticloadbalancing:DescribeListeners",
      },
      () => this.client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn!] })),
    );
    const listener = out.Listeners?.find((l) => l.ListenerArn === listenerArn);
    if (!listener) throw new GateError(`ELBv2 DescribeListeners did not return the listener ${listenerArn}`);
    return listener.DefaultActions ?? [];
  }
}

function checkArn(value: string, pattern: RegExp, key: string, what: string): void {
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new GateError(`alb: ${key} "${String(value).slice(0, 200)}" is not ${what}`, {
      hint: "copy it from `aws elbv2 describe-rules` / `describe-listeners` / `describe-target-groups`",
    });
  }
}
