/**
 * Turns walks into findings and a per-file table of imported globals. Each distinct global is
 * reported once per member (with its first offset and how often it occurs), so a state dict
 * with ten thousand tensors does not produce ten thousand findings.
 */
import type { Finding } from "@mlgate/core";
import { type AllowEntry, classifyGlobal, type GlobalStatus } from "./policy.js";
import type { WalkResult } from "./walker.js";

export type ScanFormat =
  | "pickle"
  | "torch-zip"
  | "torch-legacy"
  | "joblib"
  | "keras"
  | "keras-config"
  | "zip"
  | "unknown";

export interface GlobalSummary {
  module: string;
  name: string;
  /** Imports of it across the file. */
  count: number;
  /** Calls of it (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ) and state settings of its instances (BUILD). */
  calls: number;
  status: GlobalStatus;
  /** Why it is allowed, or why it is dangerous. */
  reason?: string;
}

export interface PickleScanResult {
  format: ScanFormat;
  findings: Finding[];
  globals: GlobalSummary[];
  /** Pickle streams and archive members scanned. */
  members: number;
  /** Bytes read and judged (pickle streams, verified archive members, JSON). */
  bytesScanned: number;
}

/** Where a walked stream sits: the file, the archive member (if any) and the member's offset in the file. */
export interface StreamPlace {
  file: string;
  member?: string;
  /** Added to stream offsets to give file offsets (a stored member's data offset). */
  base: number;
  /** Describes the stream in messages, e.g. "data.pkl" or "the third pickle". */
  label: string;
}

export class ScanCollector {
  readonly findings: Finding[] = [];
  private readonly globals = new Map<string, GlobalSummary>();
  members = 0;
  bytesScanned = 0;

  constructor(readonly allow: readonly AllowEntry[]) {}

  add(f: Finding): void {
    this.findings.push(f);
  }

  where(place: StreamPlace, offset: number): Record<string, unknown> {
    return { ...(place.member !== undefined ? { member: place.member } : {}), offset: place.base + offset };
  }

  /** Record a walk (and the pickles nested in it); returns whether it ended cleanly at STOP. */
  addWalk(walk: WalkResult, place: StreamPlace): boolean {
    this.bytesScanned += walk.end - walk.start;
    const perStream = new Map<string, { first: number; count: number; opcode: string; written?: string }>();
    for (const g of walk.globals) {
      const key = `${g.module}\u0000${g.name}`;
      const cls = classifyGlobal(g.module, g.name, this.allow);
      const summary = this.globals.get(key) ?? {
        module: g.module,
        name: g.name,
        count: 0,
        calls: 0,
        status: cls.status,
        ...(cls.reason ? { reason: cls.reason } : {}),
      };
      summary.count += g.count;
      summary.calls += g.calls;
      this.globals.set(key, summary);
      const seen = perStream.get(key);
      if (seen) seen.count += g.count;
      else
        perStream.set(key, {
          first: g.offset,
          count: g.count,
          opcode: g.opcode,
          ...(g.written ? { written: `${g.written.module}.${g.written.name}` } : {}),
        });
    }
    for (const [key, seen] of perStream) {
      const summary = this.globals.get(key) as GlobalSummary;
      const cls = classifyGlobal(summary.module, summary.name, this.allow);
      const full = `${summary.module}.${summary.name}`;
      const props = {
        ...this.where(place, seen.first),
        module: summary.module,
        name: summary.name,
        opcode: seen.opcode,
        count: seen.count,
        ...(seen.written ? { writtenAs: seen.written } : {}),
      };
      const written = seen.written ? ` (written as ${seen.written})` : "";
      if (cls.status === "dangerous") {
        this.add({
          rule: "pickle.dangerous-global",
          level: "fail",
          message: `${place.label} imports ${full}${written}: ${cls.reason}`,
          file: place.file,
          properties: props,
        });
      } else if (cls.status === "unknown") {
        this.add({
          rule: "pickle.unknown-global",
          level: "fail",
          message: `${place.label} imports ${full}${written}, which is not on the allowlist`,
          file: place.file,
          properties: props,
        });
      } else if (cls.dangerousButAllowed) {
        this.add({
          rule: "pickle.dangerous-global-allowed",
          level: "warn",
          message: `${place.label} imports ${full}, allowed by the repository allowlist ("${cls.reason}") although the denylist names it: ${cls.dangerousButAllowed}`,
          file: place.file,
          properties: props,
        });
      }
    }
    for (const issue of walk.issues) {
      this.add({
        rule: issue.rule,
        level: "fail",
        message: `${place.label}: ${issue.message}`,
        file: place.file,
        properties: { ...this.where(place, issue.offset), ...(issue.properties ?? {}) },
      });
    }
    let clean = walk.stopped && !walk.issues.some((i) => i.fatal);
    for (const nested of walk.nested) {
      clean = this.addWalk(nested, { ...place, label: `${place.label} (nested pickle)` }) && clean;
    }
    return clean;
  }

  result(format: ScanFormat): PickleScanResult {
    const globals = [...this.globals.values()].sort(
      (a, b) => a.module.localeCompare(b.module) || a.name.localeCompare(b.name),
    );
    return {
      format,
      findings: this.findings,
      globals,
      members: this.members,
      bytesScanned: this.bytesScanned,
    };
  }
}
