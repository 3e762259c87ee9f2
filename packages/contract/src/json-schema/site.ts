import type { Envelope, TrailEntry } from "../counter-example/plan.js";
import type { PairRecord } from "../rules/collector.js";

/** A string built from parts only when asked for: most positions never need their path spelt out. */
export interface Link {
  up: Link | undefined;
  text: string;
}

export function linkText(link: Link | undefined): string {
  const parts: string[] = [];
  for (let l = link; l; l = l.up) parts.push(l.text);
  return parts.reverse().join("");
}

export interface TrailLink {
  up: TrailLink | undefined;
  entry: TrailEntry;
}

export function trailArray(link: TrailLink | undefined): TrailEntry[] {
  const out: TrailEntry[] = [];
  for (let l = link; l; l = l.up) out.push(l.entry);
  return out.reverse();
}

export interface SchemaSite {
  /** Stable path of this position (JSON pointer, or `file#pointer` inside another file). */
  path: Link;
  /** The operation (or document) this position belongs to. */
  group: string;
  owner: PairRecord;
  /** From the envelope root down to this position, on the valid side. */
  trail: TrailLink | undefined;
  envelope: Envelope;
  /** Dotted name from the root (`model.params.temperature`), undefined at the root. */
  name: Link | undefined;
  /** How the root reads in messages: `request body`, `query parameter "limit"`. */
  rootLabel: string;
}
