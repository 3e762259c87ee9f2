/**
 * Changes as the engines find them: places still as document pointers (resolved to lines in one
 * batch per file at the end), groups still to be propagated through shared schemas, and the
 * counter-example still a recipe (built and verified only for the changes that need one).
 */
import type { Change, ChangeLevel, CounterExample, SourceLocation } from "../change.js";
import type { DocPlace } from "../load/contract.js";
import type { Position } from "../load/document.js";
import { ruleOf } from "./registry.js";

/** A memoised comparison of two shared schemas; changes inside it reach every group that uses it. */
export interface PairRecord {
  /** Groups that use it directly (top-level positions of an operation). */
  groups: Set<string>;
  parents: Set<PairRecord>;
}

export interface PendingChange {
  rule: string;
  level: ChangeLevel;
  message: string;
  path: string;
  group: string;
  owner: PairRecord;
  base?: DocPlace;
  head?: DocPlace;
  /** Builds and verifies the counter-example, when the rule has one. */
  counterExample?: () => CounterExample | undefined;
}

export interface CounterExampleStats {
  /** Breaking changes whose rule builds counter-examples. */
  attempted: number;
  verified: number;
  /** Built but not confirmed by the validator: not shown. */
  dropped: number;
}

export class ChangeCollector {
  readonly changes: PendingChange[] = [];

  add(change: Omit<PendingChange, "level"> & { level?: ChangeLevel }): void {
    const rule = ruleOf(change.rule);
    this.changes.push({ ...change, rule: rule.id, level: change.level ?? rule.level });
  }

  /** Every group that reaches this record through shared schemas, sorted. */
  static groupsOf(record: PairRecord, cache: Map<PairRecord, string[]>): string[] {
    const known = cache.get(record);
    if (known) return known;
    const out = new Set<string>();
    const seen = new Set<PairRecord>([record]);
    const queue = [record];
    while (queue.length > 0) {
      const r = queue.pop()!;
      for (const g of r.groups) out.add(g);
      for (const p of r.parents) {
        if (!seen.has(p)) {
          seen.add(p);
          queue.push(p);
        }
      }
    }
    const sorted = [...out].sort(compareGroups);
    cache.set(record, sorted);
    return sorted;
  }

  /** Resolve places, groups and counter-examples into the shared Change shape. */
  finish(options: { counterExamples: boolean }): { changes: Change[]; stats: CounterExampleStats } {
    const stats: CounterExampleStats = { attempted: 0, verified: 0, dropped: 0 };
    const byDoc = new Map<DocPlace["doc"], Set<string>>();
    for (const c of this.changes) {
      for (const place of [c.base, c.head]) {
        if (!place) continue;
        let set = byDoc.get(place.doc);
        if (!set) {
          set = new Set();
          byDoc.set(place.doc, set);
        }
        set.add(place.pointer);
      }
    }
    const positions = new Map<DocPlace["doc"], Map<string, Position>>();
    for (const [doc, pointers] of byDoc) positions.set(doc, doc.locate(pointers));
    const locate = (place: DocPlace | undefined): SourceLocation | undefined => {
      if (!place) return undefined;
      const pos = positions.get(place.doc)?.get(place.pointer);
      return { file: place.doc.display, ...(pos ? { line: pos.line, column: pos.column } : {}) };
    };

    const cache = new Map<PairRecord, string[]>();
    const merged = new Map<string, Change & { usedBy?: string[] }>();
    for (const c of this.changes) {
      const groups = ChangeCollector.groupsOf(c.owner, cache);
      const key = `${c.rule}\u0000${c.path}`;
      const existing = merged.get(key);
      if (existing) {
        const all = new Set([...(existing.usedBy ?? [existing.group]), ...groups]);
        if (all.size > 1) existing.usedBy = [...all].sort(compareGroups);
        continue;
      }
      const base = locate(c.base);
      const head = locate(c.head);
      const change: Change & { usedBy?: string[] } = {
        rule: c.rule,
        level: c.level,
        message: c.message,
        path: c.path,
        // Where the change was first reached reads best with its message; usedBy lists every group.
        group: c.group,
        ...(base ? { base } : {}),
        ...(head ? { head } : {}),
        ...(groups.length > 1 ? { usedBy: groups } : {}),
      };
      if (options.counterExamples && c.level === "breaking" && c.counterExample) {
        stats.attempted++;
        let example: CounterExample | undefined;
        try {
          example = c.counterExample();
        } catch {
          example = undefined;
        }
        if (example) {
          stats.verified++;
          change.counterExample = example;
        } else stats.dropped++;
      }
      merged.set(key, change);
    }
    return { changes: [...merged.values()].sort(compareChanges), stats };
  }
}

const LEVEL_ORDER: Record<ChangeLevel, number> = { breaking: 0, dangerous: 1, safe: 2 };

const GROUP_KEYS = new Map<string, string>();

/** `POST /predict` sorts by path, then method. */
function groupKey(group: string): string {
  let key = GROUP_KEYS.get(group);
  if (key === undefined) {
    const space = group.indexOf(" ");
    key = space === -1 ? group : `${group.slice(space + 1)}\u0000${group.slice(0, space)}`;
    if (GROUP_KEYS.size > 100_000) GROUP_KEYS.clear();
    GROUP_KEYS.set(group, key);
  }
  return key;
}

/** Operations by path then method. */
export function compareGroups(a: string, b: string): number {
  const ka = groupKey(a);
  const kb = groupKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function compareChanges(a: Change, b: Change): number {
  return (
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    compareGroups(a.group, b.group) ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
