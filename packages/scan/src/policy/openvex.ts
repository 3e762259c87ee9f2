import { createHash } from "node:crypto";
import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { idsOf, type VulnerabilityFinding } from "../findings/types.js";
import type { IgnoreRule } from "./ignore-file.js";
import { parsePurl, purlMatches } from "./purl.js";

/**
 * OpenVEX (https://github.com/openvex/spec): ignore-file entries leave as statements, and statements
 * from elsewhere (a vendor, another team) come in. Incoming `not_affected` and `fixed` statements
 * suppress the findings they cover; `affected` and `under_investigation` ones do not.
 */

export const OPENVEX_CONTEXT = "https://openvex.dev/ns/v0.2.0";

export type VexStatus = "not_affected" | "affected" | "fixed" | "under_investigation";

export interface VexProduct {
  "@id": string;
  subcomponents?: { "@id": string }[];
}

export interface VexStatement {
  vulnerability: { name: string; aliases?: string[] };
  products: VexProduct[];
  status: VexStatus;
  justification?: string;
  impact_statement?: string;
  action_statement?: string;
  timestamp?: string;
}

export interface VexDocument {
  "@context": string;
  "@id": string;
  author: string;
  timestamp: string;
  version: number;
  tooling?: string;
  statements: VexStatement[];
}

/** The image as an OpenVEX product: its `pkg:oci` purl when the digest is known, else its reference. */
export interface VexImage {
  reference: string;
  digest?: string;
  /** `pkg:oci/name@sha256:…` */
  purl?: string;
}

/** What an ignore entry suppressed, so the exported statement can name the exact packages. */
export type IgnoreUse = Map<IgnoreRule, VulnerabilityFinding[]>;

export function ignoresToOpenVex(
  rules: readonly IgnoreRule[],
  image: VexImage,
  options: { author: string; now: Date; used?: IgnoreUse; tooling?: string },
): VexDocument {
  const statements: VexStatement[] = rules.map((rule) => {
    const suppressed = options.used?.get(rule) ?? [];
    const packages = [
      ...new Set([
        ...suppressed.map((f) => f.package.purl ?? f.package.name),
        ...(rule.purl ? [rule.purl] : []),
        ...(!rule.purl && suppressed.length === 0 && rule.package ? [rule.package] : []),
      ]),
    ];
    const accepted = `Accepted until ${rule.expires}${rule.by ? ` by ${rule.by}` : ""}: ${rule.reason}`;
    return {
      vulnerability: { name: rule.id },
      products: [
        {
          "@id": image.purl ?? image.reference,
          ...(packages.length > 0 ? { subcomponents: packages.map((p) => ({ "@id": p })) } : {}),
        },
      ],
      ...(rule.justification
        ? {
            status: "not_affected" as const,
            justification: rule.justification,
            impact_statement: rule.reason,
          }
        : { status: "affected" as const, action_statement: accepted }),
    };
  });
  const body = JSON.stringify(statements);
  return {
    "@context": OPENVEX_CONTEXT,
    "@id": `https://openvex.dev/docs/mlgate/${createHash("sha256")
      .update(image.reference + body)
      .digest("hex")
      .slice(0, 32)}`,
    author: options.author,
    timestamp: options.now.toISOString(),
    version: 1,
    ...(options.tooling ? { tooling: options.tooling } : {}),
    statements,
  };
}

const STATUSES: readonly VexStatus[] = ["not_affected", "affected", "fixed", "under_investigation"];
const MAX_STATEMENTS = 100_000;

/** Read and check an OpenVEX document (v0.2.0, and v0.0.1's string vulnerabilities and products). */
export async function readOpenVex(file: string, maxBytes = 64 * 1024 * 1024): Promise<VexStatement[]> {
  const json = parseJsonText(
    await readTextFile(file, "OpenVEX document", { maxBytes }),
    file,
    "OpenVEX document",
  );
  return parseOpenVex(json, file);
}

export function parseOpenVex(json: unknown, file: string): VexStatement[] {
  const fail = (path: string, expected: string): never => {
    throw new GateError(`OpenVEX document ${file}: ${path} should be ${expected}`, {
      location: { file },
      hint: "see https://github.com/openvex/spec for the format",
    });
  };
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return fail("the document", "an object");
  const doc = json as Record<string, unknown>;
  if (typeof doc["@context"] !== "string" || !doc["@context"].startsWith("https://openvex.dev/ns")) {
    fail("@context", `an OpenVEX context such as "${OPENVEX_CONTEXT}"`);
  }
  const docTime = typeof doc.timestamp === "string" ? doc.timestamp : undefined;
  const list = doc.statements;
  if (!Array.isArray(list) || list.length > MAX_STATEMENTS)
    return fail("statements", `a list of at most ${MAX_STATEMENTS}`);
  return list.map((s, i) => {
    const at = `statements[${i}]`;
    if (typeof s !== "object" || s === null) return fail(at, "an object");
    const st = s as Record<string, unknown>;
    const vuln = st.vulnerability;
    const name =
      typeof vuln === "string"
        ? vuln
        : typeof vuln === "object" && vuln !== null
          ? ((vuln as Record<string, unknown>).name ?? (vuln as Record<string, unknown>)["@id"])
          : undefined;
    if (typeof name !== "string" || name === "") fail(`${at}.vulnerability`, "a vulnerability with a name");
    const aliases =
      typeof vuln === "object" && vuln !== null && Array.isArray((vuln as Record<string, unknown>).aliases)
        ? ((vuln as Record<string, unknown>).aliases as unknown[]).filter(
            (a): a is string => typeof a === "string",
          )
        : [];
    if (!STATUSES.includes(st.status as VexStatus)) fail(`${at}.status`, `one of ${STATUSES.join(", ")}`);
    const rawProducts = st.products;
    if (!Array.isArray(rawProducts) || rawProducts.length === 0) fail(`${at}.products`, "a non-empty list");
    const products = (rawProducts as unknown[]).map((p, j): VexProduct => {
      if (typeof p === "string") return { "@id": p };
      if (typeof p !== "object" || p === null || typeof (p as Record<string, unknown>)["@id"] !== "string") {
        return fail(`${at}.products[${j}]`, 'a product with an "@id"');
      }
      const product = p as Record<string, unknown>;
      const subs = Array.isArray(product.subcomponents)
        ? product.subcomponents.map((c, k) => {
            const id =
              typeof c === "string"
                ? c
                : typeof c === "object" && c !== null
                  ? (c as Record<string, unknown>)["@id"]
                  : undefined;
            if (typeof id !== "string")
              return fail(`${at}.products[${j}].subcomponents[${k}]`, 'a component with an "@id"');
            return { "@id": id };
          })
        : undefined;
      return { "@id": product["@id"] as string, ...(subs ? { subcomponents: subs } : {}) };
    });
    const timestamp = typeof st.timestamp === "string" ? st.timestamp : docTime;
    return {
      vulnerability: { name: name as string, ...(aliases.length > 0 ? { aliases } : {}) },
      products,
      status: st.status as VexStatus,
      ...(typeof st.justification === "string" ? { justification: st.justification } : {}),
      ...(typeof st.impact_statement === "string" ? { impact_statement: st.impact_statement } : {}),
      ...(timestamp ? { timestamp } : {}),
    };
  });
}

/** Does the product id name this image (its reference, its `pkg:oci` purl or digest)? */
function namesImage(id: string, image: VexImage): boolean {
  if (id === image.reference || (image.purl !== undefined && id === image.purl)) return true;
  const product = parsePurl(id);
  if (product?.type === "oci") {
    if (product.version) return product.version === image.digest;
    const own = image.purl ? parsePurl(image.purl) : undefined;
    return own !== undefined && own.name === product.name;
  }
  return image.digest !== undefined && id.endsWith(image.digest);
}

function namesPackage(id: string, f: VulnerabilityFinding): boolean {
  if (id.startsWith("pkg:")) return purlMatches(id, f.package.purl);
  return id === f.package.name;
}

/** Whether a statement speaks about this finding (vulnerability id, and product or subcomponent). */
export function statementCovers(statement: VexStatement, f: VulnerabilityFinding, image: VexImage): boolean {
  const ids = idsOf(f);
  const named = [statement.vulnerability.name, ...(statement.vulnerability.aliases ?? [])].some((n) =>
    ids.includes(n.toUpperCase()),
  );
  if (!named) return false;
  return statement.products.some((p) => {
    if (namesImage(p["@id"], image)) {
      return !p.subcomponents?.length || p.subcomponents.some((c) => namesPackage(c["@id"], f));
    }
    // A product that is itself the package.
    return namesPackage(p["@id"], f);
  });
}

/** The statement that decides a finding: the latest one covering it (by timestamp, then document order). */
export function decidingStatement(
  statements: readonly VexStatement[],
  f: VulnerabilityFinding,
  image: VexImage,
): VexStatement | undefined {
  let best: VexStatement | undefined;
  let bestTime = Number.NEGATIVE_INFINITY;
  for (const s of statements) {
    if (!statementCovers(s, f, image)) continue;
    const t = s.timestamp ? Date.parse(s.timestamp) : Number.NEGATIVE_INFINITY;
    const time = Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
    if (time >= bestTime) {
      best = s;
      bestTime = time;
    }
  }
  return best;
}
