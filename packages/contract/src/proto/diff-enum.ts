import type { DiffContext } from "./context.js";
import type { ProtoEnum, ProtoEnumValue } from "./model.js";
import { formatRanges, isReservedNumber, uncoveredRanges } from "./reserved.js";
import type { ProtoRuleId } from "./rules.js";

/** Compares one enum of the base with its counterpart in the head (values by name and by number). */
export function diffEnum(ctx: DiffContext, b: ProtoEnum, h: ProtoEnum): void {
  const name = h.name;
  const report = (
    rule: ProtoRuleId,
    message: string,
    value: { base?: ProtoEnumValue; head?: ProtoEnumValue },
  ) =>
    ctx.report(rule, {
      message,
      path: value.head || value.base ? `${name}.${(value.head ?? value.base)!.name}` : name,
      group: name,
      base: value.base?.location ?? b.location,
      head: value.head?.location ?? h.location,
    });

  if (b.closed !== h.closed) {
    const kind = (closed: boolean) => (closed ? "closed" : "open");
    report(
      "proto.enum-openness-changed",
      `enum ${name} changed from ${kind(b.closed)} to ${kind(h.closed)}`,
      {},
    );
  }

  const headByName = new Map(h.values.map((v) => [v.name, v]));
  const headByNumber = new Map<number, ProtoEnumValue>();
  for (const v of h.values) if (!headByNumber.has(v.number)) headByNumber.set(v.number, v);
  const baseNames = new Set(b.values.map((v) => v.name));
  const baseNumbers = new Set(b.values.map((v) => v.number));

  for (const bv of b.values) {
    const same = headByName.get(bv.name);
    if (same) {
      if (same.number !== bv.number) {
        report(
          "proto.enum-value-number-changed",
          `${name}.${bv.name} changed its number from ${bv.number} to ${same.number}`,
          { base: bv, head: same },
        );
      }
      continue;
    }
    const other = headByNumber.get(bv.number);
    if (other) {
      report(
        "proto.enum-value-renamed",
        `${name} value ${bv.number} is no longer called ${bv.name} (now ${other.name})`,
        { base: bv, head: other },
      );
    } else if (isReservedNumber(h.reserved, bv.number)) {
      report(
        "proto.enum-value-removed-reserved",
        `${name}.${bv.name} = ${bv.number} was removed (number reserved)`,
        { base: bv },
      );
    } else {
      report(
        "proto.enum-value-removed",
        `${name}.${bv.name} = ${bv.number} was removed without reserving ${bv.number}`,
        { base: bv },
      );
    }
  }

  const clientReads = ctx.roles(b.name, h.name).has("response");
  for (const hv of h.values) {
    if (baseNames.has(hv.name) || baseNumbers.has(hv.number)) continue;
    if (clientReads) {
      report(
        "proto.enum-value-added",
        `${name}.${hv.name} = ${hv.number} was added; old clients do not know it`,
        {
          head: hv,
        },
      );
    } else {
      report("proto.request-enum-value-added", `${name}.${hv.name} = ${hv.number} was added`, { head: hv });
    }
  }

  const numbers = uncoveredRanges(b.reserved.numbers, h.reserved.numbers);
  const names = b.reserved.names.filter((n) => !h.reserved.names.includes(n));
  if (numbers.length > 0 || names.length > 0) {
    const lost = [
      ...(numbers.length > 0 ? [`values ${formatRanges(numbers)}`] : []),
      ...(names.length > 0 ? [`names ${names.map((n) => `"${n}"`).join(", ")}`] : []),
    ];
    report("proto.reserved-removed", `enum ${name} no longer reserves ${lost.join(" and ")}`, {});
  }
}
