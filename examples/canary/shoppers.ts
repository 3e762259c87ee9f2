/**
 * Stand-in for shoppers in an A/B test: new clients arrive at a steady rate, each with its own id in
 * `x-client-id`; each asks the router for a prediction (sometimes twice), and converts
 * (`POST /v1/convert`, through the same router, so the sticky split sends it to the same version)
 * with the probability its version's `conversion` rate gives. The versions each client saw are kept.
 */
import { request } from "undici";
import { exampleBodies } from "../serve/index.js";
import { VERSION_HEADER } from "./model-server.js";

export interface ShopperOptions {
  /** New clients per second. */
  rate: number;
  /** Conversion probability by version label, e.g. `{ v1: 0.1, v2: 0.3 }`. */
  conversion: Record<string, number>;
  /** Share of clients that ask for a second prediction before deciding (default 0.3). */
  returning?: number;
  seed?: number;
}

export interface Shoppers {
  /** Clients that arrived and were answered. */
  readonly clients: number;
  /** Conversions sent, by the version that served the client. */
  readonly conversions: Record<string, number>;
  /** Requests that failed (no answer, or a status outside 2xx). */
  readonly failed: number;
  /** The versions that answered each client (predictions and conversions). */
  readonly seenBy: Map<string, Set<string>>;
  stop(): Promise<void>;
}

export function startShoppers(url: string, options: ShopperOptions): Shoppers {
  const bodies = exampleBodies(40).map((b) => JSON.stringify(b));
  let state = options.seed ?? 99;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  let clients = 0;
  let failed = 0;
  const conversions: Record<string, number> = {};
  const seenBy = new Map<string, Set<string>>();
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  const call = async (client: string, path: string, body: string): Promise<string | undefined> => {
    try {
      const res = await request(`${url}${path}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "x-client-id": client },
        reset: true,
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      await res.body.dump();
      const version = res.headers[VERSION_HEADER];
      if (res.statusCode < 200 || res.statusCode >= 300 || typeof version !== "string") {
        failed++;
        return undefined;
      }
      const seen = seenBy.get(client) ?? new Set<string>();
      seen.add(version);
      seenBy.set(client, seen);
      return version;
    } catch {
      failed++;
      return undefined;
    }
  };
  const shop = async () => {
    const n = seq++;
    const client = `shopper-${n}-${(options.seed ?? 99).toString(36)}`;
    const body = bodies[n % bodies.length]!;
    // Draw now, so the outcome does not depend on the order answers come back in.
    const again = random() < (options.returning ?? 0.3);
    const draw = random();
    let version = await call(client, "/v1/predict", body);
    if (version && again) version = (await call(client, "/v1/predict", body)) ?? version;
    if (!version) return;
    clients++;
    if (draw < (options.conversion[version] ?? 0)) {
      const converted = await call(client, "/v1/convert", "{}");
      if (converted) conversions[converted] = (conversions[converted] ?? 0) + 1;
    }
  };
  const timer = setInterval(() => {
    const p = shop().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, 1000 / options.rate);
  return {
    get clients() {
      return clients;
    },
    get failed() {
      return failed;
    },
    conversions,
    seenBy,
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
