import { randomUUID } from "node:crypto";
import { type FakeRequest, type FakeResponse, LoopbackServer, sigV4Problem } from "./loopback.js";

export interface FakeAlias {
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
}

const PATH = /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/?]+)$/;

/**
 * Lambda's REST-JSON API for GetAlias and UpdateAlias, checking what Lambda checks: published
 * versions only, one additional version with a weight in [0, 1], and the RevisionId precondition.
 */
export class LambdaFake {
  readonly versions = new Set(["1", "2", "3", "4", "5", "6", "7"]);
  readonly aliases = new Map<string, FakeAlias>();
  readonly calls: { method: string; alias: string; body: Record<string, unknown> }[] = [];
  throttle = 0;
  /** Seconds in the Retry-After header of a throttled answer. */
  retryAfter?: number;
  ignoreUpdates = false;
  /** Before the next N updates, another writer edits the alias (so the RevisionId no longer matches). */
  concurrentEdits = 0;
  readonly deny = new Set<string>();
  server!: LambdaServer;

  static async start(): Promise<LambdaFake> {
    const fake = new LambdaFake();
    fake.server = await LoopbackServer.start((req) => fake.handle(req));
    return fake;
  }

  addAlias(name: string, version: string, routes?: Record<string, number>): FakeAlias {
    const alias: FakeAlias = {
      Name: name,
      FunctionVersion: version,
      Description: "production",
      ...(routes ? { RoutingConfig: { AdditionalVersionWeights: routes } } : {}),
      RevisionId: randomUUID(),
    };
    this.aliases.set(name, alias);
    return alias;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: FakeRequest): FakeResponse {
    const auth = sigV4Problem(req.headers, "lambda");
    if (auth) return fail(403, "InvalidSignatureException", auth);
    const m = PATH.exec(req.url);
    if (!m) return fail(404, "UnknownOperationException", `${req.method} ${req.url}`);
    const fn = decodeURIComponent(m[1]!);
    const name = decodeURIComponent(m[2]!);
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    this.calls.push({ method: req.method, alias: name, body });
    if (this.throttle > 0) {
      this.throttle--;
      return {
        ...fail(429, "TooManyRequestsException", "Rate exceeded", { Reason: "CallerRateLimitExceeded" }),
        ...(this.retryAfter !== undefined
          ? {
              headers: {
                ...json,
                "x-amzn-errortype": "TooManyRequestsException",
                "retry-after": String(this.retryAfter),
              },
            }
          : {}),
      };
    }
    const action = req.method === "GET" ? "GetAlias" : "UpdateAlias";
    if (this.deny.has(action)) {
      return fail(
        403,
        "AccessDeniedException",
        `User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: lambda:${action} on resource: arn:aws:lambda:eu-west-1:123456789012:function:${fn}:${name}`,
      );
    }
    if (fn !== "churn-scorer")
      return fail(
        404,
        "ResourceNotFoundException",
        `Function not found: arn:aws:lambda:eu-west-1:123456789012:function:${fn}`,
      );
    const alias = this.aliases.get(name);
    if (!alias)
      return fail(
        404,
        "ResourceNotFoundException",
        `Alias not found: arn:aws:lambda:eu-west-1:123456789012:function:${fn}:${name}`,
      );
    if (req.method === "GET") return ok(alias);
    if (req.method !== "PUT") return fail(405, "UnknownOperationException", req.method);
    if (this.concurrentEdits > 0) {
      this.concurrentEdits--;
      alias.Description = `edited by someone else ${this.concurrentEdits}`;
      alias.RevisionId = randomUUID();
    }
    if (body.RevisionId !== undefined && body.RevisionId !== alias.RevisionId) {
      return fail(
        412,
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id",
      );
    }
    const version = (body.FunctionVersion as string | undefined) ?? alias.FunctionVersion;
    if (!this.versions.has(version))
      return fail(404, "ResourceNotFoundException", `Function version ${version} not found`);
    const routes = (body.RoutingConfig as { AdditionalVersionWeights?: Record<string, number> } | undefined)
      ?.AdditionalVersionWeights;
    if (routes) {
      const entries = Object.entries(routes);
      if (entries.length > 1)
        return fail(
          400,
          "InvalidParameterValueException",
          "Number of items in AdditionalVersionWeights cannot be greater than 1",
        );
      for (const [v, w] of entries) {
        if (!this.versions.has(v))
          return fail(400, "InvalidParameterValueException", `Function version ${v} not found`);
        if (v === version)
          return fail(
            400,
            "InvalidParameterValueException",
            "Additional version cannot be the primary version",
          );
        if (typeof w !== "number" || w < 0 || w > 1)
          return fail(400, "InvalidParameterValueException", `weight ${w} is not in [0.0, 1.0]`);
      }
    }
    if (this.ignoreUpdates) return ok(alias);
    alias.FunctionVersion = version;
    if (routes) {
      if (Object.keys(routes).length === 0) delete alias.RoutingConfig;
      else alias.RoutingConfig = { AdditionalVersionWeights: routes };
    }
    alias.RevisionId = randomUUID();
    return ok(alias);
  }
}

type LambdaServer = LoopbackServer;

const json = { "content-type": "application/json", "x-amzn-requestid": "req-1" };

function ok(alias: FakeAlias): FakeResponse {
  return {
    status: 200,
    headers: json,
    body: JSON.stringify({
      AliasArn: `arn:aws:lambda:eu-west-1:123456789012:function:churn-scorer:${alias.Name}`,
      ...alias,
    }),
  };
}

function fail(
  status: number,
  type: string,
  message: string,
  extra: Record<string, string> = {},
): FakeResponse {
  return {
    status,
    headers: {
      ...json,
      "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.lambda/`,
    },
    body: JSON.stringify({ Type: "User", message, ...extra }),
  };
}
