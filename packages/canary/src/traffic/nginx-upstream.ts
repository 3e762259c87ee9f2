import { GateError } from "@mlgate/core";
import type { Weights } from "./types.js";

/**
 * The include file the nginx provider owns: one `upstream` block whose server weights carry the
 * split. Writing and reading it are pure functions, so the file format is tested without nginx.
 */

export interface UpstreamLayout {
  upstream: string;
  baseline: readonly string[];
  candidate: readonly string[];
  /** Appended to every server line, e.g. `max_fails=3 fail_timeout=10s`. */
  serverParams?: string;
}

/** The include file is small; anything larger is not ours. */
export const MAX_INCLUDE_BYTES = 64 * 1024;
const MAX_SERVERS = 64;
/** Weights are written to 0.01%: integer nginx weights out of 10000. */
const RESOLUTION = 100;

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const ADDRESS = /^(?:unix:\/[\w./-]{1,200}|[A-Za-z0-9_.-]{1,253}:\d{1,5}|\[[0-9A-Fa-f:.]{2,45}\]:\d{1,5})$/;
const PARAMS = /^[A-Za-z0-9_=.\s]{0,200}$/;

/** Refuse names that could break out of the block (`;`, `{`, quotes, newlines). */
export function checkLayout(layout: UpstreamLayout, where: string): void {
  if (!NAME.test(layout.upstream)) {
    throw new GateError(`${where}: upstream name "${layout.upstream}" is not a plain nginx name`, {
      hint: "use letters, digits, _ . -",
    });
  }
  for (const [role, list] of [
    ["baseline", layout.baseline],
    ["candidate", layout.candidate],
  ] as const) {
    if (list.length === 0 || list.length > MAX_SERVERS) {
      throw new GateError(`${where}: give 1 to ${MAX_SERVERS} ${role} servers (host:port)`);
    }
    for (const address of list) {
      if (!ADDRESS.test(address)) {
        throw new GateError(`${where}: ${role} server "${address}" is not host:port or unix:/path`);
      }
    }
  }
  const shared = layout.baseline.filter((a) => layout.candidate.includes(a));
  if (shared.length > 0)
    throw new GateError(`${where}: ${shared[0]} is both a baseline and a candidate server`);
  if (layout.serverParams !== undefined && !PARAMS.test(layout.serverParams)) {
    throw new GateError(`${where}: server-params "${layout.serverParams}" may hold only name=value words`);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Whole-number nginx weights of one baseline server and one candidate server, reduced. */
export function upstreamWeights(
  layout: UpstreamLayout,
  weights: Weights,
): { perBaseline: number; perCandidate: number } {
  const canary = Math.round(weights.canary * RESOLUTION);
  const baseline = 100 * RESOLUTION - canary;
  // Per-server weights proportional to side weight / side size, as whole numbers.
  const perBaseline = baseline * layout.candidate.length;
  const perCandidate = canary * layout.baseline.length;
  const divisor = gcd(perBaseline, perCandidate) || 1;
  return { perBaseline: perBaseline / divisor, perCandidate: perCandidate / divisor };
}

/** The include file for `weights`: each side's servers share its weight evenly; 0% is `down`. */
export function renderUpstream(layout: UpstreamLayout, weights: Weights): string {
  const canary = Math.round(weights.canary * RESOLUTION);
  const baseline = 100 * RESOLUTION - canary;
  const { perBaseline, perCandidate } = upstreamWeights(layout, weights);
  const params = layout.serverParams?.trim() ? ` ${layout.serverParams.trim()}` : "";
  const line = (address: string, weight: number) =>
    weight > 0
      ? `    server ${address} weight=${weight}${params};`
      : `    server ${address} weight=1${params} down;`;
  return [
    `# Managed by mlgate canary: candidate ${canary / RESOLUTION}%, baseline ${baseline / RESOLUTION}%.`,
    "# Rewritten at every step; edit the canary settings instead of this file.",
    `upstream ${layout.upstream} {`,
    ...layout.baseline.map((a) => line(a, perBaseline)),
    ...layout.candidate.map((a) => line(a, perCandidate)),
    "}",
    "",
  ].join("\n");
}

interface ServerLine {
  address: string;
  weight: number;
  down: boolean;
}

function serversOf(text: string, upstream: string, file: string): ServerLine[] {
  const withoutComments = text.replace(/#[^\n]*/g, "");
  const escaped = upstream.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const block = new RegExp(`\\bupstream\\s+${escaped}\\s*\\{([^{}]*)\\}`).exec(withoutComments);
  if (!block)
    throw new GateError(`${file} has no "upstream ${upstream} { ... }" block`, { location: { file } });
  const servers: ServerLine[] = [];
  for (const statement of block[1]!.split(";")) {
    const words = statement.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words[0] !== "server") continue;
    if (servers.length >= MAX_SERVERS * 2) throw new GateError(`${file}: too many server lines`);
    const address = words[1] ?? "";
    let weight = 1;
    let down = false;
    for (const word of words.slice(2)) {
      if (word === "down") down = true;
      const m = /^weight=(\d{1,9})$/.exec(word);
      if (m) weight = Number(m[1]);
    }
    servers.push({ address, weight, down });
  }
  return servers;
}

/** The candidate's share as the file says it, checking that every server belongs to one side. */
export function parseUpstream(text: string, layout: UpstreamLayout, file: string): Weights {
  const servers = serversOf(text, layout.upstream, file);
  let baseline = 0;
  let candidate = 0;
  for (const s of servers) {
    const side = layout.baseline.includes(s.address)
      ? "baseline"
      : layout.candidate.includes(s.address)
        ? "candidate"
        : undefined;
    if (!side) {
      throw new GateError(
        `${file}: upstream ${layout.upstream} has server ${s.address}, which is neither a baseline nor a candidate server`,
        {
          location: { file },
          hint: "list every server of the upstream under baseline-servers or candidate-servers",
        },
      );
    }
    if (s.down) continue;
    if (side === "baseline") baseline += s.weight;
    else candidate += s.weight;
  }
  if (baseline + candidate === 0) {
    throw new GateError(`${file}: upstream ${layout.upstream} has no server that is up`, {
      location: { file },
    });
  }
  return { canary: Math.round((candidate / (baseline + candidate)) * 100 * RESOLUTION) / RESOLUTION };
}
