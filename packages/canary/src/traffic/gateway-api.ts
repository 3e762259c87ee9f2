import { GateError } from "@mlgate/core";
import {
  type KubeAnswer,
  KubeClient,
  type KubeConnectionOptions,
  KubeUnreachable,
  kubeStatusMessage,
} from "../cloud/kube-api.js";
import { pollUntil } from "../cloud/poll.js";
import { withRetry } from "../cloud/retry.js";
import { integerSplit, percentOf } from "../cloud/shares.js";
import { type Clock, realClock } from "../engine/clock.js";
import { formatWeight } from "../plan/types.js";
import { type Routing, type RoutingAbilities, VerifiedRoutingProvider, WEIGHT_TOLERANCE } from "./types.js";

/** A backend of the route, as a backendRef names it (a Service unless kind says otherwise). */
export interface BackendSelector {
  name: string;
  namespace?: string;
  /** Matched when given; copied into a backendRef the provider adds (default: the baseline's port). */
  port?: number;
  kind?: string;
  group?: string;
}

export interface GatewayApiTrafficOptions extends KubeConnectionOptions {
  /** The HTTPRoute's namespace (default: the pod's, in-cluster; else `default`). */
  namespace?: string;
  /** The HTTPRoute's name. */
  route: string;
  baseline: BackendSelector;
  candidate: BackendSelector;
  /** Indexes of the rules that carry the split (default: every rule naming either backend). */
  rules?: number[];
  /** Gateway API version served by the cluster (default v1). */
  apiVersion?: "v1" | "v1beta1";
  /** Re-reads after a write lost to a concurrent change (HTTP 409), default 5. */
  conflictRetries?: number;
  /** Wait for the gateway controller to accept the new generation (default true). */
  waitForController?: boolean;
  pollIntervalMs?: number;
  /** Longest wait for the controller (default 2 min). */
  timeoutMs?: number;
  clock?: Clock;
}

/** Gateway API allows 1,000,000 as a weight; 16 rules of 16 backends each. */
export const GATEWAY_MAX_WEIGHT = 1_000_000;
const MAX_RULES = 64;
const MAX_BACKENDS = 64;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

interface BackendRef {
  name?: unknown;
  namespace?: unknown;
  port?: unknown;
  kind?: unknown;
  group?: unknown;
  weight?: unknown;
  [key: string]: unknown;
}

interface RouteFilter {
  type?: unknown;
  requestMirror?: {
    backendRef?: BackendRef;
    percent?: unknown;
    fraction?: { numerator?: unknown; denominator?: unknown };
  };
  [key: string]: unknown;
}

interface RouteRule {
  backendRefs?: BackendRef[];
  filters?: RouteFilter[];
  [key: string]: unknown;
}

interface Condition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
  observedGeneration?: unknown;
}

interface HttpRoute {
  metadata?: { resourceVersion?: unknown; generation?: unknown };
  spec?: { rules?: RouteRule[] };
  status?: {
    parents?: { parentRef?: { name?: unknown }; controllerName?: unknown; conditions?: Condition[] }[];
  };
}

/**
 * A Gateway API HTTPRoute whose rules split traffic between two backendRefs by weight. A move reads
 * the route, sets the weights of the chosen rules, and writes the rules back with a JSON merge patch
 * that carries the resourceVersion it read: a concurrent edit makes the API server answer 409, and
 * the provider reads again instead of overwriting. It then waits until the gateway controller has
 * accepted the new generation (Accepted and ResolvedRefs true), and reads the weights back.
 *
 * Shadow traffic is a `RequestMirror` filter on the same rules, pointing at the candidate's backend
 * (with `percent` below 100%): the gateway copies requests to it and discards its answers.
 */
export class GatewayApiTrafficProvider extends VerifiedRoutingProvider {
  readonly kind = "gateway-api";
  readonly abilities: RoutingAbilities = { mirror: true, sticky: false };
  private readonly kube: KubeClient;
  private readonly clock: Clock;
  private namespaceResolved: string | undefined;

  constructor(private readonly options: GatewayApiTrafficOptions) {
    super();
    if (typeof options.route !== "string" || !DNS_SUBDOMAIN.test(options.route)) {
      throw new GateError(
        `gateway-api: "${String(options.route).slice(0, 100)}" is not a Kubernetes object name`,
      );
    }
    if (options.namespace !== undefined && !DNS_LABEL.test(options.namespace)) {
      throw new GateError(`gateway-api: "${options.namespace.slice(0, 100)}" is not a namespace name`);
    }
    for (const [role, b] of [
      ["baseline", options.baseline],
      ["candidate", options.candidate],
    ] as const) {
      if (!b || typeof b.name !== "string" || !DNS_SUBDOMAIN.test(b.name)) {
        throw new GateError(`gateway-api: the ${role} backend needs a name (a Service name)`);
      }
      if (b.port !== undefined && !(Number.isInteger(b.port) && b.port > 0 && b.port < 65536)) {
        throw new GateError(`gateway-api: the ${role} backend's port ${b.port} is not a port number`);
      }
    }
    this.kube = new KubeClient(options);
    this.clock = options.clock ?? realClock;
  }

  describe(): string {
    return `HTTPRoute ${this.routeNamespace()}/${this.options.route}`;
  }

  protected async readRouting(): Promise<Routing> {
    const route = await this.get();
    return { canary: this.shareOf(route), mirror: this.mirrorOf(route) };
  }

  protected async applyRouting(routing: Routing): Promise<void> {
    const split = integerSplit(routing.canary, GATEWAY_MAX_WEIGHT);
    if (Math.abs(split.percent - routing.canary) > WEIGHT_TOLERANCE) {
      throw new GateError(`HTTPRoute weights cannot express ${formatWeight(routing.canary)}`, {
        hint: "use steps with at most two decimals",
      });
    }
    const tries = Math.max(1, this.options.conflictRetries ?? 5);
    let generation: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const route = await this.get();
      if (
        Math.abs(this.shareOf(route) - routing.canary) <= WEIGHT_TOLERANCE &&
        Math.abs(this.mirrorOf(route) - routing.mirror) <= WEIGHT_TOLERANCE
      ) {
        generation = Number(route.metadata?.generation ?? 0);
        break;
      }
      const rules = this.reweigh(route, split, routing.mirror);
      const answer = await this.send("PATCH", {
        type: "application/merge-patch+json",
        value: { metadata: { resourceVersion: route.metadata?.resourceVersion }, spec: { rules } },
      });
      if (answer.status === 409 && attempt < tries) continue;
      if (answer.status === 409) {
        throw new GateError(
          `${this.describe()} kept changing while the canary wrote it (${tries} conflicts in a row)`,
          {
            hint: "another controller or person is editing the route; make sure nothing else manages its weights",
          },
        );
      }
      this.check(answer, "patch");
      generation = Number((answer.json as HttpRoute).metadata?.generation ?? 0);
      break;
    }
    if (this.options.waitForController !== false) await this.waitAccepted(generation);
  }

  override async close(): Promise<void> {
    await this.kube.close();
  }

  /** The namespace as far as known; `namespace()` settles the in-cluster default first. */
  private routeNamespace(): string {
    return this.options.namespace ?? this.namespaceResolved ?? "default";
  }

  private async namespace(): Promise<string> {
    if (this.options.namespace) return this.options.namespace;
    if (this.namespaceResolved === undefined) {
      this.namespaceResolved = this.options.server
        ? "default"
        : ((await this.kube.inClusterNamespace()) ?? "default");
    }
    return this.namespaceResolved;
  }

  private async path(): Promise<string> {
    const version = this.options.apiVersion ?? "v1";
    return `/apis/gateway.networking.k8s.io/${version}/namespaces/${await this.namespace()}/httproutes/${this.options.route}`;
  }

  /** One request; the API server's throttling (429), its 5xx and unreachability are retried. */
  private async send(method: "GET" | "PATCH", body?: { type: string; value: unknown }): Promise<KubeAnswer> {
    const path = await this.path();
    return withRetry(
      async () => {
        const answer = await this.kube.request(method, path, body);
        if (answer.status === 429 || answer.status >= 500) throw new TransientAnswer(answer);
        return answer;
      },
      {
        attempts: 5,
        baseDelayMs: 500,
        maxDelayMs: 10_000,
        clock: this.clock,
        retryable: (e) => e instanceof TransientAnswer || e instanceof KubeUnreachable,
        retryAfterMs: (e) => {
          const after = e instanceof TransientAnswer ? Number(e.answer.headers["retry-after"]) : Number.NaN;
          return Number.isFinite(after) ? after * 1000 : undefined;
        },
      },
    ).catch((e: unknown) => {
      if (e instanceof TransientAnswer) return e.answer;
      throw e;
    });
  }

  private async get(): Promise<HttpRoute> {
    const answer = await this.send("GET");
    this.check(answer, "get");
    const route = answer.json as HttpRoute;
    if (typeof route !== "object" || route === null || !Array.isArray(route.spec?.rules)) {
      throw new GateError(`${this.describe()} has no spec.rules`);
    }
    if (route.spec.rules.length > MAX_RULES)
      throw new GateError(`${this.describe()} has ${route.spec.rules.length} rules, over ${MAX_RULES}`);
    return route;
  }

  /** Throw a GateError saying what the API server refused and what the job needs. */
  private check(answer: KubeAnswer, verb: "get" | "patch"): void {
    if (answer.status >= 200 && answer.status < 300) return;
    const what = `${this.describe()}: the Kubernetes API answered ${verb} with HTTP ${answer.status}: ${kubeStatusMessage(answer)}`;
    if (answer.status === 401) {
      throw new GateError(what, {
        hint: "the bearer token is missing, expired or not valid for this cluster",
      });
    }
    if (answer.status === 403) {
      throw new GateError(what, {
        hint: `grant the job's service account the verbs get and patch on httproutes.gateway.networking.k8s.io in namespace ${this.routeNamespace()} (a Role and RoleBinding)`,
      });
    }
    if (answer.status === 404) {
      throw new GateError(what, {
        hint: "check the route's name and namespace, and that the Gateway API CRDs (and this api-version) are installed",
      });
    }
    throw new GateError(what);
  }

  private matches(ref: BackendRef, selector: BackendSelector, routeNamespace: string): boolean {
    return (
      ref.name === selector.name &&
      (typeof ref.namespace === "string" ? ref.namespace : routeNamespace) ===
        (selector.namespace ?? routeNamespace) &&
      (typeof ref.kind === "string" ? ref.kind : "Service") === (selector.kind ?? "Service") &&
      (typeof ref.group === "string" ? ref.group : "") === (selector.group ?? "") &&
      (selector.port === undefined || ref.port === selector.port)
    );
  }

  /** The rules that carry the split: the configured ones, or every rule naming either backend. */
  private selectedRules(route: HttpRoute): number[] {
    const rules = route.spec!.rules!;
    const ns = this.routeNamespace();
    if (this.options.rules) {
      for (const i of this.options.rules) {
        if (!Number.isInteger(i) || i < 0 || i >= rules.length) {
          throw new GateError(`${this.describe()} has no rule ${i} (it has ${rules.length})`, {
            hint: "rules are counted from 0",
          });
        }
      }
      return this.options.rules;
    }
    const chosen = rules.flatMap((rule, i) =>
      (rule.backendRefs ?? []).some(
        (r) => this.matches(r, this.options.baseline, ns) || this.matches(r, this.options.candidate, ns),
      )
        ? [i]
        : [],
    );
    if (chosen.length === 0) {
      throw new GateError(
        `${this.describe()} has no rule that sends traffic to ${this.options.baseline.name} or ${this.options.candidate.name}`,
      );
    }
    return chosen;
  }

  private refsOf(rule: RouteRule, index: number): BackendRef[] {
    const refs = rule.backendRefs ?? [];
    if (!Array.isArray(refs) || refs.length > MAX_BACKENDS) {
      throw new GateError(`${this.describe()}: rule ${index} has a malformed or oversized backendRefs list`);
    }
    return refs;
  }

  /** The candidate's share; every chosen rule must agree. */
  private shareOf(route: HttpRoute): number {
    const ns = this.routeNamespace();
    const shares = this.selectedRules(route).map((i) => {
      const refs = this.refsOf(route.spec!.rules![i]!, i);
      const weight = (r: BackendRef) => (typeof r.weight === "number" && r.weight >= 0 ? r.weight : 1);
      const candidate = refs
        .filter((r) => this.matches(r, this.options.candidate, ns))
        .reduce((s, r) => s + weight(r), 0);
      const total = refs.reduce((s, r) => s + weight(r), 0);
      const share = percentOf(candidate, total);
      if (share === undefined)
        throw new GateError(`${this.describe()}: rule ${i} gives no backend any weight`);
      return { i, share };
    });
    const first = shares[0]!;
    const odd = shares.find((s) => Math.abs(s.share - first.share) > WEIGHT_TOLERANCE);
    if (odd) {
      throw new GateError(
        `${this.describe()}: rule ${first.i} sends ${formatWeight(first.share)} to the candidate but rule ${odd.i} sends ${formatWeight(odd.share)}`,
        {
          hint: "the canary sets every rule naming the two backends; limit it with rules: [...] if only some should move",
        },
      );
    }
    return first.share;
  }

  /** The candidate's mirrored share (0 without a mirror filter naming it); every chosen rule must agree. */
  private mirrorOf(route: HttpRoute): number {
    const ns = this.routeNamespace();
    const shares = this.selectedRules(route).map((i) => {
      const filters = route.spec!.rules![i]!.filters;
      const mine = (Array.isArray(filters) ? filters : []).filter(
        (f) =>
          f?.type === "RequestMirror" &&
          f.requestMirror?.backendRef &&
          this.matches(f.requestMirror.backendRef, this.options.candidate, ns),
      );
      if (mine.length === 0) return { i, share: 0 };
      if (mine.length > 1)
        throw new GateError(`${this.describe()}: rule ${i} mirrors to the candidate twice`);
      return { i, share: mirrorShare(mine[0]!, this.describe(), i) };
    });
    const first = shares[0]!;
    const odd = shares.find((x) => Math.abs(x.share - first.share) > WEIGHT_TOLERANCE);
    if (odd) {
      throw new GateError(
        `${this.describe()}: rule ${first.i} mirrors ${formatWeight(first.share)} to the candidate but rule ${odd.i} ${formatWeight(odd.share)}`,
      );
    }
    return first.share;
  }

  /**
   * The route's rules with the chosen rules' two weights set. Everything else in the rules (matches,
   * filters, timeouts, other backends at weight 0) is written back as read.
   */
  private reweigh(
    route: HttpRoute,
    split: { baseline: number; candidate: number },
    mirror: number,
  ): RouteRule[] {
    const ns = this.routeNamespace();
    const { baseline, candidate } = this.options;
    const rules = structuredClone(route.spec!.rules!);
    for (const i of this.selectedRules(route)) {
      const rule = rules[i]!;
      const refs = this.refsOf(rule, i);
      const busy = refs.find(
        (r) =>
          !this.matches(r, baseline, ns) &&
          !this.matches(r, candidate, ns) &&
          (typeof r.weight !== "number" || r.weight > 0),
      );
      if (busy) {
        throw new GateError(`${this.describe()}: rule ${i} also sends traffic to ${String(busy.name)}`, {
          hint: "set that backend's weight to 0 first, or name it as the baseline",
        });
      }
      const baseRef = refs.find((r) => this.matches(r, baseline, ns));
      const candRef = refs.find((r) => this.matches(r, candidate, ns));
      for (const r of refs) {
        if (r === baseRef) r.weight = split.baseline;
        else if (r === candRef) r.weight = split.candidate;
        else if (this.matches(r, baseline, ns) || this.matches(r, candidate, ns)) r.weight = 0;
      }
      if (!baseRef) refs.push(newRef(baseline, split.baseline, candRef));
      if (!candRef) refs.push(newRef(candidate, split.candidate, baseRef));
      rule.backendRefs = refs;
      // The canary's own mirror filter is replaced; other filters stay as they were.
      const filters = (Array.isArray(rule.filters) ? rule.filters : []).filter(
        (f) =>
          !(
            f?.type === "RequestMirror" &&
            f.requestMirror?.backendRef &&
            this.matches(f.requestMirror.backendRef, candidate, ns)
          ),
      );
      if (mirror > 0) {
        const { weight: _w, ...target } = newRef(candidate, 0, baseRef ?? candRef);
        filters.push({
          type: "RequestMirror",
          requestMirror: {
            backendRef: target,
            ...(mirror < 100
              ? Number.isInteger(mirror)
                ? { percent: mirror }
                : { fraction: { numerator: Math.round(mirror * 100), denominator: 10_000 } }
              : {}),
          },
        });
      }
      if (filters.length > 0) rule.filters = filters;
      else delete rule.filters;
    }
    return rules;
  }

  /** Until every parent's controller reports the generation Accepted with its references resolved. */
  private async waitAccepted(generation: number | undefined): Promise<void> {
    await pollUntil({
      what: this.describe(),
      intervalMs: this.options.pollIntervalMs ?? 2000,
      timeoutMs: this.options.timeoutMs ?? 120_000,
      clock: this.clock,
      hint: "no gateway controller has accepted the change; check the route's status (kubectl describe httproute), or set wait-for-controller: false when no controller reports status",
      check: async () => {
        const route = await this.get();
        const gen = generation ?? Number(route.metadata?.generation ?? 0);
        const parents = route.status?.parents ?? [];
        if (parents.length === 0) return { done: false, status: "without any parent status" };
        for (const parent of parents) {
          const conditions = parent.conditions ?? [];
          const current = (type: string) =>
            conditions.find((c) => c.type === type && Number(c.observedGeneration ?? -1) >= gen);
          const accepted = current("Accepted");
          const resolved = current("ResolvedRefs");
          const parentName = String(parent.parentRef?.name ?? "?");
          for (const c of [accepted, resolved]) {
            if (c && c.status === "False") {
              throw new GateError(
                `${this.describe()}: gateway ${parentName} reports ${String(c.type)}=False (${String(c.reason ?? "")}): ${String(c.message ?? "").slice(0, 300)}`,
                {
                  hint:
                    c.type === "ResolvedRefs"
                      ? "check that both backend Services exist and may be referenced"
                      : "see kubectl describe httproute",
                },
              );
            }
          }
          if (accepted?.status !== "True") {
            return { done: false, status: `not yet accepted by gateway ${parentName} at generation ${gen}` };
          }
        }
        return { done: true, value: undefined };
      },
    });
  }
}

/** A RequestMirror filter's share in percent: `percent`, a `fraction`, or all requests when neither is set. */
function mirrorShare(filter: RouteFilter, where: string, rule: number): number {
  const m = filter.requestMirror!;
  if (m.percent !== undefined) {
    if (typeof m.percent === "number" && Number.isInteger(m.percent) && m.percent >= 0 && m.percent <= 100)
      return m.percent;
    throw new GateError(`${where}: rule ${rule}'s mirror percent ${String(m.percent)} is not 0 to 100`);
  }
  if (m.fraction !== undefined) {
    const { numerator, denominator = 100 } = m.fraction;
    if (
      typeof numerator === "number" &&
      typeof denominator === "number" &&
      Number.isInteger(numerator) &&
      Number.isInteger(denominator) &&
      denominator > 0 &&
      numerator >= 0 &&
      numerator <= denominator
    )
      return Math.round((numerator / denominator) * 10_000) / 100;
    throw new GateError(`${where}: rule ${rule}'s mirror fraction is malformed`);
  }
  return 100;
}

function newRef(selector: BackendSelector, weight: number, sibling: BackendRef | undefined): BackendRef {
  const port = selector.port ?? (typeof sibling?.port === "number" ? sibling.port : undefined);
  return {
    ...(selector.group !== undefined ? { group: selector.group } : {}),
    ...(selector.kind !== undefined ? { kind: selector.kind } : {}),
    name: selector.name,
    ...(selector.namespace !== undefined ? { namespace: selector.namespace } : {}),
    ...(port !== undefined ? { port } : {}),
    weight,
  };
}

/** A 429 or 5xx answer, thrown so the retry loop sees it. */
class TransientAnswer extends Error {
  constructor(readonly answer: KubeAnswer) {
    super(`HTTP ${answer.status}`);
  }
}
