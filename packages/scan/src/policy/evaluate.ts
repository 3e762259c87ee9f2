import {
  findingKey,
  idsOf,
  type Severity,
  severityRank,
  type VulnerabilityFinding,
} from "../findings/types.js";
import { type Baseline, compareWithBaseline } from "./baseline.js";
import { type IgnoreRule, isExpired } from "./ignore-file.js";
import { decidingStatement, type IgnoreUse, type VexImage, type VexStatement } from "./openvex.js";
import { purlMatches } from "./purl.js";

/** What fails, for one group of layers. */
export interface FailRule {
  /** Fail on findings at or above this severity; `none` never fails on severity. */
  failOn: Severity | "none";
  /** Only findings with a known fix fail. */
  onlyFixed: boolean;
}

export interface PolicySettings extends FailRule {
  /** Only findings not in the baseline fail (listed CVEs still always fail). */
  onlyNew: boolean;
  /** Findings at or above this severity are listed in the report; blocking ones always are. */
  show: Severity;
  /** Vulnerability ids (CVE, GHSA, …) that fail whatever their severity, fix or age. */
  alwaysFail: string[];
  /** Rules for the base image's layers and for the team's own, when they differ from the defaults. */
  layers?: { base?: Partial<FailRule>; app?: Partial<FailRule> };
}

export const DEFAULT_POLICY: PolicySettings = {
  failOn: "high",
  onlyFixed: false,
  onlyNew: false,
  show: "low",
  alwaysFail: [],
};

/**
 * The layers that belong to the base image: the first `count` layers, or every layer up to and
 * including `digest`, of each known layer order. A layer can be known by several ids (its blob
 * digest and its diff id), and different sources name layers differently, so all ids are kept.
 */
export function baseLayerSet(
  orders: readonly (readonly (readonly string[])[])[],
  spec: { count?: number; digest?: string },
): Set<string> {
  const set = new Set<string>();
  for (const layers of orders) {
    let end = 0;
    if (spec.digest !== undefined) {
      const at = layers.findIndex((ids) => ids.includes(spec.digest as string));
      end = at < 0 ? 0 : at + 1;
    } else if (spec.count !== undefined) end = Math.min(spec.count, layers.length);
    for (const ids of layers.slice(0, end)) for (const id of ids) set.add(id);
  }
  return set;
}

export interface Suppression {
  by: "ignore" | "vex";
  reason: string;
  expires?: string;
  acceptedBy?: string;
  /** Where the entry is written (ignore file and line). */
  file?: string;
  line?: number;
}

export interface JudgedFinding extends VulnerabilityFinding {
  key: string;
  status: "new" | "unchanged";
  /** `base` or `app` when the base image's layers are known and the finding's layer is. */
  layerKind?: "base" | "app";
  suppressed?: Suppression;
  blocking: boolean;
  /** Why it blocks, in a few words: `critical >= high`, `listed in always-fail`. */
  because?: string;
  /** Listed in the report (blocking, or at or above the show threshold). */
  shown: boolean;
}

export interface PolicyResult {
  findings: JudgedFinding[];
  /** Baseline findings no longer present. */
  fixed: VulnerabilityFinding[];
  expiredIgnores: IgnoreRule[];
  unusedIgnores: IgnoreRule[];
  ignoreUse: IgnoreUse;
  baselineNotes: string[];
}

export interface PolicyInput {
  findings: readonly VulnerabilityFinding[];
  settings: PolicySettings;
  ignores?: readonly IgnoreRule[];
  vex?: readonly VexStatement[];
  image: VexImage;
  baseline?: Baseline;
  /** Ids of the base image's layers (see baseLayerSet); without it no finding has a layer kind. */
  baseLayers?: ReadonlySet<string>;
  now: Date;
}

function ignoreCovers(rule: IgnoreRule, f: VulnerabilityFinding, ids: readonly string[]): boolean {
  if (!ids.includes(rule.id.toUpperCase())) return false;
  if (rule.package !== undefined && rule.package.toLowerCase() !== f.package.name.toLowerCase()) return false;
  if (rule.purl !== undefined && !purlMatches(rule.purl, f.package.purl)) return false;
  if (rule.path !== undefined) {
    const want = rule.path.replace(/^\/+|\/+$/g, "");
    const path = (f.path ?? "").replace(/^\/+/, "");
    if (path !== want && !path.startsWith(`${want}/`)) return false;
  }
  return true;
}

function ruleFor(settings: PolicySettings, kind: "base" | "app" | undefined): FailRule {
  const own = kind ? settings.layers?.[kind] : settings.layers?.app;
  return { failOn: own?.failOn ?? settings.failOn, onlyFixed: own?.onlyFixed ?? settings.onlyFixed };
}

/**
 * One policy for every source: suppress what the ignore file and VEX statements accept, compare with
 * the baseline, then decide what blocks (always-fail ids; otherwise severity at or above the layer's
 * threshold, optionally only with a fix, optionally only when new) and what is shown.
 */
export function applyPolicy(input: PolicyInput): PolicyResult {
  const { settings, now } = input;
  const ignores = input.ignores ?? [];
  const live = ignores.filter((r) => !isExpired(r, now));
  const expiredIgnores = ignores.filter((r) => isExpired(r, now));
  const ignoreUse: IgnoreUse = new Map();
  const always = new Set(settings.alwaysFail.map((id) => id.trim().toUpperCase()));
  const baseSet = input.baseLayers;
  const comparison = compareWithBaseline(input.findings, input.baseline);
  const showRank = severityRank(settings.show);

  const findings = input.findings.map((f): JudgedFinding => {
    const key = findingKey(f);
    const ids = idsOf(f);
    const status = comparison.statusOf(f);
    const layerKind = baseSet && f.layer ? (baseSet.has(f.layer) ? "base" : "app") : undefined;
    let suppressed: Suppression | undefined;
    const rule = live.length > 0 ? live.find((r) => ignoreCovers(r, f, ids)) : undefined;
    if (rule) {
      ignoreUse.set(rule, [...(ignoreUse.get(rule) ?? []), f]);
      suppressed = {
        by: "ignore",
        reason: rule.reason,
        expires: rule.expires,
        file: rule.file,
        ...(rule.by ? { acceptedBy: rule.by } : {}),
        ...(rule.line !== undefined ? { line: rule.line } : {}),
      };
    } else if (input.vex?.length) {
      const statement = decidingStatement(input.vex, f, input.image);
      if (statement && (statement.status === "not_affected" || statement.status === "fixed")) {
        suppressed = {
          by: "vex",
          reason: `${statement.status}${statement.justification ? ` (${statement.justification})` : ""}${statement.impact_statement ? `: ${statement.impact_statement}` : ""}`,
        };
      }
    }
    let because: string | undefined;
    if (!suppressed) {
      if (always.size > 0 && ids.some((id) => always.has(id))) because = "listed in always-fail";
      else if (!(settings.onlyNew && status === "unchanged")) {
        const r = ruleFor(settings, layerKind);
        const severe =
          r.failOn !== "none" &&
          severityRank(f.severity) >= severityRank(r.failOn) &&
          f.severity !== "unknown";
        if (severe && (!r.onlyFixed || f.fixedVersions.length > 0)) {
          because = `${f.severity} >= ${r.failOn}${r.onlyFixed ? " with a fix" : ""}${layerKind ? ` (${layerKind} layer)` : ""}`;
        }
      }
    }
    const blocking = because !== undefined;
    return {
      ...f,
      key,
      status,
      ...(layerKind ? { layerKind } : {}),
      ...(suppressed ? { suppressed } : {}),
      blocking,
      ...(because ? { because } : {}),
      shown: blocking || severityRank(f.severity) >= showRank,
    };
  });
  return {
    findings,
    fixed: comparison.fixed,
    expiredIgnores,
    unusedIgnores: live.filter((r) => !ignoreUse.has(r)),
    ignoreUse,
    baselineNotes: input.baseline?.notes ?? [],
  };
}
