import { type FakeRequest, type FakeResponse, LoopbackServer } from "./loopback.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** RFC 7386 JSON merge patch, as the API server applies `application/merge-patch+json`. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: { [key: string]: Json } =
    typeof target === "object" && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export interface FakeRoute {
  metadata: { name: string; namespace: string; resourceVersion: string; generation: number; uid: string };
  spec: { parentRefs: Json[]; hostnames?: string[]; rules: Json[] };
  status?: { parents: Json[] };
}

const GROUP = "gateway.networking.k8s.io";

/**
 * The Kubernetes API server for HTTPRoutes: GET and merge-patch PATCH of one object, bearer tokens,
 * RBAC refusals, resourceVersion preconditions (409), spec validation (422), generations, and a
 * gateway controller that reports Accepted/ResolvedRefs for each new generation after a few reads.
 */
export class KubeFake {
  routes = new Map<string, FakeRoute>();
  token = "test-token";
  /** Verbs the token may not use (403). */
  readonly forbid = new Set<string>();
  /** Before each of the next N patches, someone else edits the route first. */
  concurrentEdits = 0;
  ignoreUpdates = false;
  /** Reads that see the old status before the controller reports a new generation (-1: no controller). */
  controllerLag = 1;
  /** Services that do not exist: the controller reports ResolvedRefs=False for them. */
  readonly missingServices = new Set<string>();
  /** Answer the next N requests with 429 and Retry-After: 1. */
  throttle = 0;
  readonly services = new Set(["churn-blue", "churn-green", "churn-old"]);
  readonly calls: { method: string; path: string; contentType?: string; body?: Json }[] = [];
  /** Answer the next request with this instead (garbled or oversized bodies). */
  rawAnswer?: FakeResponse;
  private readsSinceChange = 0;
  private version = 1000;
  server!: LoopbackServer;

  static async start(tls?: { key: string; cert: string }): Promise<KubeFake> {
    const fake = new KubeFake();
    fake.server = await LoopbackServer.start((req) => fake.handle(req), tls);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  addRoute(namespace: string, name: string, rules: Json[]): FakeRoute {
    const route: FakeRoute = {
      metadata: { name, namespace, resourceVersion: String(++this.version), generation: 1, uid: "0f1e2d3c" },
      spec: {
        parentRefs: [{ name: "public-gw", namespace: "infra" }],
        hostnames: ["churn.example.com"],
        rules,
      },
    };
    this.routes.set(`${namespace}/${name}`, route);
    this.reportStatus(route);
    return route;
  }

  private handle(req: FakeRequest): FakeResponse {
    const m = new RegExp(`^/apis/${GROUP}/(v1|v1beta1)/namespaces/([^/]+)/httproutes/([^/?]+)$`).exec(
      req.url,
    );
    const body = req.body ? (JSON.parse(req.body) as Json) : undefined;
    this.calls.push({
      method: req.method,
      path: req.url,
      ...(req.headers["content-type"] ? { contentType: String(req.headers["content-type"]) } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    if (this.rawAnswer) {
      const answer = this.rawAnswer;
      this.rawAnswer = undefined;
      return answer;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return status(401, "Unauthorized", "Unauthorized");
    if (this.throttle > 0) {
      this.throttle--;
      return {
        ...status(429, "TooManyRequests", "Too many requests, please try again later."),
        headers: { "content-type": "application/json", "retry-after": "1" },
      };
    }
    if (!m) return status(404, "NotFound", "the server could not find the requested resource");
    const [, , ns, name] = m as unknown as [string, string, string, string];
    const verb = req.method === "GET" ? "get" : req.method === "PATCH" ? "patch" : req.method.toLowerCase();
    if (this.forbid.has(verb)) {
      return status(
        403,
        "Forbidden",
        `httproutes.${GROUP} "${name}" is forbidden: User "system:serviceaccount:ci:canary" cannot ${verb} resource "httproutes" in API group "${GROUP}" in the namespace "${ns}"`,
      );
    }
    const route = this.routes.get(`${ns}/${name}`);
    if (!route) return status(404, "NotFound", `httproutes.${GROUP} "${name}" not found`);
    if (req.method === "GET") {
      this.readsSinceChange++;
      if (this.controllerLag >= 0 && this.readsSinceChange > this.controllerLag) this.reportStatus(route);
      return json(200, route);
    }
    if (req.method !== "PATCH") return status(405, "MethodNotAllowed", req.method);
    if (req.headers["content-type"] !== "application/merge-patch+json") {
      return status(415, "UnsupportedMediaType", `the body of the request was in an unknown format`);
    }
    if (this.concurrentEdits > 0) {
      this.concurrentEdits--;
      route.spec.hostnames = [...(route.spec.hostnames ?? []), `edit-${this.concurrentEdits}.example.com`];
      this.changed(route, true);
    }
    const wanted = (body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== route.metadata.resourceVersion) {
      return status(
        409,
        "Conflict",
        `Operation cannot be fulfilled on httproutes.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    if (this.ignoreUpdates) return json(200, route);
    const next = mergePatch(route as unknown as Json, body as Json) as unknown as FakeRoute;
    const invalid = validate(next);
    if (invalid) return status(422, "Invalid", `HTTPRoute.${GROUP} "${name}" is invalid: ${invalid}`);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(route.spec);
    route.spec = next.spec;
    this.changed(route, specChanged);
    return json(200, route);
  }

  private changed(route: FakeRoute, specChanged: boolean): void {
    route.metadata.resourceVersion = String(++this.version);
    if (specChanged) route.metadata.generation++;
    this.readsSinceChange = 0;
  }

  /** What a gateway controller writes once it has programmed the route's current generation. */
  private reportStatus(route: FakeRoute): void {
    if (this.controllerLag < 0) return;
    const gen = route.metadata.generation;
    const refs = route.spec.rules.flatMap((r) => [
      ...((r as { backendRefs?: { name: string }[] }).backendRefs ?? []).map((b) => b.name),
      // A RequestMirror filter's backend must resolve too.
      ...((r as { filters?: Filter[] }).filters ?? []).flatMap((f) =>
        f.type === "RequestMirror" && f.requestMirror?.backendRef
          ? [String(f.requestMirror.backendRef.name)]
          : [],
      ),
    ]);
    const missing = refs.find((n) => this.missingServices.has(n) || !this.services.has(n));
    route.status = {
      parents: [
        {
          parentRef: { name: "public-gw", namespace: "infra" },
          controllerName: "example.net/gateway-controller",
          conditions: [
            {
              type: "Accepted",
              status: "True",
              reason: "Accepted",
              message: "Route was valid",
              observedGeneration: gen,
            },
            missing
              ? {
                  type: "ResolvedRefs",
                  status: "False",
                  reason: "BackendNotFound",
                  message: `Service "${missing}" not found`,
                  observedGeneration: gen,
                }
              : {
                  type: "ResolvedRefs",
                  status: "True",
                  reason: "ResolvedRefs",
                  message: "",
                  observedGeneration: gen,
                },
          ],
        },
      ],
    };
  }
}

interface Filter {
  type?: string;
  requestMirror?: {
    backendRef?: { name?: unknown; port?: unknown };
    percent?: unknown;
    fraction?: { numerator?: unknown; denominator?: unknown };
  };
}

/** The schema checks the API server runs on filters (RequestMirror, as in Gateway API v1.2+). */
function validateFilters(filters: Filter[], i: number): string | undefined {
  for (const [j, f] of filters.entries()) {
    if (f.type !== "RequestMirror") continue;
    const m = f.requestMirror;
    const at = `spec.rules[${i}].filters[${j}].requestMirror`;
    if (!m?.backendRef || typeof m.backendRef.name !== "string") return `${at}.backendRef: Required value`;
    if (m.backendRef.port === undefined)
      return `${at}.backendRef: Invalid value: "object": Must have port for Service reference`;
    if (m.percent !== undefined && m.fraction !== undefined)
      return `${at}: Invalid value: "object": Only one of percent or fraction may be specified`;
    if (
      m.percent !== undefined &&
      !(Number.isInteger(m.percent) && (m.percent as number) >= 0 && (m.percent as number) <= 100)
    )
      return `${at}.percent: Invalid value: ${String(m.percent)}`;
    if (m.fraction !== undefined) {
      const { numerator, denominator = 100 } = m.fraction;
      if (
        !(
          Number.isInteger(numerator) &&
          Number.isInteger(denominator) &&
          (denominator as number) > 0 &&
          (numerator as number) <= (denominator as number)
        )
      )
        return `${at}.fraction: Invalid value`;
    }
  }
  return undefined;
}

/** The schema checks the API server runs on backendRefs and filters. */
function validate(route: FakeRoute): string | undefined {
  if (!Array.isArray(route.spec?.rules)) return "spec.rules: Required value";
  for (const [i, rule] of route.spec.rules.entries()) {
    const filterProblem = validateFilters((rule as { filters?: Filter[] }).filters ?? [], i);
    if (filterProblem) return filterProblem;
    const refs =
      (rule as { backendRefs?: { name?: unknown; port?: unknown; weight?: unknown }[] }).backendRefs ?? [];
    for (const [j, ref] of refs.entries()) {
      if (typeof ref.name !== "string") return `spec.rules[${i}].backendRefs[${j}].name: Required value`;
      if (ref.port === undefined)
        return `spec.rules[${i}].backendRefs[${j}]: Invalid value: "object": Must have port for Service reference`;
      if (
        ref.weight !== undefined &&
        (!Number.isInteger(ref.weight) || (ref.weight as number) < 0 || (ref.weight as number) > 1_000_000)
      ) {
        return `spec.rules[${i}].backendRefs[${j}].weight: Invalid value: ${String(ref.weight)}`;
      }
    }
  }
  return undefined;
}

function json(code: number, value: unknown): FakeResponse {
  return { status: code, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

function status(code: number, reason: string, message: string): FakeResponse {
  return json(code, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  });
}
