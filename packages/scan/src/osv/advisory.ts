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

/** Where a value sits in the document; spelled out only for an error message. */
type Path = string | (() => string);

const spell = (path: Path) => (typeof path === "string" ? path : path());

class Reader {
  constructor(readonly where: string) {}

  fail(path: Path, expected: string): never {
    throw new GateError(`${this.where}: ${spell(path) || "the document"} should be ${expected}`, {
      location: { file: this.where },
      hint: "the OSV database is damaged or not in the OSV schema; download it again",
    });
  }

  object(value: unknown, path: Path): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(path, "an object");
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: Path): string {
    if (typeof value !== "string" || value.length > MAX_TEXT)
      this.fail(path, `a string of at most ${MAX_TEXT} characters`);
    return value;
  }

  optionalString(value: unknown, path: Path): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  array(value: unknown, path: Path): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.length > MAX_ITEMS)
      this.fail(path, `a list of at most ${MAX_ITEMS} items`);
    return value;
  }

  strings(value: unknown, path: string): string[] {
    const list = this.array(value, path);
    for (let i = 0; i < list.length; i++) this.string(list[i], () => `${path}[${i}]`);
    return list.slice() as string[];
  }
}

const EVENT_KINDS = ["introduced", "fixed", "last_affected", "limit"] as const;

function readEvent(r: Reader, value: unknown, path: () => string): OsvEvent {
  const o = r.object(value, path);
  let kind: (typeof EVENT_KINDS)[number] | undefined;
  let kinds = 0;
  for (const k of EVENT_KINDS) {
    if (o[k] === undefined) continue;
    kind = k;
    kinds++;
  }
  if (kinds !== 1 || kind === undefined)
    r.fail(path, "an event with exactly one of introduced, fixed, last_affected, limit");
  const at = kind;
  const text = r.string(o[at], () => `${path()}.${at}`);
  switch (at) {
    case "introduced":
      return { introduced: text };
    case "fixed":
      return { fixed: text };
    case "last_affected":
      return { last_affected: text };
    default:
      return { limit: text };
  }
}

function readSeverity(r: Reader, value: unknown, path: Path): OsvSeverity[] {
  const list = r.array(value, path);
  const out: OsvSeverity[] = [];
  for (let i = 0; i < list.length; i++) {
    const at = () => `${spell(path)}[${i}]`;
    const o = r.object(list[i], at);
    out.push({
      type: r.string(o.type, () => `${at()}.type`),
      score: r.string(o.score, () => `${at()}.score`),
    });
  }
  return out;
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

function readRanges(r: Reader, value: unknown, path: () => string): OsvRange[] {
  const list = r.array(value, () => `${path()}.ranges`);
  const out: OsvRange[] = [];
  for (let i = 0; i < list.length; i++) {
    const at = () => `${path()}.ranges[${i}]`;
    const ro = r.object(list[i], at);
    const type = r.string(ro.type, () => `${at()}.type`);
    const events = r.array(ro.events, () => `${at()}.events`);
    const read: OsvEvent[] = [];
    for (let j = 0; j < events.length; j++) read.push(readEvent(r, events[j], () => `${at()}.events[${j}]`));
    out.push({ type, events: read });
  }
  return out;
}

function readAffected(r: Reader, value: unknown, path: () => string): OsvAffected | undefined {
  const o = r.object(value, path);
  if (o.package === undefined) return undefined; // affects a commit range of a repository only
  const pkg = r.object(o.package, () => `${path()}.package`);
  const purl = r.optionalString(pkg.purl, () => `${path()}.package.purl`);
  const severityWord = severityWordOf(o.database_specific, o.ecosystem_specific);
  return {
    ecosystem: r.string(pkg.ecosystem, () => `${path()}.package.ecosystem`),
    name: r.string(pkg.name, () => `${path()}.package.name`),
    ...(purl ? { purl } : {}),
    ranges: readRanges(r, o.ranges, path),
    versions: r.strings(o.versions, `${path()}.versions`),
    severity: readSeverity(r, o.severity, () => `${path()}.severity`),
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
  let advisoryUrl: unknown;
  let firstUrl: string | undefined;
  for (const ref of references) {
    if (typeof ref !== "object" || ref === null) continue;
    const { type, url } = ref as Record<string, unknown>;
    if (typeof url === "string") firstUrl ??= url;
    if (type === "ADVISORY" && typeof url === "string") {
      advisoryUrl = url;
      break;
    }
  }
  const url = (advisoryUrl as string | undefined) ?? firstUrl;
  const aliases = r.strings(o.aliases, "aliases");
  const upstream = r.strings(o.upstream, "upstream");
  const severity = readSeverity(r, o.severity, "severity");
  const list = r.array(o.affected, "affected");
  const affected: OsvAffected[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = readAffected(r, list[i], () => `affected[${i}]`);
    if (a) affected.push(a);
  }
  return {
    id,
    aliases,
    upstream,
    ...(summary ? { summary } : {}),
    ...(modified ? { modified } : {}),
    ...(withdrawn ? { withdrawn } : {}),
    severity,
    ...(severityWord ? { severityWord } : {}),
    affected,
    ...(url && url.length <= MAX_TEXT ? { url } : {}),
  };
}

/**
 * The smallest OSV document that `readAdvisory` reads back as this advisory: what an index keeps of a
 * document, so later scans parse a few hundred bytes instead of inflating and parsing the original.
 */
export function trimmedDocument(advisory: OsvAdvisory): Record<string, unknown> {
  const a = advisory;
  return {
    id: a.id,
    ...(a.aliases.length > 0 ? { aliases: a.aliases } : {}),
    ...(a.upstream.length > 0 ? { upstream: a.upstream } : {}),
    ...(a.summary !== undefined ? { summary: a.summary } : {}),
    ...(a.modified !== undefined ? { modified: a.modified } : {}),
    ...(a.withdrawn !== undefined ? { withdrawn: a.withdrawn } : {}),
    ...(a.severity.length > 0 ? { severity: a.severity } : {}),
    ...(a.severityWord !== undefined ? { database_specific: { severity: a.severityWord } } : {}),
    affected: a.affected.map((x) => ({
      package: { ecosystem: x.ecosystem, name: x.name, ...(x.purl !== undefined ? { purl: x.purl } : {}) },
      ...(x.ranges.length > 0 ? { ranges: x.ranges } : {}),
      ...(x.versions.length > 0 ? { versions: x.versions } : {}),
      ...(x.severity.length > 0 ? { severity: x.severity } : {}),
      ...(x.severityWord !== undefined ? { database_specific: { severity: x.severityWord } } : {}),
    })),
    ...(a.url !== undefined ? { references: [{ type: "ADVISORY", url: a.url }] } : {}),
  };
}
