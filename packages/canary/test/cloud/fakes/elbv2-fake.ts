import { type FakeRequest, type FakeResponse, LoopbackServer, sigV4Problem } from "./loopback.js";
import {
  decodeQueryForm,
  type QueryValue,
  queryError,
  queryResponse,
  type XmlValue,
} from "./query-protocol.js";

const NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
const PREFIX = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";

export const LISTENER_ARN = `${PREFIX}:listener/app/churn-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
export const RULE_ARN = `${PREFIX}:listener-rule/app/churn-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
export const BLUE_TG = `${PREFIX}:targetgroup/churn-blue/73e2d6bc24d8a067`;
export const GREEN_TG = `${PREFIX}:targetgroup/churn-green/2453ed029918f21f`;
export const OTHER_TG = `${PREFIX}:targetgroup/churn-old/0123456789abcdef`;

export interface FakeTuple {
  TargetGroupArn: string;
  Weight: number;
}

export interface FakeAction {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups: FakeTuple[];
    TargetGroupStickinessConfig?: { Enabled: boolean; DurationSeconds?: number };
  };
  AuthenticateOidcConfig?: Record<string, string | boolean>;
}

/**
 * ELBv2 over the AWS query protocol (form-encoded POST, XML answers) for the four calls the canary
 * makes, validating actions the way ALB does: weights 0 to 999, known target groups, no lone
 * TargetGroupArn next to several weighted groups, OIDC secrets kept only when asked to.
 */
export class Elbv2Fake {
  readonly targetGroups = new Set([BLUE_TG, GREEN_TG, OTHER_TG]);
  listenerActions: FakeAction[] = [];
  ruleActions: FakeAction[] = [];
  readonly calls: { action: string; input: Record<string, QueryValue> }[] = [];
  throttle = 0;
  ignoreUpdates = false;
  readonly deny = new Set<string>();
  server!: LoopbackServer;

  static async start(): Promise<Elbv2Fake> {
    const fake = new Elbv2Fake();
    fake.server = await LoopbackServer.start((req) => fake.handle(req));
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: FakeRequest): FakeResponse {
    if (req.method !== "POST" || req.headers["content-type"] !== "application/x-www-form-urlencoded") {
      return fail(400, "MalformedQueryString", `unexpected ${req.method} ${req.headers["content-type"]}`);
    }
    const auth = sigV4Problem(req.headers, "elasticloadbalancing");
    if (auth) return fail(403, "IncompleteSignature", auth);
    const input = decodeQueryForm(req.body);
    const action = String(input.Action);
    if (input.Version !== "2015-12-01") return fail(400, "InvalidAction", `version ${String(input.Version)}`);
    this.calls.push({ action, input });
    if (this.throttle > 0) {
      this.throttle--;
      return fail(400, "Throttling", "Rate exceeded");
    }
    if (this.deny.has(action)) {
      return fail(
        403,
        "AccessDenied",
        `User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: elasticloadbalancing:${action}`,
      );
    }
    switch (action) {
      case "DescribeRules":
        if (!list(input.RuleArns).includes(RULE_ARN))
          return fail(400, "RuleNotFound", "One or more rules not found");
        return ok(action, {
          Rules: [
            {
              RuleArn: RULE_ARN,
              Priority: "10",
              Conditions: [{ Field: "path-pattern", Values: ["/v1/predict"] }],
              Actions: this.ruleActions.map(actionXml),
              IsDefault: false,
            },
          ],
        });
      case "DescribeListeners":
        if (!list(input.ListenerArns).includes(LISTENER_ARN))
          return fail(400, "ListenerNotFound", "One or more listeners not found");
        return ok(action, {
          Listeners: [
            {
              ListenerArn: LISTENER_ARN,
              Port: 443,
              Protocol: "HTTPS",
              DefaultActions: this.listenerActions.map(actionXml),
            },
          ],
        });
      case "ModifyRule": {
        if (input.RuleArn !== RULE_ARN) return fail(400, "RuleNotFound", "One or more rules not found");
        const parsed = this.parseActions(input.Actions);
        if (typeof parsed === "string") return fail(400, "ValidationError", parsed);
        if (!this.ignoreUpdates) this.ruleActions = parsed;
        return ok(action, { Rules: [{ RuleArn: RULE_ARN, Actions: this.ruleActions.map(actionXml) }] });
      }
      case "ModifyListener": {
        if (input.ListenerArn !== LISTENER_ARN)
          return fail(400, "ListenerNotFound", "One or more listeners not found");
        const parsed = this.parseActions(input.DefaultActions);
        if (typeof parsed === "string") return fail(400, "ValidationError", parsed);
        if (!this.ignoreUpdates) this.listenerActions = parsed;
        return ok(action, {
          Listeners: [{ ListenerArn: LISTENER_ARN, DefaultActions: this.listenerActions.map(actionXml) }],
        });
      }
      default:
        return fail(400, "InvalidAction", `The action ${action} is not valid for this web service.`);
    }
  }

  /** The actions of a Modify call, checked as ALB checks them; a string is the validation error. */
  private parseActions(raw: QueryValue | undefined): FakeAction[] | string {
    if (!Array.isArray(raw) || raw.length === 0) return "Actions must contain at least one action";
    const out: FakeAction[] = [];
    for (const item of raw as Record<string, QueryValue>[]) {
      const action: FakeAction = { Type: String(item.Type) };
      if (item.Order !== undefined) action.Order = Number(item.Order);
      if (typeof item.TargetGroupArn === "string") action.TargetGroupArn = item.TargetGroupArn;
      const forward = item.ForwardConfig as Record<string, QueryValue> | undefined;
      if (forward) {
        const tuples = (forward.TargetGroups ?? []) as Record<string, QueryValue>[];
        action.ForwardConfig = {
          TargetGroups: tuples.map((t) => ({
            TargetGroupArn: String(t.TargetGroupArn),
            Weight: Number(t.Weight ?? 1),
          })),
        };
        const sticky = forward.TargetGroupStickinessConfig as Record<string, QueryValue> | undefined;
        if (sticky) {
          action.ForwardConfig.TargetGroupStickinessConfig = {
            Enabled: sticky.Enabled === "true",
            ...(sticky.DurationSeconds !== undefined
              ? { DurationSeconds: Number(sticky.DurationSeconds) }
              : {}),
          };
        }
        for (const t of action.ForwardConfig.TargetGroups) {
          if (!this.targetGroups.has(t.TargetGroupArn)) return `Target group '${t.TargetGroupArn}' not found`;
          if (!Number.isInteger(t.Weight) || t.Weight < 0 || t.Weight > 999)
            return `weight ${t.Weight} is not between 0 and 999`;
        }
        if (action.TargetGroupArn && action.ForwardConfig.TargetGroups.length > 1) {
          return "You cannot specify both a target group ARN and a forward config with more than one target group";
        }
      }
      const oidc = item.AuthenticateOidcConfig as Record<string, string> | undefined;
      if (oidc) {
        if (!oidc.ClientSecret && oidc.UseExistingClientSecret !== "true")
          return "A client secret must be specified";
        const { ClientSecret: _s, ...kept } = oidc;
        action.AuthenticateOidcConfig = kept;
      }
      out.push(action);
    }
    return out;
  }
}

function list(v: QueryValue | undefined): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function actionXml(a: FakeAction): XmlValue {
  const single =
    a.ForwardConfig?.TargetGroups.length === 1 ? a.ForwardConfig.TargetGroups[0]!.TargetGroupArn : undefined;
  return {
    Type: a.Type,
    Order: a.Order,
    // ALB reports a lone target group in both places.
    TargetGroupArn: a.TargetGroupArn ?? single,
    ForwardConfig: a.ForwardConfig
      ? {
          TargetGroups: a.ForwardConfig.TargetGroups.map((t) => ({
            TargetGroupArn: t.TargetGroupArn,
            Weight: t.Weight,
          })),
          TargetGroupStickinessConfig: a.ForwardConfig.TargetGroupStickinessConfig ?? { Enabled: false },
        }
      : undefined,
    AuthenticateOidcConfig: a.AuthenticateOidcConfig as XmlValue,
  };
}

function ok(action: string, result: Record<string, XmlValue>): FakeResponse {
  return { status: 200, headers: { "content-type": "text/xml" }, body: queryResponse(action, NS, result) };
}

function fail(status: number, code: string, message: string): FakeResponse {
  return { status, headers: { "content-type": "text/xml" }, body: queryError(NS, code, message) };
}
