import type { DiffContext } from "./context.js";
import type { ProtoField, ProtoMessage } from "./model.js";
import { formatRanges, isReservedNumber, uncoveredRanges } from "./reserved.js";
import type { Role } from "./usage.js";
import { classifyTypeChange } from "./wire-types.js";

function label(field: ProtoField): string {
  if (field.cardinality === "map") return `map<${field.mapKey}, ${field.type.name}>`;
  if (field.cardinality === "repeated") return `repeated ${field.type.name}`;
  return field.type.name;
}

function sameMembers(a: number[] | undefined, b: number[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((n) => set.has(n));
}

/** Compares one message of the base with its counterpart in the head. */
class MessageDiff {
  private readonly headByNumber: Map<number, ProtoField>;
  private readonly headByName: Map<string, ProtoField>;
  private readonly baseByNumber: Map<number, ProtoField>;
  private readonly baseByName: Map<string, ProtoField>;
  /** The server decodes this message (it is in a request), clients decode it (in a response). */
  private readonly serverReads: boolean;
  private readonly clientReads: boolean;
  private readonly renamedOneofs = new Set<string>();

  constructor(
    private readonly ctx: DiffContext,
    private readonly b: ProtoMessage,
    private readonly h: ProtoMessage,
  ) {
    this.headByNumber = new Map(h.fields.map((f) => [f.number, f]));
    this.headByName = new Map(h.fields.map((f) => [f.name, f]));
    this.baseByNumber = new Map(b.fields.map((f) => [f.number, f]));
    this.baseByName = new Map(b.fields.map((f) => [f.name, f]));
    const roles: ReadonlySet<Role> = ctx.roles(b.name, h.name);
    this.serverReads = roles.has("request");
    this.clientReads = roles.has("response");
  }

  private report(
    rule: Parameters<DiffContext["report"]>[0],
    message: string,
    field: { base?: ProtoField | undefined; head?: ProtoField | undefined },
  ): void {
    const name = field.head?.name ?? field.base?.name ?? "";
    this.ctx.report(rule, {
      message,
      path: `${this.h.name}.${name}`,
      group: this.h.name,
      base: field.base?.location ?? this.b.location,
      head: field.head?.location ?? this.h.location,
    });
  }

  run(): void {
    for (const bf of this.b.fields) {
      const hf = this.headByNumber.get(bf.number);
      if (hf) {
        this.compare(bf, hf);
        continue;
      }
      const moved = this.headByName.get(bf.name);
      if (moved) {
        this.report(
          "proto.field-number-changed",
          `field ${bf.name} of ${this.h.name} moved from number ${bf.number} to ${moved.number}`,
          { base: bf, head: moved },
        );
        continue;
      }
      this.removed(bf);
    }
    for (const hf of this.h.fields) {
      if (this.baseByNumber.has(hf.number) || this.baseByName.has(hf.name)) continue;
      this.added(hf);
    }
    this.reservations();
  }

  private removed(bf: ProtoField): void {
    const numberKept = isReservedNumber(this.h.reserved, bf.number);
    const nameKept = this.h.reserved.names.includes(bf.name);
    const what = `field ${bf.name} = ${bf.number} was removed from ${this.h.name}`;
    if (!numberKept) {
      this.report("proto.field-removed", `${what} without reserving ${bf.number}`, { base: bf });
    } else if (!nameKept) {
      this.report(
        "proto.field-removed-name-not-reserved",
        `${what}; ${bf.number} is reserved but the name "${bf.name}" is not`,
        { base: bf },
      );
    } else {
      this.report("proto.field-removed-reserved", `${what} (number and name reserved)`, { base: bf });
    }
    if (bf.presence === "required" && this.clientReads) {
      this.report("proto.field-required-removed", `required field ${bf.name} of ${this.h.name} was removed`, {
        base: bf,
      });
    }
  }

  private added(hf: ProtoField): void {
    const where = `${hf.name} = ${hf.number} (${label(hf)})`;
    if (isReservedNumber(this.b.reserved, hf.number)) {
      this.report(
        "proto.field-reuses-reserved-number",
        `new field ${where} of ${this.h.name} uses a number the base reserved`,
        { head: hf },
      );
    } else if (hf.presence === "required") {
      if (this.serverReads) {
        this.report("proto.field-required-added", `new required field ${where} in ${this.h.name}`, {
          head: hf,
        });
      } else {
        this.report("proto.response-field-required-added", `new required field ${where} in ${this.h.name}`, {
          head: hf,
        });
      }
    } else if (hf.oneof !== undefined && this.clientReads && this.oneofExisted(hf.oneof)) {
      this.report(
        "proto.oneof-member-added",
        `new field ${where} joins the existing oneof ${hf.oneof} of ${this.h.name}`,
        { head: hf },
      );
    } else {
      this.report("proto.field-added", `new field ${where} in ${this.h.name}`, { head: hf });
    }
  }

  /** A head oneof existed in the base if one of its other members did (by number). */
  private oneofExisted(oneof: string): boolean {
    return (this.h.oneofs.get(oneof) ?? []).some((n) => this.baseByNumber.get(n)?.oneof !== undefined);
  }

  private compare(bf: ProtoField, hf: ProtoField): void {
    const of = this.h.name;
    if (bf.name !== hf.name) {
      const moved = this.headByName.get(bf.name);
      if (moved) {
        this.report(
          "proto.field-number-changed",
          `field ${bf.name} of ${of} moved from number ${bf.number} to ${moved.number}; ${bf.number} is now ${hf.name}`,
          { base: bf, head: moved },
        );
      } else if (bf.jsonName !== hf.jsonName) {
        this.report(
          "proto.field-renamed",
          `field ${bf.number} of ${of} was renamed from ${bf.name} to ${hf.name} (JSON key ${bf.jsonName} → ${hf.jsonName})`,
          { base: bf, head: hf },
        );
      } else {
        this.report(
          "proto.field-renamed-json-compatible",
          `field ${bf.number} of ${of} was renamed from ${bf.name} to ${hf.name}; json_name keeps the JSON key ${hf.jsonName}`,
          { base: bf, head: hf },
        );
      }
    } else if (bf.jsonName !== hf.jsonName) {
      this.report(
        "proto.field-json-name-changed",
        `JSON name of ${of}.${hf.name} changed from ${bf.jsonName} to ${hf.jsonName}`,
        { base: bf, head: hf },
      );
    }
    this.compareTypes(bf, hf);
    // Oneof members always track presence: a move the oneof rules judge is not reported twice.
    const judgedByOneof = this.compareOneof(bf, hf);
    if (!judgedByOneof) this.comparePresence(bf, hf);
    if (bf.defaultValue !== hf.defaultValue) {
      this.report(
        "proto.field-default-changed",
        `default of ${of}.${hf.name} changed from ${bf.defaultValue ?? "(none)"} to ${hf.defaultValue ?? "(none)"}`,
        { base: bf, head: hf },
      );
    }
  }

  private compareTypes(bf: ProtoField, hf: ProtoField): void {
    const name = `${this.h.name}.${hf.name}`;
    if (bf.cardinality !== hf.cardinality) {
      this.report("proto.field-cardinality-changed", `${name} changed from ${label(bf)} to ${label(hf)}`, {
        base: bf,
        head: hf,
      });
      if (bf.cardinality === "map" || hf.cardinality === "map") return;
    }
    const baseType = this.ctx.canonType(bf.type);
    const change = classifyTypeChange(baseType, hf.type);
    const isMap = bf.cardinality === "map" && hf.cardinality === "map";
    if (isMap && bf.mapKey !== hf.mapKey) {
      this.report(
        "proto.map-key-type-changed",
        `key type of map ${name} changed from ${bf.mapKey} to ${hf.mapKey}`,
        { base: bf, head: hf },
      );
    }
    const what = isMap ? `value type of map ${name}` : `type of ${name}`;
    const text = `${what} changed from ${bf.type.name} to ${hf.type.name}`;
    if (change === "incompatible") {
      this.report(isMap ? "proto.map-value-type-changed" : "proto.field-type-changed", text, {
        base: bf,
        head: hf,
      });
    } else if (change === "wire-compatible" || (change === "widened" && this.clientReads)) {
      this.report("proto.field-type-changed-wire-compatible", `${text} (same wire encoding)`, {
        base: bf,
        head: hf,
      });
    } else if (change === "widened") {
      this.report("proto.request-field-type-widened", `${text}, a lossless widening`, { base: bf, head: hf });
    }
    if (change !== "incompatible" && bf.delimited !== hf.delimited) {
      const enc = (f: ProtoField) => (f.delimited ? "group (delimited)" : "length-prefixed");
      this.report(
        "proto.field-encoding-changed",
        `encoding of ${name} changed from ${enc(bf)} to ${enc(hf)}`,
        { base: bf, head: hf },
      );
    }
  }

  private comparePresence(bf: ProtoField, hf: ProtoField): void {
    const b = bf.presence;
    const h = hf.presence;
    if (b === undefined || h === undefined || b === h) return;
    const name = `${this.h.name}.${hf.name}`;
    if (b === "required") {
      this.report(
        this.clientReads ? "proto.field-required-removed" : "proto.request-field-required-removed",
        `${name} is no longer required`,
        { base: bf, head: hf },
      );
    } else if (h === "required") {
      this.report(
        this.serverReads ? "proto.field-required-added" : "proto.response-field-required-added",
        `${name} became required`,
        { base: bf, head: hf },
      );
    } else {
      this.report("proto.field-presence-changed", `${name} changed from ${b} to ${h} presence`, {
        base: bf,
        head: hf,
      });
    }
  }

  /** Whether a oneof rule judged the field (a move into, out of or between oneofs). */
  private compareOneof(bf: ProtoField, hf: ProtoField): boolean {
    const bo = bf.oneof;
    const ho = hf.oneof;
    if (bo === ho) return false;
    const name = `${this.h.name}.${hf.name}`;
    const bMembers = bo === undefined ? [] : (this.b.oneofs.get(bo) ?? []);
    const hMembers = ho === undefined ? [] : (this.h.oneofs.get(ho) ?? []);
    if (bo !== undefined && ho !== undefined && sameMembers(bMembers, hMembers)) {
      if (!this.renamedOneofs.has(bo)) {
        this.renamedOneofs.add(bo);
        this.report("proto.oneof-renamed", `oneof ${bo} of ${this.h.name} was renamed to ${ho}`, {
          base: bf,
          head: hf,
        });
      }
      return true;
    }
    // Which other members were (or become) exclusive with this field and exist on both sides.
    const otherBefore = bMembers.filter((n) => n !== bf.number && this.headByNumber.has(n));
    const otherAfter = hMembers.filter((n) => n !== hf.number && this.baseByNumber.has(n));
    if (ho !== undefined && bo === undefined && otherAfter.length === 0) {
      this.report("proto.field-moved-into-new-oneof", `${name} was wrapped in the new oneof ${ho}`, {
        base: bf,
        head: hf,
      });
      return true;
    }
    // Out of a oneof whose other members are gone: only presence can have changed.
    if (bo !== undefined && ho === undefined && otherBefore.length === 0) return false;
    const from = bo === undefined ? "no oneof" : `oneof ${bo}`;
    const to = ho === undefined ? "no oneof" : `oneof ${ho}`;
    this.report("proto.field-oneof-changed", `${name} moved from ${from} to ${to}`, { base: bf, head: hf });
    return true;
  }

  private reservations(): void {
    const numbers = uncoveredRanges(this.b.reserved.numbers, this.h.reserved.numbers);
    const names = this.b.reserved.names.filter((n) => !this.h.reserved.names.includes(n));
    if (numbers.length === 0 && names.length === 0) return;
    const lost = [
      ...(numbers.length > 0 ? [`field numbers ${formatRanges(numbers)}`] : []),
      ...(names.length > 0 ? [`field names ${names.map((n) => `"${n}"`).join(", ")}`] : []),
    ];
    this.ctx.report("proto.reserved-removed", {
      message: `${this.h.name} no longer reserves ${lost.join(" and ")}`,
      path: this.h.name,
      group: this.h.name,
      base: this.b.location,
      head: this.h.location,
    });
  }
}

export function diffMessage(ctx: DiffContext, base: ProtoMessage, head: ProtoMessage): void {
  new MessageDiff(ctx, base, head).run();
}
