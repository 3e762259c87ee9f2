import type { CounterExample } from "../change.js";
import type { DocPlace } from "../load/contract.js";
import { childPointer, escapeToken } from "../load/pointer.js";
import type { ApiModel, Operation, SecurityRequirement } from "../model/types.js";
import type { ChangeCollector } from "../rules/collector.js";

type Add = (
  rule: string,
  message: string,
  where: { base?: DocPlace; head?: DocPlace; path?: string },
  counterExample?: () => CounterExample | undefined,
) => void;

function keyOf(req: SecurityRequirement): string {
  return [...req.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, scopes]) => `${name}[${[...scopes].sort().join(",")}]`)
    .join("+");
}

function describe(req: SecurityRequirement): string {
  if (req.size === 0) return "anonymous access";
  return [...req.entries()]
    .map(([name, scopes]) => (scopes.size > 0 ? `${name} (${[...scopes].sort().join(", ")})` : name))
    .join(" + ");
}

/** `h` asks for no more than `b` provides: every scheme of h is in b, with no extra scopes. */
function satisfiedBy(h: SecurityRequirement, b: SecurityRequirement): boolean {
  for (const [name, scopes] of h) {
    const have = b.get(name);
    if (!have) return false;
    for (const s of scopes) if (!have.has(s)) return false;
  }
  return true;
}

function sameSchemes(a: SecurityRequirement, b: SecurityRequirement): boolean {
  return a.size === b.size && [...a.keys()].every((k) => b.has(k));
}

/**
 * Security requirements are alternatives (OR) of scheme sets (AND). Every way a client could
 * authenticate before must still work: some head alternative must ask for no more than it.
 */
export function diffSecurity(b: Operation, h: Operation, add: Add): void {
  const headKeys = new Set(h.security.map(keyOf));
  const baseKeys = new Set(b.security.map(keyOf));
  const path = `${h.pointer}/security`;
  const consumed = new Set<SecurityRequirement>();
  for (const alt of b.security) {
    if (headKeys.has(keyOf(alt))) continue;
    const covering = h.security.find((x) => satisfiedBy(x, alt));
    if (covering) {
      consumed.add(covering);
      if (sameSchemes(covering, alt)) {
        add("security-scope-removed", `${describe(alt)} now needs only ${describe(covering)}`, {
          base: b.securityPlace,
          head: h.securityPlace,
          path,
        });
      }
      continue;
    }
    const stricter = h.security.find((x) => satisfiedBy(alt, x));
    if (stricter) {
      consumed.add(stricter);
      const rule = sameSchemes(stricter, alt) ? "security-scope-added" : "security-requirement-removed";
      add(rule, `${describe(alt)} is no longer enough: needs ${describe(stricter)}`, {
        base: b.securityPlace,
        head: h.securityPlace,
        path,
      });
    } else {
      add("security-requirement-removed", `${describe(alt)} no longer accepted`, {
        base: b.securityPlace,
        head: h.securityPlace,
        path,
      });
    }
  }
  for (const alt of h.security) {
    if (baseKeys.has(keyOf(alt)) || consumed.has(alt)) continue;
    add("security-requirement-added", `${describe(alt)} now accepted`, { head: h.securityPlace, path });
  }
}

/** The security schemes themselves: kind, where an API key goes, OAuth flows, scopes and URLs. */
export function diffSecuritySchemes(base: ApiModel, head: ApiModel, out: ChangeCollector): void {
  const group = "security schemes";
  const owner = { groups: new Set([group]), parents: new Set<never>() };
  const add = (rule: string, message: string, path: string, where: { base?: DocPlace; head?: DocPlace }) =>
    out.add({ rule, message, path, group, owner, ...where });
  for (const [name, bs] of base.securitySchemes) {
    const hs = head.securitySchemes.get(name);
    const path = bs.place.pointer || `/components/securitySchemes/${escapeToken(name)}`;
    if (!hs) {
      add("security-scheme-removed", `security scheme ${name} removed`, path, {
        base: bs.place,
        head: head.root,
      });
      continue;
    }
    const hpath = hs.place.pointer;
    const where = { base: bs.place, head: hs.place };
    if (bs.type !== hs.type || (bs.type === "http" && bs.scheme !== hs.scheme)) {
      const show = (s: typeof bs) => (s.type === "http" && s.scheme ? `http ${s.scheme}` : s.type);
      add(
        "security-scheme-type-changed",
        `security scheme ${name} changed from ${show(bs)} to ${show(hs)}`,
        hpath,
        where,
      );
      continue;
    }
    if (bs.in !== hs.in || bs.paramName !== hs.paramName) {
      add(
        "security-scheme-location-changed",
        `security scheme ${name} now expects the key in ${hs.in} "${hs.paramName}" (was ${bs.in} "${bs.paramName}")`,
        hpath,
        where,
      );
    }
    if (bs.openIdConnectUrl !== hs.openIdConnectUrl) {
      add("security-scheme-url-changed", `security scheme ${name}: OpenID Connect URL changed`, hpath, where);
    }
    for (const [flow, bf] of bs.flows) {
      const hf = hs.flows.get(flow);
      const flowWhere = {
        base: bs.place,
        head: { doc: hs.place.doc, pointer: childPointer(hs.place.pointer, "flows") },
      };
      if (!hf) {
        add(
          "security-scheme-flow-removed",
          `security scheme ${name}: OAuth flow ${flow} removed`,
          `${hpath}/flows/${escapeToken(flow)}`,
          flowWhere,
        );
        continue;
      }
      const removed = [...bf.scopes].filter((s) => !hf.scopes.has(s));
      if (removed.length > 0) {
        add(
          "security-scheme-scope-removed",
          `security scheme ${name}: scope${removed.length > 1 ? "s" : ""} ${removed.join(", ")} removed from ${flow}`,
          `${hpath}/flows/${escapeToken(flow)}/scopes`,
          flowWhere,
        );
      }
      for (const k of Object.keys({ ...bf.urls, ...hf.urls })) {
        if (bf.urls[k] !== hf.urls[k]) {
          add(
            "security-scheme-url-changed",
            `security scheme ${name}: ${flow} ${k} changed`,
            `${hpath}/flows/${escapeToken(flow)}/${k}`,
            flowWhere,
          );
        }
      }
    }
  }
  for (const [name, hs] of head.securitySchemes) {
    if (!base.securitySchemes.has(name))
      add("security-scheme-added", `security scheme ${name} added`, hs.place.pointer, { head: hs.place });
  }
}
