import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A tiny model on loopback: answers `{label, score}` from the request's `x`, and logs every request. */
export interface TinyModel {
  url: string;
  readonly seen: { headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

export async function tinyModel(options: {
  name: string;
  /** Added to the score (a drifted model). */
  shift?: number;
  delayMs?: number;
  status?: number;
}): Promise<TinyModel> {
  const seen: TinyModel["seen"] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ headers: req.headers, body });
      let x = 0.5;
      try {
        x = Number((JSON.parse(body || "{}") as { x?: number }).x ?? 0.5);
      } catch {}
      const score = Math.min(1, Math.max(0, x + (options.shift ?? 0)));
      const answer = JSON.stringify({ label: score >= 0.5 ? "yes" : "no", score, model: options.name });
      setTimeout(() => {
        res.writeHead(options.status ?? 200, { "content-type": "application/json", "x-model": options.name });
        res.end(answer);
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
