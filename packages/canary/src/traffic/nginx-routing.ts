import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { GateError } from "@mlgate/core";
import { formatWeight } from "../plan/types.js";
import {
  MAX_INCLUDE_BYTES,
  parseUpstream,
  renderUpstream,
  type UpstreamLayout,
  upstreamWeights,
} from "./nginx-upstream.js";
import { describeSticky, type Routing, type StickyKey } from "./types.js";

/**
 * The nginx files behind mirroring and sticky splits, written and read by pure functions.
 *
 * - The upstream file (included at `http` level) keeps the weighted upstream. A sticky split adds
 *   `hash` on the key to it, through a `map` that gives keyless requests a constant that lands on
 *   the baseline. Mirroring adds an upstream of the candidate's servers and a `split_clients` on
 *   `$request_id` that samples the mirrored share.
 * - The mirror file (included inside the `server` block) holds the `mirror` directive and the internal
 *   location that proxies the copy to the candidate. nginx discards a mirror subrequest's answer: that
 *   is what keeps users from ever seeing the candidate's.
 */

/** Header names nginx exposes as `$http_…` round-trip only without underscores. */
const HEADER = /^[A-Za-z0-9-]{1,64}$/;
/** `$cookie_…` variables only take these characters. */
const COOKIE = /^[A-Za-z0-9_]{1,64}$/;

export function checkStickyKey(key: StickyKey, where: string): void {
  if ("header" in key ? !HEADER.test(key.header) : !COOKIE.test(key.cookie)) {
    throw new GateError(`${where}: ${describeSticky(key)} cannot be used as an nginx variable`, {
      hint: "header names: letters, digits and -; cookie names: letters, digits and _",
    });
  }
}

/** The nginx variable holding the key: `$http_x_client_id`, `$cookie_uid`. */
export function stickyVariable(key: StickyKey): string {
  return "header" in key ? `$http_${key.header.toLowerCase().replace(/-/g, "_")}` : `$cookie_${key.cookie}`;
}

function keyFromVariable(variable: string): StickyKey | undefined {
  let m = /^\$http_([a-z0-9_]{1,64})$/.exec(variable);
  if (m) return { header: m[1]!.replace(/_/g, "-") };
  m = /^\$cookie_([A-Za-z0-9_]{1,64})$/.exec(variable);
  return m ? { cookie: m[1]! } : undefined;
}

/** Variable names derive from the upstream's, which may hold `.` and `-`. */
function stem(upstream: string): string {
  return `mlgate_${upstream.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** The URI of the internal location the mirror directive copies requests to. */
export function mirrorUri(upstream: string): string {
  return `/_mlgate/${upstream}/shadow`;
}

/** Where nginx answers with the token of the routing it serves (the mirror file's status location). */
export function routingUri(upstream: string): string {
  return `/_mlgate/${upstream}/routing`;
}

/**
 * A short fingerprint of a routing, served by nginx at {@link routingUri}: once every answer there
 * carries the new token, nginx's workers serve the new files (a reload takes effect asynchronously).
 */
export function routingToken(layout: UpstreamLayout, routing: Routing): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        layout.upstream,
        layout.baseline,
        layout.candidate,
        routing.canary,
        routing.mirror,
        routing.sticky ?? null,
      ]),
    )
    .digest("hex")
    .slice(0, 16);
}

/**
 * Where nginx's `hash` balancer sends a key among weighted servers: like Cache::Memcached, the upper
 * half of the CRC32 of the key (15 bits) modulo the total weight, walking the servers in order.
 */
export function nginxHashSlot(key: string, totalWeight: number): number {
  const hash = (crc32(Buffer.from(key, "utf8")) >>> 16) & 0x7fff;
  return hash % totalWeight;
}

/** A constant key whose slot falls among the baseline's servers, for requests that carry none. */
export function keylessKey(baselineWeight: number, totalWeight: number): string {
  for (let i = 0; i < 10_000; i++) {
    const key = `mlgate-keyless-${i}`;
    if (nginxHashSlot(key, totalWeight) < baselineWeight) return key;
  }
  throw new GateError("no keyless constant lands on the baseline (its weight is 0)");
}

export interface RenderedRouting {
  upstream: string;
  /** The mirror file's text, when the layout has one. */
  mirror?: string;
}

/** The files for `routing`. A plain split renders exactly as {@link renderUpstream} does. */
export function renderRouting(
  layout: UpstreamLayout,
  routing: Routing,
  withMirrorFile: boolean,
): RenderedRouting {
  const weights = { canary: routing.canary };
  const plain = renderUpstream(layout, weights);
  const status = [
    `location = ${routingUri(layout.upstream)} {`,
    "    default_type text/plain;",
    `    return 200 "${routingToken(layout, routing)}";`,
    "}",
  ];
  const mirrorOff = ["# Managed by mlgate canary: no requests are mirrored.", ...status, ""].join("\n");
  if (!routing.sticky && routing.mirror === 0)
    return { upstream: plain, ...(withMirrorFile ? { mirror: mirrorOff } : {}) };
  const s = stem(layout.upstream);
  const lines = plain.trimEnd().split("\n");
  const header = lines.slice(0, 2);
  let block = lines.slice(2);
  const extra: string[] = [];
  if (routing.sticky) {
    if (!(routing.canary > 0 && routing.canary < 100))
      throw new GateError(`a sticky split needs both sides: ${formatWeight(routing.canary)} is not one`);
    const w = upstreamWeights(layout, weights);
    const baselineTotal = w.perBaseline * layout.baseline.length;
    const total = baselineTotal + w.perCandidate * layout.candidate.length;
    const variable = stickyVariable(routing.sticky);
    header[0] = `${header[0]!.replace(/\.$/, "")}, sticky by ${describeSticky(routing.sticky)}.`;
    extra.push(
      `map ${variable} $${s}_key {`,
      `    "" "${keylessKey(baselineTotal, total)}";`,
      `    default ${variable};`,
      "}",
    );
    block = [block[0]!, `    hash $${s}_key;`, ...block.slice(1)];
  }
  if (routing.mirror > 0) {
    if (!withMirrorFile) throw new GateError("mirroring through nginx needs a mirror file");
    header[0] = `${header[0]!.replace(/\.$/, "")}, ${formatWeight(routing.mirror)} of requests mirrored.`;
    extra.push(
      `upstream ${s}_shadow {`,
      ...layout.candidate.map((a) => `    server ${a};`),
      "}",
      `split_clients "\${request_id}" $${s}_shadow {`,
      `    ${Number(routing.mirror.toFixed(2))}% "1";`,
      `    * "";`,
      "}",
    );
  }
  const upstream = [...header, ...extra, ...block, ""].join("\n");
  if (!withMirrorFile) return { upstream };
  const mirror =
    routing.mirror > 0
      ? [
          `# Managed by mlgate canary: ${formatWeight(routing.mirror)} of requests are copied to the candidate; nginx discards the copies' answers.`,
          `mirror ${mirrorUri(layout.upstream)};`,
          `location = ${mirrorUri(layout.upstream)} {`,
          "    internal;",
          `    if ($${s}_shadow = "") { return 204; }`,
          "    proxy_set_header X-Request-Id $request_id;",
          '    proxy_set_header X-Mlgate-Shadow "1";',
          `    proxy_pass http://${s}_shadow$request_uri;`,
          "}",
          ...status,
          "",
        ].join("\n")
      : mirrorOff;
  return { upstream, mirror };
}

/** Strip comments, so nothing in a comment is read as a directive. */
function code(text: string): string {
  return text.replace(/#[^\n]*/g, "");
}

/**
 * The routing the files say nginx serves. Checks that both files agree: a mirror directive without
 * its sampling block (or the other way round) is a half-written state, not a routing.
 */
export function parseRouting(
  upstreamText: string,
  mirrorText: string | undefined,
  layout: UpstreamLayout,
  files: { upstream: string; mirror?: string },
): Routing {
  if (upstreamText.length > MAX_INCLUDE_BYTES || (mirrorText?.length ?? 0) > MAX_INCLUDE_BYTES)
    throw new GateError(`${files.upstream}: larger than ${MAX_INCLUDE_BYTES} bytes`);
  const { canary } = parseUpstream(upstreamText, layout, files.upstream);
  const u = code(upstreamText);
  const s = stem(layout.upstream);
  const escaped = s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const routing: Routing = { canary, mirror: 0 };

  const block = new RegExp(
    `\\bupstream\\s+${layout.upstream.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*\\{([^{}]*)\\}`,
  ).exec(u);
  const hashed = block ? /(?:^|;)\s*hash\s+(\S+)\s*;/.exec(block[1]!) : null;
  if (hashed) {
    if (hashed[1] !== `$${s}_key`)
      throw new GateError(
        `${files.upstream}: upstream ${layout.upstream} hashes on ${hashed[1]}, not on the canary's key`,
        {
          location: { file: files.upstream },
        },
      );
    const map = new RegExp(`\\bmap\\s+(\\$\\S+)\\s+\\$${escaped}_key\\s*\\{`).exec(u);
    const key = map ? keyFromVariable(map[1]!) : undefined;
    if (!key)
      throw new GateError(`${files.upstream}: the sticky key's map block is missing or unreadable`, {
        location: { file: files.upstream },
      });
    routing.sticky = key;
  }

  const sampling = new RegExp(
    `\\bsplit_clients\\s+"\\$\\{request_id\\}"\\s+\\$${escaped}_shadow\\s*\\{([^{}]*)\\}`,
  ).exec(u);
  const directive =
    mirrorText !== undefined
      ? new RegExp(
          `(?:^|[;}\\s])mirror\\s+${mirrorUri(layout.upstream).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s*;`,
        ).test(code(mirrorText))
      : false;
  if (sampling || directive) {
    const share = sampling ? /(\d{1,3}(?:\.\d{1,2})?)%\s+"1"\s*;/.exec(sampling[1]!) : null;
    if (!sampling || !directive || !share) {
      throw new GateError(
        `${files.mirror ?? files.upstream}: the mirror directive and its sampling block do not agree (one is missing)`,
        {
          location: { file: files.mirror ?? files.upstream },
          hint: "a move was interrupted; a rollback rewrites both files",
        },
      );
    }
    routing.mirror = Number(share[1]);
  }
  return routing;
}
