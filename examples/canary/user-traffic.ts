/**
 * Stand-in for real users: prediction requests at a steady rate to a router, counting which version
 * answered each one (from `x-model-version`), so the split the router serves can be seen.
 */
import { request } from "undici";
import { exampleBodies } from "../serve/index.js";
import { VERSION_HEADER } from "./model-server.js";

export interface UserTraffic {
  /** Answers per version so far (`unknown` when the header was missing, `error` for failed requests). */
  readonly answered: Record<string, number>;
  /** Forget the counts (e.g. before checking the final split). */
  reset(): void;
  stop(): Promise<void>;
}

export function startUserTraffic(url: string, rate: number): UserTraffic {
  const bodies = exampleBodies(50).map((b) => JSON.stringify(b));
  let answered: Record<string, number> = {};
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  const send = async () => {
    const body = bodies[seq++ % bodies.length]!;
    try {
      const res = await request(`${url}/v1/predict`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
        // A fresh connection per request, so a router's new weights apply at once.
        reset: true,
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      await res.body.dump();
      const version = res.headers[VERSION_HEADER];
      const key = typeof version === "string" ? version : "unknown";
      answered[key] = (answered[key] ?? 0) + 1;
    } catch {
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
    reset: () => {
      answered = {};
    },
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
