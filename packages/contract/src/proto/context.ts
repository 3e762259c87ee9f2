import type { Change } from "../change.js";
import type { ProtoModel, ProtoTypeRef } from "./model.js";
import { type ChangeInput, type ProtoRuleId, protoChange } from "./rules.js";
import { type Role, typeRoles } from "./usage.js";

const BOTH: ReadonlySet<Role> = new Set<Role>(["request", "response"]);

/** What every comparison needs: both models, the package moves, who reads each type, and the output. */
export class DiffContext {
  readonly changes: Change[] = [];
  private readonly baseRoles: Map<string, Set<Role>>;
  private readonly headRoles: Map<string, Set<Role>>;

  constructor(
    readonly base: ProtoModel,
    readonly head: ProtoModel,
    /** Base file path → the package it moved from and to. */
    private readonly moves: Map<string, { from: string; to: string }>,
  ) {
    this.baseRoles = typeRoles(base);
    this.headRoles = typeRoles(head);
  }

  report(rule: ProtoRuleId, input: ChangeInput): void {
    this.changes.push(protoChange(rule, input));
  }

  /** The head name of a base declaration: unchanged unless its file moved to another package. */
  canon(baseName: string): string {
    const owner =
      this.base.messages.get(baseName)?.file ??
      this.base.enums.get(baseName)?.file ??
      this.base.services.get(baseName)?.file;
    const move = owner === undefined ? undefined : this.moves.get(owner);
    if (!move) return baseName;
    const { from, to } = move;
    if (from !== "" && baseName !== from && !baseName.startsWith(`${from}.`)) return baseName;
    const rest = from === "" ? baseName : baseName.slice(from.length + 1);
    return to === "" ? rest : `${to}.${rest}`;
  }

  canonType(type: ProtoTypeRef): ProtoTypeRef {
    return type.kind === "scalar" ? type : { kind: type.kind, name: this.canon(type.name) };
  }

  /** Who decodes the type, on either side; a type no RPC reaches may be read by anyone. */
  roles(baseName: string, headName: string): ReadonlySet<Role> {
    const out = new Set<Role>([
      ...(this.baseRoles.get(baseName) ?? []),
      ...(this.headRoles.get(headName) ?? []),
    ]);
    return out.size === 0 ? BOTH : out;
  }
}
