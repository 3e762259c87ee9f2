/**
 * Proves two schemas the same, so the comparer can skip them: equal keyword by keyword once every
 * `$ref` on both sides is followed (pairwise), ignoring the keywords that only document. Between two
 * releases of a large description most shared schemas are untouched; comparing them rule by rule is
 * most of the work, and a proof of sameness costs one walk that stops at the first difference.
 *
 * References make schemas graphs, so sameness is proven coinductively: a pair of targets already
 * being compared further up is assumed the same. An answer that leans on such an assumption is kept
 * only once the pair it leaned on is proven too (as in Tarjan's strongly-connected components), and a
 * difference anywhere makes every pair that reaches it different. "Not proven" only means the
 * comparer does the full comparison; the proof never decides a finding.
 */
import { contractOf, type LoadedContract, type RefTarget, refOf } from "../load/contract.js";
import type { ContractDocument } from "../load/document.js";
import type { SchemaNode } from "../model/types.js";
import { deepEqual } from "./equal.js";

/** Keywords no rule reads: they describe a schema but do not change what it accepts. */
const DOCUMENTATION = new Set([
  "description",
  "title",
  "summary",
  "example",
  "examples",
  "externalDocs",
  "$comment",
]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
/** Keywords whose value is one schema (`items` may also be a list, in older drafts). */
const SCHEMA_VALUES = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
]);
/** A chain of references to references longer than this is not followed (the loader reports real cycles). */
const MAX_HOPS = 32;
/** Pairs nested deeper than this are left unproven rather than risk the call stack. */
const MAX_PAIR_DEPTH = 400;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export class SchemaEquivalence {
  /** Settled answers per pair of places. */
  private readonly settled = new Map<string, boolean>();
  /** Pairs being compared, with their depth on the stack. */
  private readonly active = new Map<string, number>();
  /** Pairs found the same under an assumption that is not settled yet. */
  private tentative: string[] = [];
  /** The shallowest active pair the current comparison assumed the same. */
  private lowest = Number.POSITIVE_INFINITY;
  private depth = 0;
  private readonly docIds = new Map<ContractDocument, number>();

  /** Whether `b` and `h` accept exactly the same payloads, proven from their text. */
  same(b: SchemaNode, h: SchemaNode): boolean {
    if (b.dialect !== h.dialect) return false;
    // Nodes are keyed by identity: a node made up from several parameters shares its place with one of them.
    return this.pair(`n${b.id}|${h.id}`, b.place.doc, b.raw, h.place.doc, h.raw);
  }

  /** Compare one pair of schemas (a node pair or a pair of reference targets), settling what can be. */
  private pair(key: string, bDoc: ContractDocument, b: unknown, hDoc: ContractDocument, h: unknown): boolean {
    const known = this.settled.get(key);
    if (known !== undefined) return known;
    const on = this.active.get(key);
    if (on !== undefined) {
      if (on < this.lowest) this.lowest = on;
      return true;
    }
    if (this.depth >= MAX_PAIR_DEPTH) return false;
    const depth = this.depth++;
    this.active.set(key, depth);
    const outerLowest = this.lowest;
    this.lowest = Number.POSITIVE_INFINITY;
    const mark = this.tentative.length;
    let same = false;
    try {
      same = this.schema(bDoc, b, hDoc, h);
    } finally {
      this.depth--;
      this.active.delete(key);
    }
    const lowest = this.lowest;
    this.lowest = Math.min(outerLowest, lowest);
    if (!same) {
      // Whatever was assumed below is moot: every pair on the way here differs, and says so itself.
      this.tentative.length = mark;
      this.settled.set(key, false);
    } else if (lowest >= depth) {
      // Nothing shallower was assumed: this pair and everything that leaned on it are the same.
      for (let i = mark; i < this.tentative.length; i++) this.settled.set(this.tentative[i]!, true);
      this.tentative.length = mark;
      this.settled.set(key, true);
    } else this.tentative.push(key);
    return same;
  }

  private schema(bDoc: ContractDocument, b: unknown, hDoc: ContractDocument, h: unknown): boolean {
    if (!isObject(b) || !isObject(h)) return deepEqual(b, h);
    const bRef = refOf(b);
    const hRef = refOf(h);
    // The same name too: variants of oneOf and anyOf are matched by the schema they reference.
    if (bRef !== hRef) return false;
    // A mapping names schemas by reference outside the keywords walked here.
    if (isObject(b.discriminator) && b.discriminator.mapping !== undefined) return false;
    let bCount = 0;
    for (const k in b) {
      if (k === "$ref" || DOCUMENTATION.has(k)) continue;
      bCount++;
      if (!Object.hasOwn(h, k)) return false;
      const bv = b[k];
      const hv = h[k];
      if (SCHEMA_MAPS.has(k)) {
        if (!this.schemaMap(bDoc, bv, hDoc, hv)) return false;
      } else if (SCHEMA_LISTS.has(k)) {
        if (!this.schemaList(bDoc, bv, hDoc, hv)) return false;
      } else if (SCHEMA_VALUES.has(k)) {
        const ok =
          Array.isArray(bv) || Array.isArray(hv)
            ? this.schemaList(bDoc, bv, hDoc, hv)
            : this.schema(bDoc, bv, hDoc, hv);
        if (!ok) return false;
      } else if (!deepEqual(bv, hv)) return false;
    }
    let hCount = 0;
    for (const k in h) if (k !== "$ref" && !DOCUMENTATION.has(k)) hCount++;
    if (bCount !== hCount) return false;
    return bRef === undefined || this.targets(bDoc, bRef, hDoc, bRef);
  }

  private schemaMap(bDoc: ContractDocument, b: unknown, hDoc: ContractDocument, h: unknown): boolean {
    if (!isObject(b) || !isObject(h)) return deepEqual(b, h);
    let count = 0;
    for (const k in b) {
      count++;
      if (!Object.hasOwn(h, k) || !this.schema(bDoc, b[k], hDoc, h[k])) return false;
    }
    for (const _ in h) count--;
    return count === 0;
  }

  private schemaList(bDoc: ContractDocument, b: unknown, hDoc: ContractDocument, h: unknown): boolean {
    if (!Array.isArray(b) || !Array.isArray(h)) return deepEqual(b, h);
    if (b.length !== h.length) return false;
    for (let i = 0; i < b.length; i++) if (!this.schema(bDoc, b[i], hDoc, h[i])) return false;
    return true;
  }

  /** Follow both references and compare what they name. */
  private targets(bDoc: ContractDocument, bRef: string, hDoc: ContractDocument, hRef: string): boolean {
    const bt = this.follow(bDoc, bRef);
    const ht = this.follow(hDoc, hRef);
    if (!bt || !ht) return false;
    const key = `${this.docId(bt.doc)}${bt.pointer}|${this.docId(ht.doc)}${ht.pointer}`;
    return this.pair(key, bt.doc, bt.value, ht.doc, ht.value);
  }

  /** The place a reference leads to through any chain of references; undefined when it cannot be followed. */
  private follow(doc: ContractDocument, ref: string): RefTarget | undefined {
    let contract: LoadedContract;
    try {
      contract = contractOf(doc);
      let target = contract.resolveRef(doc, ref);
      for (let hops = 0; hops < MAX_HOPS; hops++) {
        const next = refOf(target.value);
        // A reference with keywords beside it is a schema in its own right: compare it as one.
        if (next === undefined || Object.keys(target.value as Json).length > 1) return target;
        target = contract.resolveRef(target.doc, next);
      }
    } catch {
      // Broken references are the loader's and the comparer's to report.
    }
    return undefined;
  }

  private docId(doc: ContractDocument): string {
    let id = this.docIds.get(doc);
    if (id === undefined) {
      id = this.docIds.size;
      this.docIds.set(doc, id);
    }
    return `d${id}#`;
  }
}
