import { GateError } from "@mlgate/core";

/**
 * The parts of an OSV advisory (https://ossf.github.io/osv-schema/) that matching needs, read from
 * its JSON with every field checked: a malformed advisory is an error naming the file and the field,
 * while fields this scanner does not use are ignored.
 */

export type OsvEvent =
  | { introduced: string }
  | { fixed: string }
  | { last_affected: string }
  | { limit: string };

export interface OsvRange {
  /** `ECOSYSTEM`, `SEMVER` or `GIT` (GIT ranges name commits and are not evaluated). */
  type: string;
  events: OsvEvent[];
}

export interface OsvSeverity {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`. */
  type: string;
  score: string;
}

export interface OsvAffected {
  /** As written: `Debian:12`, `Alpine:v3.19`, `npm`, `PyPI`. */
  ecosystem: string;
  name: string;
  purl?: string;
  ranges: OsvRange[];
  versions: string[];
  severity: OsvSeverity[];
  /** `database_specific.severity` or `ecosystem_specific.severity`/`urgency` of this entry. */
  severityWord?: string;
}

export interface OsvAdvisory {
  id: string;
  aliases: string[];
  /** Vulnerabilities this one is a downstream copy of (Debian's and Ubuntu's entries name the CVE here). */
  upstream: string[];
  summary?: string;
  modified?: string;
  withdrawn?: string;
  severity: OsvSeverity[];
  /** `database_specific.severity` of the advisory (GitHub's CRITICAL/HIGH/MODERATE/LOW). */
  severityWord?: string;
  affected: OsvAffected[];
  /** The advisory's web page, or its first reference. */
  url?: string;
}

const MAX_TEXT = 4096;
const MAX_ITEMS = 10_000;

class Reader {
  constructor(readonly where: string) {}

  fail(path: string, expected: string): never {
    throw new GateError(`${this.where}: ${path || "the document"} should be ${expected}`, {
      location: { file: this.where },
      hint: "the OSV database is damaged or not in the OSV schema; download it again",
    });
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(path, "an object");
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== "string" || value.length > MAX_TEXT)
      this.fail(path, `a string of at most ${MAX_TEXT} characters`);
    return value;
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  array(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.length > MAX_ITEMS)
      this.fail(path, `a list of at most ${MAX_ITEMS} items`);
    return value;
  }

  strings(value: unknown, path: string): string[] {
    return this.array(value, path).map((v, i) => this.string(v, `${path}[${i}]`));
  }
}

const EVENT_KINDS = ["introduced", "fixed", "last_affected", "limit"] as const;

function readEvent(r: Reader, value: unknown, path: string): OsvEvent {
  const o = r.object(value, path);
  const kinds = EVENT_KINDS.filter((k) => o[k] !== undefined);
  if (kinds.length !== 1)
    r.fail(path, "an event with exactly one of introduced, fixed, last_affected, limit");
  const kind = kinds[0] as (typeof EVENT_KINDS)[number];
  return { [kind]: r.string(o[kind], `${path}.${kind}`) } as OsvEvent;
}

function readSeverity(r: Reader, value: unknown, path: string): OsvSeverity[] {
  return r.array(value, path).map((s, i) => {
    const o = r.object(s, `${path}[${i}]`);
    return { type: r.string(o.type, `${path}[${i}].type`), score: r.string(o.score, `${path}[${i}].score`) };
  });
}

/** A severity word from a `database_specific` or `ecosystem_specific` block, if it holds one. */
function severityWordOf(...blocks: unknown[]): string | undefined {
  for (const block of blocks) {
    if (typeof block !== "object" || block === null) continue;
    const b = block as Record<string, unknown>;
    for (const key of ["severity", "urgency", "cvss_severity"]) {
      if (typeof b[key] === "string" && (b[key] as string).length <= 64) return b[key] as string;
    }
  }
  return undefined;
}

function readAffected(r: Reader, value: unknown, path: string): OsvAffected | undefined {
  const o = r.object(value, path);
  if (o.package === undefined) return undefined; // affects a commit range of a repository only
  const pkg = r.object(o.package, `${path}.package`);
  const purl = r.optionalString(pkg.purl, `${path}.package.purl`);
  const severityWord = severityWordOf(o.database_specific, o.ecosystem_specific);
  return {
    ecosystem: r.string(pkg.ecosystem, `${path}.package.ecosystem`),
    name: r.string(pkg.name, `${path}.package.name`),
    ...(purl ? { purl } : {}),
    ranges: r.array(o.ranges, `${path}.ranges`).map((range, i) => {
      const ro = r.object(range, `${path}.ranges[${i}]`);
      return {
        type: r.string(ro.type, `${path}.ranges[${i}].type`),
        events: r
          .array(ro.events, `${path}.ranges[${i}].events`)
          .map((e, j) => readEvent(r, e, `${path}.ranges[${i}].events[${j}]`)),
      };
    }),
    versions: r.strings(o.versions, `${path}.versions`),
    severity: readSeverity(r, o.severity, `${path}.severity`),
    ...(severityWord ? { severityWord } : {}),
  };
}

/** Check and shape one parsed OSV document; `where` names it in errors (`db.zip:GHSA-….json`). */
export function readAdvisory(json: unknown, where: string): OsvAdvisory {
  const r = new Reader(where);
  const o = r.object(json, "");
  const id = r.string(o.id, "id");
  if (id.trim() === "") r.fail("id", "a non-empty string");
  const summary = r.optionalString(o.summary, "summary");
  const modified = r.optionalString(o.modified, "modified");
  const withdrawn = r.optionalString(o.withdrawn, "withdrawn");
  const severityWord = severityWordOf(o.database_specific);
  const references = r.array(o.references, "references");
  const advisoryUrl = references
    .map((ref) => (typeof ref === "object" && ref !== null ? (ref as Record<string, unknown>) : {}))
    .find((ref) => ref.type === "ADVISORY" && typeof ref.url === "string")?.url;
  const firstUrl = references.find(
    (ref): ref is { url: string } =>
      typeof ref === "object" && ref !== null && typeof (ref as { url?: unknown }).url === "string",
  )?.url;
  const url = (advisoryUrl as string | undefined) ?? firstUrl;
  return {
    id,
    aliases: r.strings(o.aliases, "aliases"),
    upstream: r.strings(o.upstream, "upstream"),
    ...(summary ? { summary } : {}),
    ...(modified ? { modified } : {}),
    ...(withdrawn ? { withdrawn } : {}),
    severity: readSeverity(r, o.severity, "severity"),
    ...(severityWord ? { severityWord } : {}),
    affected: r
      .array(o.affected, "affected")
      .map((a, i) => readAffected(r, a, `affected[${i}]`))
      .filter((a): a is OsvAffected => a !== undefined),
    ...(url && url.length <= MAX_TEXT ? { url } : {}),
  };
}
