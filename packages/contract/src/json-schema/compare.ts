/**
 * The direction-aware schema comparison every contract kind built on JSON Schema shares.
 * A schema in request position must still accept every payload it accepted (head ⊇ base); one in
 * response position must produce only payloads it could produce before (head ⊆ base).
 *
 * Shared schemas (reached through `$ref`) are compared once per pair and direction and queued
 * rather than recursed into, so recursive and densely linked descriptions cost linear time and
 * bounded stack; changes inside them are attributed to every operation that reaches them.
 */
import type { CounterExample } from "../change.js";
import { embed } from "../counter-example/embed.js";
import {
  allowsType,
  effectiveNullable,
  effectiveTypes,
  exampleOf,
  objectExample,
  valueOfType,
} from "../counter-example/examples.js";
import type { Direction, Envelope, Step } from "../counter-example/plan.js";
import { patternWitnesses } from "../counter-example/regex-sample.js";
import type { DocPlace } from "../load/contract.js";
import { escapeToken } from "../load/pointer.js";
import { canonicalJson, showValue } from "../model/canonical.js";
import type { JsonType, SchemaNode } from "../model/types.js";
import type { ChangeCollector, PairRecord } from "../rules/collector.js";
import {
  boundPlace,
  compareLower,
  compareUpper,
  formatWitnesses,
  freshName,
  inside,
  isMultiple,
  justOutside,
  list,
  place,
  scalarAccepts,
  showBound,
  typeList,
  typeWitnesses,
  widens,
} from "./constraints.js";
import { deepEqual, hasRef } from "./equal.js";
import { SchemaEquivalence } from "./equivalence.js";
import { mergeAllOf } from "./merge.js";
import { linkText, type SchemaSite, trailArray } from "./site.js";
import { describeVariant, matchVariants } from "./variants.js";

export { type Link, linkText, type SchemaSite, type TrailLink } from "./site.js";
export { matchVariants } from "./variants.js";

interface Task {
  base: SchemaNode;
  head: SchemaNode;
  dir: Direction;
  site: SchemaSite;
}

/** How deep inline schemas may nest inside one comparison (documents are depth-limited anyway). */
const MAX_INLINE_DEPTH = 400;

export class SchemaComparer {
  private readonly memo = new Map<string, PairRecord>();
  private readonly queue: Task[] = [];
  private readonly inline = new Set<string>();
  private readonly equivalence = new SchemaEquivalence();
  private depth = 0;
  /** Payloads to try instead of a rule's own, while comparing the constraints of an enumerated value. */
  private witnessOverride: unknown[] | undefined;

  constructor(
    private readonly out: ChangeCollector,
    private readonly any: (place: DocPlace) => SchemaNode,
  ) {}

  /** Compare the schemas at a top-level position; call `drain` once all roots are in. */
  compareRoot(
    base: SchemaNode,
    head: SchemaNode,
    dir: Direction,
    site: { path: string; group: string; envelope: Envelope; rootLabel: string },
  ): void {
    const owner: PairRecord = { groups: new Set([site.group]), parents: new Set() };
    this.visit(base, head, dir, {
      ...site,
      path: { up: undefined, text: site.path },
      owner,
      trail: undefined,
      name: undefined,
    });
  }

  drain(): void {
    // Breadth first: a shared schema is reported where it is first reached, on the shortest trail.
    for (let i = 0; i < this.queue.length; i++) {
      const task = this.queue[i]!;
      this.compareNodes(task.base, task.head, task.dir, task.site);
    }
    this.queue.length = 0;
  }

  private visit(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    // Schemas proven the same (references followed, documentation aside) cannot differ in any rule.
    if (this.equivalence.same(b, h)) return;
    const key = `${b.id}|${h.id}|${dir}`;
    if (b.home !== undefined || h.home !== undefined) {
      const known = this.memo.get(key);
      if (known) {
        known.parents.add(site.owner);
        return;
      }
      const record: PairRecord = { groups: new Set(), parents: new Set([site.owner]) };
      this.memo.set(key, record);
      this.queue.push({
        base: b,
        head: h,
        dir,
        site: {
          ...site,
          owner: record,
          path: h.home !== undefined ? { up: undefined, text: h.home } : site.path,
        },
      });
      return;
    }
    if (this.inline.has(key) || this.depth > MAX_INLINE_DEPTH) return;
    this.inline.add(key);
    this.depth++;
    try {
      this.compareNodes(b, h, dir, site);
    } finally {
      this.depth--;
      this.inline.delete(key);
    }
  }

  private child(
    site: SchemaSite,
    dir: Direction,
    b: SchemaNode,
    h: SchemaNode,
    step: Step,
    tokens: (string | number)[],
    name: string | undefined,
  ): SchemaSite {
    const valid = dir === "request" ? b : h;
    let text = "";
    for (const t of tokens) text += `/${escapeToken(t)}`;
    return {
      ...site,
      path: text === "" ? site.path : { up: site.path, text },
      trail: { up: site.trail, entry: { node: valid, step } },
      name:
        name === undefined ? site.name : { up: site.name, text: site.name ? name : name.replace(/^\./, "") },
    };
  }

  private subject(site: SchemaSite): string {
    return site.name ? `${site.rootLabel} \`${linkText(site.name)}\`` : site.rootLabel;
  }

  private add(
    site: SchemaSite,
    dir: Direction,
    rule: string,
    message: string,
    where: { base?: DocPlace; head?: DocPlace; path?: string },
    witnesses?: () => unknown[],
  ): void {
    const override = this.witnessOverride;
    const recipe = witnesses ? this.recipe(site, dir, override ? () => override : witnesses) : undefined;
    this.out.add({
      rule,
      message: `${this.subject(site)}: ${message}`,
      path: where.path ?? linkText(site.path),
      group: site.group,
      owner: site.owner,
      ...(where.base ? { base: where.base } : {}),
      ...(where.head ? { head: where.head } : {}),
      ...(recipe ? { counterExample: recipe } : {}),
    });
  }

  private recipe(
    site: SchemaSite,
    dir: Direction,
    witnesses: () => unknown[],
  ): () => CounterExample | undefined {
    return () => {
      for (const local of witnesses()) {
        if (local === undefined) continue;
        const payload = site.envelope.wrap(embed(trailArray(site.trail), local));
        if (site.envelope.verify(payload)) {
          return { direction: dir, describes: site.envelope.describes, payload };
        }
      }
      return undefined;
    };
  }

  private compareNodes(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    const req = dir === "request";
    const valid = req ? b : h;
    const other = req ? h : b;
    if (!b.deprecated && h.deprecated) {
      this.add(site, dir, "schema-deprecated", "deprecated", { head: place(h, "deprecated") });
    }

    // allOf on one side only: compare the merged views so a refactoring into allOf reads as what it changes.
    if ((b.allOf !== undefined) !== (h.allOf !== undefined)) {
      const mb = b.allOf ? mergeAllOf(b, this.any) : b;
      const mh = h.allOf ? mergeAllOf(h, this.any) : h;
      this.compareOwn(mb, mh, dir, site, req, valid, other);
      return;
    }
    this.compareOwn(b, h, dir, site, req, valid, other);
    if (b.allOf && h.allOf) this.compareAllOf(b, h, dir, site);
  }

  private compareOwn(
    b: SchemaNode,
    h: SchemaNode,
    dir: Direction,
    site: SchemaSite,
    req: boolean,
    valid: SchemaNode,
    other: SchemaNode,
  ): void {
    const bt = effectiveTypes(b);
    const ht = effectiveTypes(h);
    this.compareTypes(b, h, bt, ht, dir, site);
    this.compareNullable(b, h, dir, site);
    if (req) this.compareDefault(b, h, site);

    // A plain schema against a oneOf/anyOf is compared variant by variant below, not structure by structure here.
    const composite = (n: SchemaNode) => n.oneOf !== undefined || n.anyOf !== undefined;
    if (composite(b) !== composite(h)) {
      this.compareVariants("oneOf", b, h, dir, site);
      this.compareVariants("anyOf", b, h, dir, site);
      this.compareOther(b, h, dir, site);
      return;
    }
    this.compareEnum(b, h, dir, site);
    this.compareFormat(b, h, dir, site);
    const both = (t: JsonType) => allowsType(bt, t) && allowsType(ht, t);
    const numeric =
      (allowsType(bt, "number") || allowsType(bt, "integer")) &&
      (allowsType(ht, "number") || allowsType(ht, "integer"));
    // With an enum on the valid side, only its listed values matter: bounds, lengths and patterns
    // are judged by whether one of those values falls outside the other side's.
    const listed = valid.enum;
    const offending = listed?.filter((v) => !scalarAccepts(other, v));
    if (!offending || offending.length > 0) {
      this.witnessOverride = offending;
      try {
        if (numeric) this.compareNumbers(b, h, dir, site, valid);
        if (both("string")) this.compareStrings(b, h, dir, site, valid, other);
      } finally {
        this.witnessOverride = undefined;
      }
    }
    if (both("array")) this.compareArrays(b, h, dir, site, valid);
    if (both("object")) this.compareObjects(b, h, dir, site, valid);
    this.compareVariants("oneOf", b, h, dir, site);
    this.compareVariants("anyOf", b, h, dir, site);
    this.compareOther(b, h, dir, site);
  }

  private compareTypes(
    b: SchemaNode,
    h: SchemaNode,
    bt: Set<JsonType> | undefined,
    ht: Set<JsonType> | undefined,
    dir: Direction,
    site: SchemaSite,
  ): void {
    const ALL: JsonType[] = ["string", "number", "integer", "boolean", "array", "object"];
    const bs = bt ?? new Set(ALL);
    const hs = ht ?? new Set(ALL);
    const covers = (set: Set<JsonType>, t: JsonType) => set.has(t) || (t === "integer" && set.has("number"));
    const lost = [...bs].filter((t) => !covers(hs, t));
    const gained = [...hs].filter((t) => !covers(bs, t));
    if (lost.length === 0 && gained.length === 0) return;
    const where = { base: place(b, "type"), head: place(h, "type") };
    const from = typeList(bt);
    const to = typeList(ht);
    const overlap = [...bs].some((t) => covers(hs, t)) || [...hs].some((t) => covers(bs, t));
    // `number` beside `integer` on the other side means the fractional numbers only.
    const names = (types: JsonType[], other: Set<JsonType>) =>
      types.map((t) => (t === "number" && other.has("integer") ? "non-integer numbers" : t)).join(", ");
    if (dir === "request") {
      if (lost.length > 0) {
        const rule = overlap ? "request-type-narrowed" : "request-type-changed";
        this.add(
          site,
          dir,
          rule,
          `type changed from ${from} to ${to}; ${names(lost, hs)} no longer accepted`,
          where,
          () => lost.flatMap((t) => typeWitnesses(b, t)),
        );
      } else this.add(site, dir, "request-type-widened", `type widened from ${from} to ${to}`, where);
    } else if (gained.length > 0) {
      const rule = overlap ? "response-type-widened" : "response-type-changed";
      this.add(
        site,
        dir,
        rule,
        `type changed from ${from} to ${to}; may now be ${names(gained, bs)}`,
        where,
        () => gained.flatMap((t) => typeWitnesses(h, t)),
      );
    } else this.add(site, dir, "response-type-narrowed", `type narrowed from ${from} to ${to}`, where);
  }

  private compareNullable(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    const bn = effectiveNullable(b);
    const hn = effectiveNullable(h);
    if (bn === hn) return;
    // A schema that allows nothing but null on one side is a type change, reported there.
    if ((b.types?.size === 0 && !b.unconstrained) || (h.types?.size === 0 && !h.unconstrained)) return;
    const kw = (n: SchemaNode) =>
      n.dialect === "oas30" || n.dialect === "swagger2"
        ? n.dialect === "oas30"
          ? "nullable"
          : "x-nullable"
        : "type";
    const where = { base: place(b, kw(b)), head: place(h, kw(h)) };
    if (dir === "request") {
      if (bn) this.add(site, dir, "request-nullable-removed", "null no longer accepted", where, () => [null]);
      else this.add(site, dir, "request-nullable-added", "null now accepted", where);
    } else if (hn) this.add(site, dir, "response-nullable-added", "may now be null", where, () => [null]);
    else this.add(site, dir, "response-nullable-removed", "is never null any more", where);
  }

  private compareEnum(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    const be = b.enum;
    const he = h.enum;
    if (!be && !he) return;
    const where = {
      base: place(b, b.enum ? "enum" : undefined),
      head: place(h, h.enum ? "enum" : undefined),
    };
    const path = `${linkText(site.path)}/enum`;
    const req = dir === "request";
    if (be && he) {
      const hk = new Set(he.map(canonicalJson));
      const bk = new Set(be.map(canonicalJson));
      const removed = be.filter((v) => !hk.has(canonicalJson(v)));
      const added = he.filter((v) => !bk.has(canonicalJson(v)));
      if (removed.length > 0) {
        if (req) {
          this.add(
            site,
            dir,
            "request-enum-value-removed",
            `enum value${removed.length > 1 ? "s" : ""} ${list(removed)} no longer accepted`,
            { ...where, path },
            () => removed,
          );
        } else
          this.add(
            site,
            dir,
            "response-enum-value-removed",
            `enum value${removed.length > 1 ? "s" : ""} ${list(removed)} no longer returned`,
            { ...where, path },
          );
      }
      if (added.length > 0) {
        if (req)
          this.add(
            site,
            dir,
            "request-enum-value-added",
            `enum value${added.length > 1 ? "s" : ""} ${list(added)} now accepted`,
            { ...where, path },
          );
        else
          this.add(
            site,
            dir,
            "response-enum-value-added",
            `may now return enum value${added.length > 1 ? "s" : ""} ${list(added)}`,
            { ...where, path },
          );
      }
      return;
    }
    if (he) {
      if (req) {
        this.add(site, dir, "request-enum-added", `now restricted to ${list(he)}`, { ...where, path }, () => {
          const allowed = new Set(he.map(canonicalJson));
          const candidates = [exampleOf(b), "not-listed", 123456789, -1, true, 0.5];
          return candidates.filter((c) => !allowed.has(canonicalJson(c)));
        });
      } else this.add(site, dir, "response-enum-added", `now restricted to ${list(he)}`, { ...where, path });
    } else if (req)
      this.add(site, dir, "request-enum-removed", "no longer restricted to a list of values", {
        ...where,
        path,
      });
    else
      this.add(site, dir, "response-enum-removed", `no longer restricted to ${list(be ?? [])}`, {
        ...where,
        path,
      });
  }

  private compareDefault(b: SchemaNode, h: SchemaNode, site: SchemaSite): void {
    const where = {
      base: place(b, "default"),
      head: place(h, "default"),
      path: `${linkText(site.path)}/default`,
    };
    if (b.default && h.default) {
      if (canonicalJson(b.default.value) !== canonicalJson(h.default.value)) {
        this.add(
          site,
          "request",
          "request-default-changed",
          `default changed from ${showValue(b.default.value)} to ${showValue(h.default.value)}`,
          where,
        );
      }
    } else if (h.default)
      this.add(
        site,
        "request",
        "request-default-added",
        `default ${showValue(h.default.value)} added`,
        where,
      );
    else if (b.default)
      this.add(
        site,
        "request",
        "request-default-removed",
        `default ${showValue(b.default.value)} removed`,
        where,
      );
  }

  private compareFormat(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    const fb = b.format;
    const fh = h.format;
    if (fb === fh) return;
    const where = {
      base: place(b, "format"),
      head: place(h, "format"),
      path: `${linkText(site.path)}/format`,
    };
    const req = dir === "request";
    if (!fb) {
      this.add(
        site,
        dir,
        req ? "request-format-added" : "response-format-added",
        `format "${fh}" added`,
        where,
      );
    } else if (!fh) {
      this.add(
        site,
        dir,
        req ? "request-format-removed" : "response-format-removed",
        `format "${fb}" removed`,
        where,
      );
    } else if (widens(fb, fh)) {
      if (req) this.add(site, dir, "request-format-widened", `format widened from "${fb}" to "${fh}"`, where);
      else
        this.add(site, dir, "response-format-widened", `format widened from "${fb}" to "${fh}"`, where, () =>
          formatWitnesses(fh, fb),
        );
    } else if (widens(fh, fb)) {
      if (req)
        this.add(site, dir, "request-format-narrowed", `format narrowed from "${fb}" to "${fh}"`, where, () =>
          formatWitnesses(fb, fh),
        );
      else this.add(site, dir, "response-format-narrowed", `format narrowed from "${fb}" to "${fh}"`, where);
    } else {
      const [accept, reject] = req ? [fb, fh] : [fh, fb];
      this.add(
        site,
        dir,
        req ? "request-format-changed" : "response-format-changed",
        `format changed from "${fb}" to "${fh}"`,
        where,
        () => formatWitnesses(accept, reject),
      );
    }
  }

  private compareNumbers(
    b: SchemaNode,
    h: SchemaNode,
    dir: Direction,
    site: SchemaSite,
    valid: SchemaNode,
  ): void {
    const req = dir === "request";
    const vt = effectiveTypes(valid);
    const step = vt?.has("integer") && !vt.has("number") ? 1 : 0.5;
    const lower = compareLower(h.minimum, b.minimum);
    if (lower !== 0) {
      const tighter = lower < 0;
      const where = {
        base: boundPlace(b, "minimum"),
        head: boundPlace(h, "minimum"),
        path: `${linkText(site.path)}/minimum`,
      };
      const text = `minimum ${tighter ? "raised" : "lowered"} from ${showBound(b.minimum, true)} to ${showBound(h.minimum, true)}`;
      if (req) {
        if (tighter)
          this.add(site, dir, "request-minimum-increased", text, where, () => [
            ...justOutside(h.minimum!, true, step),
            ...inside(b, step),
          ]);
        else this.add(site, dir, "request-minimum-decreased", text, where);
      } else if (!tighter)
        this.add(site, dir, "response-minimum-decreased", text, where, () =>
          b.minimum ? [...justOutside(b.minimum, true, step), ...inside(h, step)] : [],
        );
      else this.add(site, dir, "response-minimum-increased", text, where);
    }
    const upper = compareUpper(h.maximum, b.maximum);
    if (upper !== 0) {
      const tighter = upper < 0;
      const where = {
        base: boundPlace(b, "maximum"),
        head: boundPlace(h, "maximum"),
        path: `${linkText(site.path)}/maximum`,
      };
      const text = `maximum ${tighter ? "lowered" : "raised"} from ${showBound(b.maximum, false)} to ${showBound(h.maximum, false)}`;
      if (req) {
        if (tighter)
          this.add(site, dir, "request-maximum-decreased", text, where, () => [
            ...justOutside(h.maximum!, false, step),
            ...inside(b, step),
          ]);
        else this.add(site, dir, "request-maximum-increased", text, where);
      } else if (!tighter)
        this.add(site, dir, "response-maximum-increased", text, where, () =>
          b.maximum ? [...justOutside(b.maximum, false, step), ...inside(h, step)] : [],
        );
      else this.add(site, dir, "response-maximum-decreased", text, where);
    }
    const mb = b.multipleOf;
    const mh = h.multipleOf;
    if (mb !== mh) {
      const where = {
        base: place(b, "multipleOf"),
        head: place(h, "multipleOf"),
        path: `${linkText(site.path)}/multipleOf`,
      };
      // Head is coarser when every multiple of it is a multiple of the base's step.
      const coarser = mh !== undefined && (mb === undefined || isMultiple(mh, mb));
      const finer = mb !== undefined && (mh === undefined || isMultiple(mb, mh));
      const text = `multipleOf changed from ${mb ?? "none"} to ${mh ?? "none"}`;
      const offGrid = (keep: number | undefined, drop: number) => {
        const out: number[] = [];
        for (let k = 1; k <= 20 && out.length < 3; k++) {
          const x = (keep ?? step) * k;
          if (!isMultiple(x, drop)) out.push(x);
        }
        return out;
      };
      if (req) {
        if (finer && !coarser) this.add(site, dir, "request-multiple-of-widened", text, where);
        else this.add(site, dir, "request-multiple-of-narrowed", text, where, () => offGrid(mb, mh!));
      } else if (coarser && !finer) this.add(site, dir, "response-multiple-of-narrowed", text, where);
      else
        this.add(site, dir, "response-multiple-of-widened", text, where, () =>
          mb === undefined ? [] : offGrid(mh, mb),
        );
    }
  }

  private compareCount(
    b: SchemaNode,
    h: SchemaNode,
    dir: Direction,
    site: SchemaSite,
    keyword: "Length" | "Items" | "Properties",
    noun: string,
    make: (n: number) => unknown,
  ): void {
    const slug = keyword === "Length" ? "length" : keyword === "Items" ? "items" : "properties";
    const minKey = `min${keyword}` as "minLength";
    const maxKey = `max${keyword}` as "maxLength";
    const req = dir === "request";
    const bmin = b[minKey] ?? 0;
    const hmin = h[minKey] ?? 0;
    if (bmin !== hmin) {
      const up = hmin > bmin;
      const text = `minimum ${noun} ${up ? "raised" : "lowered"} from ${bmin} to ${hmin}`;
      const where = {
        base: place(b, minKey),
        head: place(h, minKey),
        path: `${linkText(site.path)}/${minKey}`,
      };
      // Sizes the valid side allows and the other does not: just past the new bound, or the valid side's own bounds.
      const sizes = (limit: number, lo: number, hi: number | undefined) =>
        [...new Set([limit, lo, hi ?? lo])]
          .filter((n) => n >= 0 && n < Math.max(limit + 1, 0) && n >= lo && (hi === undefined || n <= hi))
          .map(make);
      if (req) {
        if (up)
          this.add(site, dir, `request-min-${slug}-increased`, text, where, () =>
            sizes(hmin - 1, bmin, b[maxKey]),
          );
        else this.add(site, dir, `request-min-${slug}-decreased`, text, where);
      } else if (!up)
        this.add(site, dir, `response-min-${slug}-decreased`, text, where, () =>
          sizes(bmin - 1, hmin, h[maxKey]),
        );
      else this.add(site, dir, `response-min-${slug}-increased`, text, where);
    }
    const bmax = b[maxKey];
    const hmax = h[maxKey];
    const above = (limit: number, lo: number, hi: number | undefined) =>
      [...new Set([limit + 1, hi ?? limit + 1, Math.max(lo, limit + 1)])]
        .filter((n) => n > limit && n >= lo && (hi === undefined || n <= hi))
        .map(make);
    if (bmax !== hmax) {
      const down = hmax !== undefined && (bmax === undefined || hmax < bmax);
      const text = `maximum ${noun} ${down ? "lowered" : "raised"} from ${bmax ?? "none"} to ${hmax ?? "none"}`;
      const where = {
        base: place(b, maxKey),
        head: place(h, maxKey),
        path: `${linkText(site.path)}/${maxKey}`,
      };
      if (req) {
        if (down)
          this.add(site, dir, `request-max-${slug}-decreased`, text, where, () => above(hmax, bmin, bmax));
        else this.add(site, dir, `request-max-${slug}-increased`, text, where);
      } else if (!down)
        this.add(site, dir, `response-max-${slug}-increased`, text, where, () =>
          bmax === undefined ? [] : above(bmax, hmin, hmax),
        );
      else this.add(site, dir, `response-max-${slug}-decreased`, text, where);
    }
  }

  private compareStrings(
    b: SchemaNode,
    h: SchemaNode,
    dir: Direction,
    site: SchemaSite,
    valid: SchemaNode,
    other: SchemaNode,
  ): void {
    // Examples are built only when a counter-example is asked for, never for an unchanged schema.
    this.compareCount(b, h, dir, site, "Length", "length", (n) => {
      const base = String(valueOfType(valid, "string"));
      return base.length >= n ? base.slice(0, Math.max(0, n)) : base + "a".repeat(n - base.length);
    });
    const pb = b.pattern;
    const ph = h.pattern;
    if (pb === ph) return;
    const req = dir === "request";
    const where = {
      base: place(b, "pattern"),
      head: place(h, "pattern"),
      path: `${linkText(site.path)}/pattern`,
    };
    const text = `pattern changed from ${pb === undefined ? "none" : `"${pb}"`} to ${ph === undefined ? "none" : `"${ph}"`}`;
    if (ph === undefined) {
      this.add(site, dir, req ? "request-pattern-removed" : "response-pattern-removed", text, where);
      return;
    }
    if (!req && pb === undefined) {
      this.add(site, dir, "response-pattern-added", text, where);
      return;
    }
    // Request: a string the base accepts and the head rejects; response: the reverse.
    const [accept, reject] = req ? [pb, ph] : [ph, pb!];
    const extra = [exampleOf(valid), exampleOf(other), ...((valid.enum ?? []) as unknown[])].filter(
      (x): x is string => typeof x === "string",
    );
    const witnesses = patternWitnesses(accept, reject, extra);
    if (witnesses.length > 0) {
      this.add(
        site,
        dir,
        req ? "request-pattern-narrowed" : "response-pattern-widened",
        `${text}; ${showValue(witnesses[0])} ${req ? "is no longer accepted" : "may now be returned"}`,
        where,
        () => witnesses,
      );
    } else this.add(site, dir, req ? "request-pattern-changed" : "response-pattern-changed", text, where);
  }

  private compareArrays(
    b: SchemaNode,
    h: SchemaNode,
    dir: Direction,
    site: SchemaSite,
    valid: SchemaNode,
  ): void {
    const req = dir === "request";
    const item = () => (valid.items ? exampleOf(valid.items) : "example");
    this.compareCount(b, h, dir, site, "Items", "items", (n) => {
      const prefix = (valid.prefixItems ?? []).map((p) => exampleOf(p));
      const out = prefix.slice(0, n);
      while (out.length < n) out.push(item());
      return out;
    });
    if (b.uniqueItems !== h.uniqueItems) {
      const where = {
        base: place(b, "uniqueItems"),
        head: place(h, "uniqueItems"),
        path: `${linkText(site.path)}/uniqueItems`,
      };
      if (req) {
        if (h.uniqueItems)
          this.add(site, dir, "request-unique-items-added", "items must now be distinct", where, () => {
            const one = item();
            return [[one, one]];
          });
        else this.add(site, dir, "request-unique-items-removed", "items may now repeat", where);
      } else if (!h.uniqueItems)
        this.add(site, dir, "response-unique-items-removed", "items may now repeat", where);
      else this.add(site, dir, "response-unique-items-added", "items are now distinct", where);
    }
    const bp = b.prefixItems ?? [];
    const hp = h.prefixItems ?? [];

    for (let i = 0; i < Math.max(bp.length, hp.length); i++) {
      const bi = bp[i] ?? b.items ?? this.any(b.place);
      const hi = hp[i] ?? h.items ?? this.any(h.place);
      const tokens = h.prefixItems
        ? h.dialect === "draft-07"
          ? ["items", i]
          : ["prefixItems", i]
        : ["items", i];
      this.visit(bi, hi, dir, this.child(site, dir, b, h, { kind: "prefix", index: i }, tokens, `[${i}]`));
    }
    if (b.items || h.items) {
      const bi = b.items ?? this.any(b.place);
      const hi = h.items ?? this.any(h.place);
      this.visit(bi, hi, dir, this.child(site, dir, b, h, { kind: "items" }, ["items"], "[]"));
    }
  }

  private compareObjects(
    b: SchemaNode,
    h: SchemaNode,
    dir: Direction,
    site: SchemaSite,
    valid: SchemaNode,
  ): void {
    const req = dir === "request";
    const hidden = (n: SchemaNode | undefined) => (n ? (req ? n.readOnly : n.writeOnly) : false);
    // Properties as written: unchanged ones without references are passed over before any node is built.
    const rawProps = (n: SchemaNode) => {
      const raw = n.raw as Record<string, unknown> | null;
      const props = n.id > 0 && raw !== null && typeof raw === "object" ? raw.properties : undefined;
      return props !== null && typeof props === "object" && !Array.isArray(props)
        ? (props as Record<string, unknown>)
        : undefined;
    };
    const bRaw = rawProps(b);
    const hRaw = rawProps(h);
    const names = new Set([
      ...(bRaw ? Object.keys(bRaw) : b.properties.keys()),
      ...(hRaw ? Object.keys(hRaw) : h.properties.keys()),
      ...b.required,
      ...h.required,
    ]);
    for (const name of [...names].sort()) {
      if (bRaw && hRaw && b.dialect === h.dialect && Object.hasOwn(bRaw, name) && Object.hasOwn(hRaw, name)) {
        const same = b.required.has(name) === h.required.has(name);
        if (same && deepEqual(bRaw[name], hRaw[name]) && !hasRef(bRaw[name])) continue;
      }
      const bp = b.properties.get(name);
      const hp = h.properties.get(name);
      const bIn = (bp !== undefined || b.required.has(name)) && !hidden(bp);
      const hDeclared = hp !== undefined || h.required.has(name);
      const hIn = hDeclared && !hidden(hp);
      const bReq = b.required.has(name);
      const hReq = h.required.has(name);
      const bothPlain = bIn && hIn && bReq === hReq;
      if (bothPlain) {
        // The common case, unchanged presence: straight to the property's schema.
        const bs =
          bp ?? (typeof b.additionalProperties === "object" ? b.additionalProperties : this.any(b.place));
        const hs =
          hp ?? (typeof h.additionalProperties === "object" ? h.additionalProperties : this.any(h.place));
        this.visit(
          bs,
          hs,
          dir,
          this.child(site, dir, b, h, { kind: "property", name }, ["properties", name], `.${name}`),
        );
        continue;
      }
      const propPath = () => `${linkText(site.path)}/properties/${escapeToken(name)}`;
      const dotted = `.${name}`;
      const label = `\`${name}\``;
      const basePlace = bp ? bp.place : place(b, "required");
      const headPlace = hp ? hp.place : place(h, hReq ? "required" : "properties");
      if (bIn && !hIn) {
        if (hDeclared && hidden(hp)) {
          if (req)
            this.add(site, dir, "request-property-became-read-only", `property ${label} became read-only`, {
              base: basePlace,
              head: headPlace,
              path: propPath(),
            });
          else
            this.add(
              site,
              dir,
              "response-property-became-write-only",
              `property ${label} became write-only and is no longer returned`,
              { base: basePlace, head: headPlace, path: propPath() },
              () => [objectExample(h, 0, name)],
            );
          continue;
        }
        const head = place(h, "properties");
        if (req) {
          if (h.additionalProperties === false) {
            this.add(
              site,
              dir,
              "request-property-removed-rejected",
              `property ${label} removed and no longer allowed`,
              { base: basePlace, head, path: propPath() },
              () => {
                const obj = objectExample(b, 0);
                obj[name] = bp ? exampleOf(bp) : "example";
                return [obj];
              },
            );
          } else
            this.add(
              site,
              dir,
              "request-property-removed",
              `property ${label} removed (clients still sending it are ignored)`,
              { base: basePlace, head, path: propPath() },
            );
        } else if (bReq) {
          this.add(
            site,
            dir,
            "response-required-property-removed",
            `required property ${label} removed`,
            { base: basePlace, head, path: propPath() },
            () => [objectExample(h, 0, name)],
          );
        } else
          this.add(site, dir, "response-optional-property-removed", `optional property ${label} removed`, {
            base: basePlace,
            head,
            path: propPath(),
          });
        continue;
      }
      if (!bIn && hIn) {
        if (req) {
          if (hReq) {
            this.add(
              site,
              dir,
              "request-required-property-added",
              `new required property ${label}`,
              { base: place(b, "properties"), head: headPlace, path: propPath() },
              () => [objectExample(b, 0, name)],
            );
          } else
            this.add(site, dir, "request-optional-property-added", `new optional property ${label}`, {
              head: headPlace,
              path: propPath(),
            });
        } else if (b.additionalProperties === false) {
          this.add(
            site,
            dir,
            "response-property-added-to-closed-object",
            `new property ${label} in an object that allowed no others`,
            { base: place(b, "additionalProperties"), head: headPlace, path: propPath() },
          );
        } else
          this.add(site, dir, "response-property-added", `new property ${label}`, {
            head: headPlace,
            path: propPath(),
          });
        // What the base allowed for unlisted properties now meets the new property's schema.
        if (typeof b.additionalProperties === "object" && hp) {
          this.visit(
            b.additionalProperties,
            hp,
            dir,
            this.child(site, dir, b, h, { kind: "property", name }, ["properties", name], dotted),
          );
        }
        continue;
      }
      if (!bIn || !hIn) continue;
      if (req && !bReq && hReq) {
        this.add(
          site,
          dir,
          "request-property-became-required",
          `property ${label} became required`,
          { base: basePlace, head: place(h, "required"), path: propPath() },
          () => [objectExample(b, 0, name)],
        );
      } else if (req && bReq && !hReq) {
        this.add(site, dir, "request-property-became-optional", `property ${label} became optional`, {
          base: place(b, "required"),
          head: headPlace,
          path: propPath(),
        });
      } else if (!req && bReq && !hReq) {
        this.add(
          site,
          dir,
          "response-property-became-optional",
          `property ${label} became optional (may be missing)`,
          { base: place(b, "required"), head: headPlace, path: propPath() },
          () => [objectExample(h, 0, name)],
        );
      } else if (!req && !bReq && hReq) {
        this.add(
          site,
          dir,
          "response-property-became-required",
          `property ${label} became required (always present)`,
          { base: basePlace, head: place(h, "required"), path: propPath() },
        );
      }
      const bs =
        bp ?? (typeof b.additionalProperties === "object" ? b.additionalProperties : this.any(b.place));
      const hs =
        hp ?? (typeof h.additionalProperties === "object" ? h.additionalProperties : this.any(h.place));
      this.visit(
        bs,
        hs,
        dir,
        this.child(site, dir, b, h, { kind: "property", name }, ["properties", name], dotted),
      );
    }

    const ba = b.additionalProperties;
    const ha = h.additionalProperties;
    const where = {
      base: place(b, "additionalProperties"),
      head: place(h, "additionalProperties"),
      path: `${linkText(site.path)}/additionalProperties`,
    };
    if (ba !== false && ha === false) {
      if (req) {
        this.add(
          site,
          dir,
          "request-additional-properties-closed",
          "no longer allows properties it does not list",
          where,
          () => {
            const obj = objectExample(b, 0);
            obj[freshName(b, h)] = typeof ba === "object" ? exampleOf(ba) : "example";
            return [obj];
          },
        );
      } else
        this.add(
          site,
          dir,
          "response-additional-properties-closed",
          "no longer has properties it does not list",
          where,
        );
    } else if (ba === false && ha !== false) {
      if (req)
        this.add(
          site,
          dir,
          "request-additional-properties-opened",
          "now allows properties it does not list",
          where,
        );
      else
        this.add(
          site,
          dir,
          "response-additional-properties-opened",
          "may now have properties it does not list",
          where,
        );
    } else if (ba !== false && ha !== false && (typeof ba === "object" || typeof ha === "object")) {
      const bs = typeof ba === "object" ? ba : this.any(b.place);
      const hs = typeof ha === "object" ? ha : this.any(h.place);
      const extra = freshName(b, h);
      this.visit(
        bs,
        hs,
        dir,
        this.child(site, dir, b, h, { kind: "extra", name: extra }, ["additionalProperties"], ".*"),
      );
    }

    this.compareCount(b, h, dir, site, "Properties", "properties", (n) => {
      const obj = objectExample(valid, 0);
      const keys = Object.keys(obj);
      if (keys.length > n) {
        for (const k of keys.slice(n)) delete obj[k];
      } else {
        const filler =
          typeof valid.additionalProperties === "object" ? exampleOf(valid.additionalProperties) : "example";
        for (let i = keys.length; i < n; i++) obj[`extra_${i}`] = filler;
      }
      return obj;
    });
    this.compareDiscriminator(b, h, dir, site);
  }

  private compareDiscriminator(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    const db = b.discriminator;
    const dh = h.discriminator;
    if (!db || !dh) return;
    const req = dir === "request";
    const where = {
      base: place(b, "discriminator"),
      head: place(h, "discriminator"),
      path: `${linkText(site.path)}/discriminator`,
    };
    if (db.propertyName !== dh.propertyName) {
      this.add(
        site,
        dir,
        req ? "request-discriminator-changed" : "response-discriminator-changed",
        `discriminator changed from \`${db.propertyName}\` to \`${dh.propertyName}\``,
        where,
      );
      return;
    }
    const removed = [...db.mapping.keys()].filter((k) => !dh.mapping.has(k));
    const added = [...dh.mapping.keys()].filter((k) => !db.mapping.has(k));
    if (removed.length > 0) {
      this.add(
        site,
        dir,
        req ? "request-discriminator-mapping-removed" : "response-discriminator-mapping-removed",
        `discriminator value${removed.length > 1 ? "s" : ""} ${list(removed)} removed`,
        where,
      );
    }
    if (added.length > 0) {
      this.add(
        site,
        dir,
        req ? "request-discriminator-mapping-added" : "response-discriminator-mapping-added",
        `discriminator value${added.length > 1 ? "s" : ""} ${list(added)} added`,
        where,
      );
    }
  }

  private compareVariants(
    keyword: "oneOf" | "anyOf",
    b: SchemaNode,
    h: SchemaNode,
    dir: Direction,
    site: SchemaSite,
  ): void {
    const bl = b[keyword];
    const hl = h[keyword];
    if (!bl && !hl) return;
    // A plain schema on one side stands for a single variant, so `string` → `oneOf: [string, integer]` reads as one added variant.
    const bs = bl ?? (hl && !b[keyword === "oneOf" ? "anyOf" : "oneOf"] ? [b] : undefined);
    const hs = hl ?? (bl && !h[keyword === "oneOf" ? "anyOf" : "oneOf"] ? [h] : undefined);
    if (!bs || !hs) return;
    const slug = keyword === "oneOf" ? "one-of" : "any-of";
    const req = dir === "request";
    const { pairs, removed, added } = matchVariants(bs, hs);
    for (const i of removed) {
      const v = bs[i]!;
      const where = {
        base: v.place,
        head: place(h, keyword),
        path: `${linkText(site.path)}/${keyword}/${bl ? i : 0}`,
      };
      const text = `${keyword} variant ${describeVariant(v, i)} removed`;
      if (req) this.add(site, dir, `request-${slug}-variant-removed`, text, where, () => [exampleOf(v)]);
      else this.add(site, dir, `response-${slug}-variant-removed`, text, where);
    }
    for (const j of added) {
      const v = hs[j]!;
      const where = { head: v.place, path: `${linkText(site.path)}/${keyword}/${hl ? j : 0}` };
      const text = `${keyword} variant ${describeVariant(v, j)} added`;
      this.add(
        site,
        dir,
        req ? `request-${slug}-variant-added` : `response-${slug}-variant-added`,
        text,
        where,
      );
    }
    for (const [i, j] of pairs) {
      const bv = bs[i]!;
      const hv = hs[j]!;
      if (bv === b && hv === h) continue;
      const tokens = hl ? [keyword, j] : bl ? [keyword, i] : [];
      const childSite = this.child(site, dir, b, h, { kind: "variant" }, tokens, undefined);
      // Only the variant itself is compared; the node's own keywords were compared above.
      if (bv === b || hv === h) childSite.trail = site.trail;
      this.visit(bv, hv, dir, childSite);
    }
  }

  private compareAllOf(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    const bl = b.allOf ?? [];
    const hl = h.allOf ?? [];
    const req = dir === "request";
    const { pairs, removed, added } = matchVariants(bl, hl);
    for (const i of removed) {
      const v = bl[i]!;
      const where = { base: v.place, head: place(h, "allOf"), path: `${linkText(site.path)}/allOf/${i}` };
      const text = `allOf member ${describeVariant(v, i)} removed`;
      if (req) this.add(site, dir, "request-all-of-member-removed", text, where);
      else this.add(site, dir, "response-all-of-member-removed", text, where, () => [exampleOf(h)]);
    }
    for (const j of added) {
      const v = hl[j]!;
      const where = { head: v.place, path: `${linkText(site.path)}/allOf/${j}` };
      const text = `allOf member ${describeVariant(v, j)} added`;
      if (req) this.add(site, dir, "request-all-of-member-added", text, where, () => [exampleOf(b)]);
      else this.add(site, dir, "response-all-of-member-added", text, where);
    }
    for (const [i, j] of pairs) {
      this.visit(
        bl[i]!,
        hl[j]!,
        dir,
        this.child(site, dir, b, h, { kind: "member", index: req ? i : j }, ["allOf", j], undefined),
      );
    }
  }

  private compareOther(b: SchemaNode, h: SchemaNode, dir: Direction, site: SchemaSite): void {
    const keys = new Set([...b.other.keys(), ...h.other.keys()]);
    for (const k of [...keys].sort()) {
      if (b.other.get(k) === h.other.get(k)) continue;
      this.add(site, dir, `${dir}-schema-keyword-changed`, `"${k}" changed`, {
        base: place(b, k),
        head: place(h, k),
        path: `${linkText(site.path)}/${k}`,
      });
    }
  }
}
