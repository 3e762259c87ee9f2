import { GateError } from "@mlgate/core";
import type { DocPlace, LoadedContract } from "../load/contract.js";
import { refOf } from "../load/contract.js";
import { childPointer } from "../load/pointer.js";
import { canonicalJson } from "./canonical.js";
import type { Bound, Dialect, Discriminator, JsonType, SchemaNode } from "./types.js";

const TYPE_NAMES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);

/** Keywords that validate but that the rules do not model one by one. */
const OTHER_KEYWORDS = [
  "not",
  "patternProperties",
  "propertyNames",
  "contains",
  "minContains",
  "maxContains",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contentMediaType",
  "contentEncoding",
];

/** Keywords that say nothing about which values are valid. */
const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$anchor",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "summary",
  "example",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "externalDocs",
  "xml",
  "discriminator",
  "nullable",
  "x-nullable",
]);

/** What a keyword does, for the constructor's single pass over a schema's keys. */
const ANNOTATION = 0;
const SIZE = 1;
const FLAG = 2;
const OTHER = 3;
const KEYWORD_ROLES = new Map<string, number>([
  ...[...ANNOTATIONS].map((k) => [k, ANNOTATION] as const),
  ...[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "uniqueItems",
  ].map((k) => [k, SIZE] as const),
  // Annotations the model keeps: they change no payload's validity.
  ...["readOnly", "writeOnly", "deprecated"].map((k) => [k, FLAG] as const),
  ...OTHER_KEYWORDS.map((k) => [k, OTHER] as const),
]);

const NO_KEYWORDS: ReadonlyMap<string, string> = new Map();

/** A child not built yet (undefined is a valid answer: "no such keyword"). */
const NOT_BUILT: unique symbol = Symbol("not built");

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Builds schema nodes from a loaded contract, lazily (children on first use) and once per place,
 * so `$ref` cycles become cycles of nodes rather than endless expansion.
 */
export class SchemaFactory {
  private readonly byObject = new Map<object, SchemaNode>();
  /** Boolean (and invalid, non-object) schemas, which have no identity of their own. */
  private readonly byPlace = new Map<DocPlace["doc"], Map<string, SchemaNode>>();
  private nextId = 1;

  constructor(
    readonly contract: LoadedContract,
    readonly dialect: Dialect,
  ) {}

  /** The schema at `place` whose value is `value` (which may be a `$ref`). */
  node(place: DocPlace, value: unknown, home?: string): SchemaNode {
    if (refOf(value) !== undefined && !this.refWithSiblings(value)) {
      const target = this.contract.deref(place, value);
      return this.node(target, target.value, this.contract.address(target));
    }
    if (value !== null && typeof value === "object") {
      // A parsed object sits at one place (a YAML alias names the same schema twice), so its
      // identity is the key: no pointer string has to be flattened and hashed to find it.
      const known = this.byObject.get(value);
      if (known) return known;
      const built = new Schema(this, this.nextId++, place, value, home);
      this.byObject.set(value, built);
      return built;
    }
    let inDoc = this.byPlace.get(place.doc);
    if (!inDoc) {
      inDoc = new Map();
      this.byPlace.set(place.doc, inDoc);
    }
    const known = inDoc.get(place.pointer);
    if (known) return known;
    const built = new Schema(this, this.nextId++, place, value, home);
    inDoc.set(place.pointer, built);
    return built;
  }

  /** A schema that allows anything, standing for a missing one. */
  any(place: DocPlace): SchemaNode {
    return unconstrainedSchema(place, this.dialect);
  }

  /** A schema made up here (a Swagger 2.0 form, a parameter set), with real schemas inside. */
  synthetic(
    place: DocPlace,
    raw: Record<string, unknown>,
    properties: Map<string, SchemaNode>,
    required: string[],
  ) {
    return new Schema(this, this.nextId++, place, raw, undefined, {
      properties,
      required: new Set(required),
    });
  }

  /** 2020-12 and OpenAPI 3.1 apply keywords beside `$ref`; older dialects ignore them. */
  refWithSiblings(value: unknown): boolean {
    if (this.dialect !== "2020-12" && this.dialect !== "oas31") return false;
    if (!isRecord(value)) return false;
    return Object.keys(value).some((k) => k !== "$ref" && !ANNOTATIONS.has(k) && !k.startsWith("x-"));
  }
}

/**
 * The keywords of one schema object, read in a single pass over the keys it has. Reading each
 * keyword by name would look up dozens of absent names on thousands of differently shaped objects.
 */
class Keywords {
  type: unknown = undefined;
  nullable: unknown = undefined;
  xNullable: unknown = undefined;
  enum: unknown = undefined;
  const: unknown = undefined;
  format: unknown = undefined;
  pattern: unknown = undefined;
  hasDefault = false;
  default: unknown = undefined;
  discriminator: unknown = undefined;
  properties: unknown = undefined;
  required: unknown = undefined;
  additionalProperties: unknown = undefined;
  items: unknown = undefined;
  additionalItems: unknown = undefined;
  prefixItems: unknown = undefined;
  oneOf: unknown = undefined;
  anyOf: unknown = undefined;
  allOf: unknown = undefined;
  ref: unknown = undefined;
  /** Some keyword limits the values (not only annotations and extensions). */
  constrained = false;
  /** Some bound, length, count or `uniqueItems` is there. */
  sized = false;
  /** `readOnly`, `writeOnly` or `deprecated` is there. */
  flagged = false;
  /** Some keyword of OTHER_KEYWORDS is there. */
  other = false;

  constructor(o: Record<string, unknown>) {
    for (const k in o) {
      const v = o[k];
      switch (k) {
        case "type":
          this.type = v;
          break;
        case "nullable":
          this.nullable = v;
          break;
        case "x-nullable":
          this.xNullable = v;
          break;
        case "enum":
          this.enum = v;
          break;
        case "const":
          this.const = v;
          break;
        case "format":
          this.format = v;
          break;
        case "pattern":
          this.pattern = v;
          break;
        case "default":
          this.hasDefault = true;
          this.default = v;
          break;
        case "discriminator":
          this.discriminator = v;
          break;
        case "properties":
          this.properties = v;
          break;
        case "required":
          this.required = v;
          break;
        case "additionalProperties":
          this.additionalProperties = v;
          break;
        case "items":
          this.items = v;
          break;
        case "additionalItems":
          this.additionalItems = v;
          break;
        case "prefixItems":
          this.prefixItems = v;
          break;
        case "oneOf":
          this.oneOf = v;
          break;
        case "anyOf":
          this.anyOf = v;
          break;
        case "allOf":
          this.allOf = v;
          break;
        case "$ref":
          this.ref = v;
          break;
      }
      const role = KEYWORD_ROLES.get(k);
      if (role === undefined) {
        if (!k.startsWith("x-")) this.constrained = true;
      } else if (role === FLAG) this.flagged = true;
      else if (role !== ANNOTATION) {
        this.constrained = true;
        if (role === SIZE) this.sized = true;
        else this.other = true;
      }
    }
  }
}

class Schema implements SchemaNode {
  readonly raw: unknown;
  readonly unconstrained: boolean;
  readonly types?: ReadonlySet<JsonType>;
  readonly nullable: boolean;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: Bound;
  readonly maximum?: Bound;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly readOnly: boolean;
  readonly writeOnly: boolean;
  readonly deprecated: boolean;
  readonly default?: { value: unknown };
  readonly discriminator?: Discriminator;
  readonly other: ReadonlyMap<string, string>;
  readonly dialect: Dialect;
  private readonly obj: Record<string, unknown>;
  private readonly kw: Keywords | undefined;
  private readonly preset?: { properties: Map<string, SchemaNode>; required: Set<string> };

  constructor(
    private readonly factory: SchemaFactory,
    readonly id: number,
    readonly place: DocPlace,
    raw: unknown,
    readonly home: string | undefined,
    preset?: { properties: Map<string, SchemaNode>; required: Set<string> },
  ) {
    this.raw = raw;
    this.dialect = factory.dialect;
    if (preset) this.preset = preset;
    if (raw === true || raw === false) {
      this.obj = {};
      this.unconstrained = raw;
      this.uniqueItems = false;
      this.readOnly = false;
      this.writeOnly = false;
      this.deprecated = false;
      this.other = NO_KEYWORDS;
      if (raw === false) {
        this.types = new Set();
        this.enum = [];
        this.nullable = false;
      } else this.nullable = true;
      return;
    }
    if (!isRecord(raw))
      this.fail(`a schema must be an object${this.booleanSchemas() ? " or a boolean" : ""}`);
    const o = raw as Record<string, unknown>;
    this.obj = o;
    const kw = new Keywords(o);
    this.kw = kw;
    const legacy = this.dialect === "oas30" || this.dialect === "swagger2";

    let typeNull = false;
    if (kw.type !== undefined) {
      const list = Array.isArray(kw.type) ? kw.type : [kw.type];
      const types = new Set<JsonType>();
      for (const t of list) {
        if (t === "file" && this.dialect === "swagger2") types.add("string");
        else if (typeof t === "string" && TYPE_NAMES.has(t) && !(legacy && t === "null")) {
          if (t === "null") typeNull = true;
          else types.add(t as JsonType);
        } else
          this.fail(`"type" must be one of ${[...TYPE_NAMES].join(", ")}, got ${canonicalJson(t)}`, "type");
      }
      this.types = types;
    }
    const nullableFlag =
      (legacy && kw.nullable === true) || (this.dialect === "swagger2" && kw.xNullable === true);
    const typeAllowsNull = this.types === undefined || typeNull || nullableFlag;

    let values: unknown[] | undefined;
    if (kw.enum !== undefined) {
      if (!Array.isArray(kw.enum)) this.fail(`"enum" must be a list`, "enum");
      values = kw.enum as unknown[];
    }
    if (kw.const !== undefined && this.dialect !== "oas30" && this.dialect !== "swagger2") {
      const only = canonicalJson(kw.const);
      values = values ? values.filter((v) => canonicalJson(v) === only) : [kw.const];
    }
    // OpenAPI 3.0 `nullable: true` is read as allowing null even when an enum forgets to list it.
    const enumAllowsNull = values === undefined || values.includes(null) || nullableFlag;
    this.nullable = typeAllowsNull && enumAllowsNull;
    if (values) this.enum = values.filter((v) => v !== null);

    if (kw.format !== undefined) this.format = this.string("format", kw.format);
    if (kw.sized) {
      this.minimum = this.bound("minimum", "exclusiveMinimum", legacy);
      this.maximum = this.bound("maximum", "exclusiveMaximum", legacy);
      if (o.multipleOf !== undefined) {
        const m = o.multipleOf;
        if (typeof m !== "number" || !(m > 0))
          this.fail(`"multipleOf" must be a number above 0`, "multipleOf");
        this.multipleOf = m as number;
      }
      this.minLength = this.count("minLength");
      this.maxLength = this.count("maxLength");
      this.minItems = this.count("minItems");
      this.maxItems = this.count("maxItems");
      this.minProperties = this.count("minProperties");
      this.maxProperties = this.count("maxProperties");
    }
    if (kw.pattern !== undefined) this.pattern = this.string("pattern", kw.pattern);
    this.uniqueItems = kw.sized && o.uniqueItems === true;
    this.readOnly = kw.flagged && o.readOnly === true;
    this.writeOnly = kw.flagged && o.writeOnly === true;
    this.deprecated = kw.flagged && o.deprecated === true;
    if (kw.hasDefault) this.default = { value: kw.default };
    const disc = kw.discriminator;
    if (typeof disc === "string") this.discriminator = { propertyName: disc, mapping: new Map() };
    else if (isRecord(disc) && typeof disc.propertyName === "string") {
      const mapping = new Map<string, string>();
      if (isRecord(disc.mapping)) {
        for (const [k, v] of Object.entries(disc.mapping)) if (typeof v === "string") mapping.set(k, v);
      }
      this.discriminator = { propertyName: disc.propertyName, mapping };
    }
    let other: Map<string, string> | undefined;
    if (kw.other) {
      for (const k of OTHER_KEYWORDS) {
        if (o[k] === undefined) continue;
        other ??= new Map();
        other.set(k, canonicalJson(o[k]));
      }
    }
    this.other = other ?? NO_KEYWORDS;
    this.unconstrained = !preset && !kw.constrained;
  }

  private booleanSchemas(): boolean {
    return this.dialect === "2020-12" || this.dialect === "draft-07" || this.dialect === "oas31";
  }

  private fail(message: string, keyword?: string): never {
    const pointer = keyword === undefined ? this.place.pointer : childPointer(this.place.pointer, keyword);
    const pos = this.place.doc.locate([pointer]).get(pointer);
    throw new GateError(`invalid schema at ${pointer || "the document root"}: ${message}`, {
      location: { file: this.place.doc.display, ...(pos ?? {}) },
    });
  }

  private string(keyword: string, v: unknown): string {
    if (typeof v !== "string") this.fail(`"${keyword}" must be a string`, keyword);
    return v as string;
  }

  private count(keyword: string): number | undefined {
    const v = this.obj[keyword];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      this.fail(`"${keyword}" must be a whole number of at least 0`, keyword);
    }
    return v as number;
  }

  private bound(keyword: string, exclusiveKeyword: string, legacy: boolean): Bound | undefined {
    const value = this.obj[keyword];
    const exclusive = this.obj[exclusiveKeyword];
    if (value !== undefined && typeof value !== "number") this.fail(`"${keyword}" must be a number`, keyword);
    let out: Bound | undefined =
      value === undefined ? undefined : { value: value as number, exclusive: false };
    if (typeof exclusive === "boolean") {
      if (out && exclusive) out.exclusive = true;
    } else if (typeof exclusive === "number" && !legacy) {
      const lower = keyword === "minimum";
      const tighter = !out || (lower ? exclusive >= out.value : exclusive <= out.value);
      if (tighter) out = { value: exclusive, exclusive: true };
    } else if (exclusive !== undefined) {
      this.fail(`"${exclusiveKeyword}" must be a ${legacy ? "boolean" : "number"}`, exclusiveKeyword);
    }
    return out;
  }

  private child(tokens: (string | number)[], value: unknown): SchemaNode {
    return this.factory.node(
      { doc: this.place.doc, pointer: childPointer(this.place.pointer, ...tokens) },
      value,
    );
  }

  private list(keyword: string, v: unknown): SchemaNode[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(`"${keyword}" must be a list of schemas`, keyword);
    return (v as unknown[]).map((s, i) => this.child([keyword, i], s));
  }

  // Children are built on first use, each remembered in a field of its own.
  private builtProperties: ReadonlyMap<string, SchemaNode> | undefined;
  private builtRequired: ReadonlySet<string> | undefined;
  private builtAdditional: boolean | SchemaNode | undefined;
  private builtItems: SchemaNode | undefined | typeof NOT_BUILT = NOT_BUILT;
  private builtPrefixItems: readonly SchemaNode[] | undefined | typeof NOT_BUILT = NOT_BUILT;
  private builtOneOf: readonly SchemaNode[] | undefined | typeof NOT_BUILT = NOT_BUILT;
  private builtAnyOf: readonly SchemaNode[] | undefined | typeof NOT_BUILT = NOT_BUILT;
  private builtAllOf: readonly SchemaNode[] | undefined | typeof NOT_BUILT = NOT_BUILT;

  get properties(): ReadonlyMap<string, SchemaNode> {
    if (this.builtProperties) return this.builtProperties;
    let out: Map<string, SchemaNode>;
    if (this.preset) out = this.preset.properties;
    else {
      out = new Map();
      const props = this.kw?.properties;
      if (props !== undefined) {
        if (!isRecord(props)) this.fail(`"properties" must be a mapping of names to schemas`, "properties");
        for (const name in props) out.set(name, this.child(["properties", name], props[name]));
      }
    }
    this.builtProperties = out;
    return out;
  }

  get required(): ReadonlySet<string> {
    if (this.builtRequired) return this.builtRequired;
    let out: Set<string>;
    if (this.preset) out = this.preset.required;
    else {
      const r = this.kw?.required;
      if (r === undefined || typeof r === "boolean") out = new Set();
      else {
        if (!Array.isArray(r) || r.some((x) => typeof x !== "string")) {
          this.fail(`"required" must be a list of property names`, "required");
        }
        out = new Set(r as string[]);
      }
    }
    this.builtRequired = out;
    return out;
  }

  get additionalProperties(): boolean | SchemaNode {
    if (this.builtAdditional !== undefined) return this.builtAdditional;
    const a = this.kw?.additionalProperties;
    const out =
      a === undefined || a === true ? true : a === false ? false : this.child(["additionalProperties"], a);
    this.builtAdditional = out;
    return out;
  }

  get items(): SchemaNode | undefined {
    if (this.builtItems !== NOT_BUILT) return this.builtItems;
    const it = this.kw?.items;
    let out: SchemaNode | undefined;
    if (Array.isArray(it)) {
      const extra = this.kw?.additionalItems;
      out = extra === undefined ? undefined : this.child(["additionalItems"], extra);
    } else out = it === undefined ? undefined : this.child(["items"], it);
    this.builtItems = out;
    return out;
  }

  get prefixItems(): readonly SchemaNode[] | undefined {
    if (this.builtPrefixItems !== NOT_BUILT) return this.builtPrefixItems;
    const it = this.kw?.items;
    const out = Array.isArray(it)
      ? it.map((s, i) => this.child(["items", i], s))
      : this.list("prefixItems", this.kw?.prefixItems);
    this.builtPrefixItems = out;
    return out;
  }

  get oneOf(): readonly SchemaNode[] | undefined {
    if (this.builtOneOf === NOT_BUILT) this.builtOneOf = this.list("oneOf", this.kw?.oneOf);
    return this.builtOneOf;
  }

  get anyOf(): readonly SchemaNode[] | undefined {
    if (this.builtAnyOf === NOT_BUILT) this.builtAnyOf = this.list("anyOf", this.kw?.anyOf);
    return this.builtAnyOf;
  }

  get allOf(): readonly SchemaNode[] | undefined {
    if (this.builtAllOf !== NOT_BUILT) return this.builtAllOf;
    const members = this.list("allOf", this.kw?.allOf) ?? [];
    // 2020-12: `$ref` beside other keywords is one more constraint, like an allOf member.
    if (typeof this.kw?.ref === "string" && this.factory.refWithSiblings(this.obj)) {
      const target = this.factory.contract.deref(this.place, { $ref: this.kw.ref });
      members.unshift(this.factory.node(target, target.value, this.factory.contract.address(target)));
    }
    const out = members.length > 0 ? members : undefined;
    this.builtAllOf = out;
    return out;
  }
}

let nextAnyId = -1_000_000_000;

/** A schema that allows anything, standing for a missing one (a parameter without a schema, say). */
export function unconstrainedSchema(place: DocPlace, dialect: Dialect): SchemaNode {
  return {
    id: nextAnyId--,
    place,
    dialect,
    raw: true,
    unconstrained: true,
    nullable: true,
    uniqueItems: false,
    properties: new Map(),
    required: new Set(),
    additionalProperties: true,
    readOnly: false,
    writeOnly: false,
    deprecated: false,
    other: new Map(),
  };
}
