import { randomUUID } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GateError, readTextFile } from "@mlgate/core";
import { request } from "undici";
import { formatWeight } from "../plan/types.js";
import { checkStickyKey, parseRouting, renderRouting, routingToken, routingUri } from "./nginx-routing.js";
import { checkLayout, MAX_INCLUDE_BYTES, type UpstreamLayout } from "./nginx-upstream.js";
import { runCommand } from "./run-command.js";
import { type Routing, type RoutingAbilities, VerifiedRoutingProvider } from "./types.js";

/** How long the new routing token must be the only answer before a reload counts as done. */
const TOKEN_SETTLE_MS = 300;

/** Optional live check after a reload: requests through nginx, counting which side answered. */
export interface NginxLiveCheck {
  /** A URL served through the weighted upstream, e.g. `http://127.0.0.1:8080/v1/health`. */
  url: string;
  /** Response header naming the version that answered, e.g. `x-model-version`. */
  header: string;
  /** The header's value when the candidate answered. */
  candidate: string;
  /** Requests per check (default 40). */
  requests?: number;
  /** How long the new workers may take to serve the new weights (default 5 s). */
  timeoutMs?: number;
}

export interface NginxOptions extends UpstreamLayout {
  /** The file the provider owns, included by nginx.conf inside `http { }`. */
  file: string;
  /**
   * A second file the provider owns, included inside the `server { }` that serves the model: the
   * mirror directive and its internal location live there. Needed to mirror (shadow traffic).
   */
  mirrorFile?: string;
  /** nginx binary (default `nginx`), its `-p` prefix, `-c` config and `-e` error log. */
  binary?: string;
  prefix?: string;
  conf?: string;
  errorLog?: string;
  /** Replaces `nginx [-p P] [-c C] -s reload` (an argument vector, never a shell line). */
  reload?: string[];
  /** Replaces `nginx [-p P] [-c C] -t -q`; `false` skips the config test. */
  test?: string[] | false;
  live?: NginxLiveCheck;
  commandTimeoutMs?: number;
}

/**
 * nginx as the router: the split lives in an upstream block in a file nginx includes. A move writes
 * the file, has nginx test the whole config, reloads, then reads the file back (and, with `live`,
 * checks the traffic itself). When the test or the reload fails, the previous file is restored so
 * the file always says what nginx serves. With a mirror file it also mirrors (nginx's `mirror`
 * module, whose copies' answers nginx discards), and it splits stickily with `hash` on a header or
 * cookie (see nginx-routing.ts).
 */
export class NginxProvider extends VerifiedRoutingProvider {
  readonly kind = "nginx";
  readonly abilities: RoutingAbilities;

  constructor(private readonly options: NginxOptions) {
    super();
    checkLayout(options, "nginx");
    this.abilities = { mirror: options.mirrorFile !== undefined, sticky: true };
  }

  describe(): string {
    return `nginx upstream ${this.options.upstream} in ${this.options.file}`;
  }

  protected async readRouting(): Promise<Routing> {
    const o = this.options;
    const upstream = await readTextFile(o.file, "nginx upstream file", { maxBytes: MAX_INCLUDE_BYTES });
    const mirror = o.mirrorFile
      ? await readTextFile(o.mirrorFile, "nginx mirror file", { maxBytes: MAX_INCLUDE_BYTES })
      : undefined;
    return parseRouting(upstream, mirror, o, {
      upstream: o.file,
      ...(o.mirrorFile ? { mirror: o.mirrorFile } : {}),
    });
  }

  protected async applyRouting(routing: Routing): Promise<void> {
    const o = this.options;
    if (routing.sticky) checkStickyKey(routing.sticky, "nginx");
    const rendered = renderRouting(o, routing, o.mirrorFile !== undefined);
    const previous = await readTextFile(o.file, "nginx upstream file", { maxBytes: MAX_INCLUDE_BYTES });
    const previousMirror = o.mirrorFile
      ? await readTextFile(o.mirrorFile, "nginx mirror file", { maxBytes: MAX_INCLUDE_BYTES })
      : undefined;
    await this.write(o.file, rendered.upstream);
    if (o.mirrorFile && rendered.mirror !== undefined) await this.write(o.mirrorFile, rendered.mirror);
    try {
      if (o.test !== false) await this.run(o.test ?? this.argv(["-t", "-q"]), "nginx config test");
      await this.run(o.reload ?? this.argv(["-s", "reload"]), "nginx reload");
    } catch (e) {
      // nginx keeps serving the old config; so must the files.
      await this.write(o.file, previous);
      if (o.mirrorFile && previousMirror !== undefined) await this.write(o.mirrorFile, previousMirror);
      throw e;
    }
    if (o.live) await this.checkLive(o.live, routing);
  }

  private argv(action: string[]): string[] {
    const o = this.options;
    return [
      o.binary ?? "nginx",
      ...(o.prefix ? ["-p", o.prefix] : []),
      ...(o.conf ? ["-c", o.conf] : []),
      ...(o.errorLog ? ["-e", o.errorLog] : []),
      ...action,
    ];
  }

  private run(argv: string[], what: string) {
    return runCommand(argv, {
      what,
      ...(this.options.commandTimeoutMs ? { timeoutMs: this.options.commandTimeoutMs } : {}),
    });
  }

  /** Replace a file in one step, so nginx never reads half of it. */
  private async write(file: string, text: string): Promise<void> {
    const temp = join(dirname(file), `.${basename(file)}.${randomUUID().slice(0, 8)}.tmp`);
    try {
      await writeFile(temp, text);
      await rename(temp, file);
    } catch (e) {
      throw new GateError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        hint: "the job needs write access to the files the canary manages",
        cause: e,
      });
    }
  }

  /**
   * Send requests through nginx until the answering sides match the weights: exactly at 0% and 100%,
   * within a binomial margin in between. Old workers finish their connections after a reload, so the
   * check retries until `timeoutMs`. With a sticky split each request carries its own key, and a few
   * keys are sent twice to check they stay on one side.
   */
  private async checkLive(live: NginxLiveCheck, routing: Routing): Promise<void> {
    const n = live.requests ?? 40;
    const deadline = Date.now() + (live.timeoutMs ?? 5000);
    if (this.options.mirrorFile) await this.awaitToken(live, routing, deadline);
    const p = routing.canary / 100;
    const margin = 4 * Math.sqrt((p * (1 - p)) / n) + 1 / n;
    const sticky = routing.sticky;
    let last = "";
    let round = 0;
    for (;;) {
      round++;
      let candidate = 0;
      let answered = 0;
      let flipped = 0;
      const ask = async (key: string | undefined) => {
        const headers: Record<string, string> = {};
        if (sticky && key !== undefined) {
          if ("header" in sticky) headers[sticky.header] = key;
          else headers.cookie = `${sticky.cookie}=${key}`;
        }
        const res = await request(live.url, {
          headersTimeout: 5000,
          bodyTimeout: 5000,
          reset: true,
          headers,
        });
        await res.body.dump();
        const value = res.headers[live.header.toLowerCase()];
        return (Array.isArray(value) ? value[0] : value) === live.candidate;
      };
      for (let i = 0; i < n; i++) {
        const key = sticky ? `mlgate-live-${round}-${i}` : undefined;
        try {
          const side = await ask(key);
          answered++;
          if (side) candidate++;
          if (sticky && i < 10 && (await ask(key)) !== side) flipped++;
        } catch (e) {
          last = `request failed: ${(e as Error).message}`;
        }
      }
      const share = answered > 0 ? candidate / answered : Number.NaN;
      const ok =
        answered === n &&
        flipped === 0 &&
        (p === 0 ? candidate === 0 : p === 1 ? candidate === n : Math.abs(share - p) <= margin);
      if (ok) return;
      if (answered > 0) last = `${candidate} of ${answered} requests reached the candidate`;
      if (flipped > 0) last += `, and ${flipped} key(s) reached both sides`;
      if (Date.now() > deadline) {
        throw new GateError(
          `nginx does not serve the new weights: ${last} through ${live.url}, expected ${formatWeight(routing.canary)}`,
          { hint: "check that nginx.conf proxies that URL to the managed upstream and that the reload took" },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Wait until nginx's workers answer with the new routing's token (the mirror file serves it): a
   * reload swaps workers asynchronously, and a mirror switched off must be off before it is reported.
   * Several answers in a row, on fresh connections, spread over more than the pause nginx's master
   * keeps between starting new workers and stopping old ones (100 ms): in that pause both
   * generations accept connections, so a quick streak could all land on the new one.
   */
  private async awaitToken(live: NginxLiveCheck, routing: Routing, deadline: number): Promise<void> {
    const want = routingToken(this.options, routing);
    const url = new URL(routingUri(this.options.upstream), live.url).toString();
    let streak = 0;
    let streakSince = 0;
    let last = "";
    while (streak < 5 || Date.now() - streakSince < TOKEN_SETTLE_MS) {
      try {
        const res = await request(url, { headersTimeout: 5000, bodyTimeout: 5000, reset: true });
        const body = (await res.body.text()).trim();
        streak = res.statusCode === 200 && body === want ? streak + 1 : 0;
        if (streak === 1) streakSince = Date.now();
        last = res.statusCode === 200 ? `token ${body.slice(0, 40)}` : `HTTP ${res.statusCode}`;
      } catch (e) {
        streak = 0;
        last = `request failed: ${(e as Error).message}`;
      }
      if (streak > 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (Date.now() > deadline) {
        throw new GateError(
          `nginx does not serve the new routing: ${url} answers ${last}, expected token ${want}`,
          {
            hint: "check that the mirror file is included inside the server block that serves the live URL, and that the reload took",
          },
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
