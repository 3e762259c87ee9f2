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

  /**
   * Every group that reaches each of these records through shared schemas, sorted. Records form a
   * graph with cycles (recursive schemas), so strongly connected components are found first and
   * group sets (bitsets) flow from ancestors down in one pass: linear in the edges, where a search
   * per record would revisit the same dense ancestry of a large description again and again.
   */
  static groupsOf(records: Iterable<PairRecord>): Map<PairRecord, string[]> {
    // The ancestry of the records asked about.
    const nodes: PairRecord[] = [];
    const index = new Map<PairRecord, number>();
    const queue = [...new Set(records)];
    for (const r of queue) index.set(r, -1);
    while (queue.length > 0) {
      const r = queue.pop()!;
      nodes.push(r);
      for (const p of r.parents) {
        if (!index.has(p)) {
          index.set(p, -1);
          queue.push(p);
        }
      }
    }
    for (let i = 0; i < nodes.length; i++) index.set(nodes[i]!, i);
    // Groups numbered in report order, so each component's list comes out sorted.
    const named = new Set<string>();
    for (const r of nodes) for (const g of r.groups) named.add(g);
    const groupNames = [...named].sort(compareGroups);
    const groupIds = new Map(groupNames.map((g, id) => [g, id]));
    const words = Math.max(1, Math.ceil(groupNames.length / 32));

    // Tarjan's algorithm, iterative, over edges record → parent. Components come out ancestors first.
    const n = nodes.length;
    const order = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const component = new Int32Array(n).fill(-1);
    const stack: number[] = [];
    const parentsOf = nodes.map((r) => [...r.parents].map((p) => index.get(p)!));
    const bits: Uint32Array[] = [];
    let counter = 0;
    for (let start = 0; start < n; start++) {
      if (order[start] !== -1) continue;
      const work: [node: number, next: number][] = [[start, 0]];
      order[start] = low[start] = counter++;
      stack.push(start);
      onStack[start] = 1;
      while (work.length > 0) {
        const frame = work[work.length - 1]!;
        const [v, i] = frame;
        const parents = parentsOf[v]!;
        if (i < parents.length) {
          frame[1]++;
          const w = parents[i]!;
          if (order[w] === -1) {
            order[w] = low[w] = counter++;
            stack.push(w);
            onStack[w] = 1;
            work.push([w, 0]);
          } else if (onStack[w]) low[v] = Math.min(low[v]!, order[w]!);
          continue;
        }
        work.pop();
        const up = work[work.length - 1];
        if (up) low[up[0]] = Math.min(low[up[0]]!, low[v]!);
        if (low[v] !== order[v]) continue;
        // v roots a component: its members, and the groups of every ancestor component.
        const c = bits.length;
        const set = new Uint32Array(words);
        const members: number[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = 0;
          component[w] = c;
          members.push(w);
          if (w === v) break;
        }
        for (const m of members) {
          for (const g of nodes[m]!.groups) {
            const id = groupIds.get(g)!;
            set[id >>> 5]! |= 1 << (id & 31);
          }
          for (const p of parentsOf[m]!) {
            const pc = component[p]!;
            if (pc === c || pc === -1) continue;
            const other = bits[pc]!;
            for (let k = 0; k < words; k++) set[k]! |= other[k]!;
          }
        }
        bits.push(set);
      }
    }
    const out = new Map<PairRecord, string[]>();
    const byComponent = new Map<number, string[]>();
    for (const r of new Set(records)) {
      const c = component[index.get(r)!]!;
      let names = byComponent.get(c);
      if (!names) {
        const set = bits[c]!;
        names = groupNames.filter((_, id) => (set[id >>> 5]! & (1 << (id & 31))) !== 0);
        byComponent.set(c, names);
      }
      out.set(r, names);
    }
    return out;
  }

  /** Resolve places, groups and counter-examples into the shared Change shape. */
  finish(options: { counterExamples: boolean }): { changes: Change[]; stats: CounterExampleStats } {
    const stats: CounterExampleStats = { attempted: 0, verified: 0, dropped: 0 };
    const groupsByOwner = ChangeCollector.groupsOf(this.changes.map((c) => c.owner));
    // A change in a shared schema is reported once, with every group that reaches it. The lists
    // from groupsOf are sorted and shared; only a change reached from several owners merges its own.
    const firsts = new Map<string, { change: PendingChange; groups: string[]; merged?: Set<string> }>();
    for (const c of this.changes) {
      const found = groupsByOwner.get(c.owner);
      const groups = found && found.length > 1 ? found : [c.group];
      const key = `${c.rule}\u0000${c.path}`;
      const existing = firsts.get(key);
      if (!existing) firsts.set(key, { change: c, groups });
      else if (existing.groups !== groups) {
        existing.merged ??= new Set(existing.groups);
        for (const g of groups) existing.merged.add(g);
      }
    }
    // Only the changes reported need a line: locating is a scan of the file's text.
    const byDoc = new Map<DocPlace["doc"], Set<string>>();
    for (const { change: c } of firsts.values()) {
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

    const merged: Change[] = [];
    for (const { change: c, groups: reached, merged: more } of firsts.values()) {
      const groups = more ? [...more].sort(compareGroups) : reached;
      const base = locate(c.base);
      const head = locate(c.head);
      const change: Change = {
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
      merged.push(change);
    }
    return { changes: merged.sort(compareChanges), stats };
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
