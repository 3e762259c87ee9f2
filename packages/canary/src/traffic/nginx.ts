import { randomUUID } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GateError, readTextFile } from "@mlgate/core";
import { request } from "undici";
import { formatWeight } from "../plan/types.js";
import {
  checkLayout,
  MAX_INCLUDE_BYTES,
  parseUpstream,
  renderUpstream,
  type UpstreamLayout,
} from "./nginx-upstream.js";
import { runCommand } from "./run-command.js";
import { VerifiedProvider, type Weights } from "./types.js";

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
 * the file always says what nginx serves.
 */
export class NginxProvider extends VerifiedProvider {
  readonly kind = "nginx";

  constructor(private readonly options: NginxOptions) {
    super();
    checkLayout(options, "nginx");
  }

  describe(): string {
    return `nginx upstream ${this.options.upstream} in ${this.options.file}`;
  }

  protected async read(): Promise<Weights> {
    const text = await readTextFile(this.options.file, "nginx upstream file", {
      maxBytes: MAX_INCLUDE_BYTES,
    });
    return parseUpstream(text, this.options, this.options.file);
  }

  protected async apply(weights: Weights): Promise<void> {
    const file = this.options.file;
    const previous = await readTextFile(file, "nginx upstream file", { maxBytes: MAX_INCLUDE_BYTES });
    await this.write(renderUpstream(this.options, weights));
    try {
      if (this.options.test !== false)
        await this.run(this.options.test ?? this.argv(["-t", "-q"]), "nginx config test");
      await this.run(this.options.reload ?? this.argv(["-s", "reload"]), "nginx reload");
    } catch (e) {
      // nginx keeps serving the old config; so must the file.
      await this.write(previous);
      throw e;
    }
    if (this.options.live) await this.checkLive(this.options.live, weights);
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

  /** Replace the file in one step, so nginx never reads half of it. */
  private async write(text: string): Promise<void> {
    const file = this.options.file;
    const temp = join(dirname(file), `.${basename(file)}.${randomUUID().slice(0, 8)}.tmp`);
    try {
      await writeFile(temp, text);
      await rename(temp, file);
    } catch (e) {
      throw new GateError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        hint: "the job needs write access to the upstream file",
        cause: e,
      });
    }
  }

  /**
   * Send requests through nginx until the answering sides match the weights: exactly at 0% and 100%,
   * within a binomial margin in between. Old workers finish their connections after a reload, so the
   * check retries until `timeoutMs`.
   */
  private async checkLive(live: NginxLiveCheck, weights: Weights): Promise<void> {
    const n = live.requests ?? 40;
    const deadline = Date.now() + (live.timeoutMs ?? 5000);
    const p = weights.canary / 100;
    const margin = 4 * Math.sqrt((p * (1 - p)) / n) + 1 / n;
    let last = "";
    for (;;) {
      let candidate = 0;
      let answered = 0;
      for (let i = 0; i < n; i++) {
        try {
          const res = await request(live.url, { headersTimeout: 5000, bodyTimeout: 5000, reset: true });
          await res.body.dump();
          const value = res.headers[live.header.toLowerCase()];
          answered++;
          if ((Array.isArray(value) ? value[0] : value) === live.candidate) candidate++;
        } catch (e) {
          last = `request failed: ${(e as Error).message}`;
        }
      }
      const share = answered > 0 ? candidate / answered : Number.NaN;
      const ok =
        answered === n &&
        (p === 0 ? candidate === 0 : p === 1 ? candidate === n : Math.abs(share - p) <= margin);
      if (ok) return;
      if (answered > 0) last = `${candidate} of ${answered} requests reached the candidate`;
      if (Date.now() > deadline) {
        throw new GateError(
          `nginx does not serve the new weights: ${last} through ${live.url}, expected ${formatWeight(weights.canary)}`,
          { hint: "check that nginx.conf proxies that URL to the managed upstream and that the reload took" },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
