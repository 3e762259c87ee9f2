/**
 * Stand-in for real users: prediction requests at a steady rate to a router, counting which version
 * answered each one (from `x-model-version`), so the split the router serves can be seen. With
 * `clients`, each request comes from one of that many clients (identified by the `x-client-id` header),
 * and the versions each client saw are kept, so a sticky split can be checked.
 */
import { request } from "undici";
import { exampleBodies } from "../serve/index.js";
import { VERSION_HEADER } from "./model-server.js";

export interface UserTrafficOptions {
  /** Distinct clients sending the requests, round-robin (default: anonymous requests). */
  clients?: number;
}

export interface UserTraffic {
  /** Answers per version so far (`unknown` when the header was missing, `error` for failed requests). */
  readonly answered: Record<string, number>;
  /** Requests that failed: no answer at all, or a status outside 2xx. */
  readonly failed: number;
  /** Requests sent and answered in all. */
  readonly total: number;
  /** The versions each client was answered by. */
  readonly seenBy: Map<string, Set<string>>;
  /** Forget the counts (e.g. before checking the final split). */
  reset(): void;
  stop(): Promise<void>;
}

export function startUserTraffic(url: string, rate: number, options: UserTrafficOptions = {}): UserTraffic {
  const bodies = exampleBodies(50).map((b) => JSON.stringify(b));
  let answered: Record<string, number> = {};
  let failed = 0;
  let total = 0;
  const seenBy = new Map<string, Set<string>>();
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  const send = async () => {
    const n = seq++;
    const body = bodies[n % bodies.length]!;
    const client = options.clients ? `user-${n % options.clients}` : undefined;
    try {
      const res = await request(`${url}/v1/predict`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...(client ? { "x-client-id": client } : {}) },
        // A fresh connection per request, so a router's new weights apply at once.
        reset: true,
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      await res.body.dump();
      total++;
      if (res.statusCode < 200 || res.statusCode >= 300) failed++;
      const version = res.headers[VERSION_HEADER];
      const key = typeof version === "string" ? version : "unknown";
      answered[key] = (answered[key] ?? 0) + 1;
      if (client) {
        const seen = seenBy.get(client) ?? new Set<string>();
        seen.add(key);
        seenBy.set(client, seen);
      }
    } catch {
      total++;
      failed++;
      answered.error = (answered.error ?? 0) + 1;
    }
  };
  const timer = setInterval(() => {
    const p = send().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, 1000 / rate);
  return {
    get answered() {
      return answered;
    },
    get failed() {
      return failed;
    },
    get total() {
      return total;
    },
    seenBy,
    reset: () => {
      answered = {};
    },
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
