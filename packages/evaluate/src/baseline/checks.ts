import type { Check } from "@mlgate/core";
import { formatAge } from "./duration.js";
import { BASELINE_META_FILE, type BaselineMeta } from "./meta.js";

/** How strictly a baseline must match the candidate's run. */
export interface BaselinePolicy {
  /** What a different eval set or configuration, or an over-age baseline, does: warn (default) or fail. */
  mismatch: "warn" | "fail";
  /** Oldest baseline accepted, in milliseconds, with the text it was written as (`14d`). */
  maxAge?: { ms: number; text: string };
}

/** What is known about the baseline and the candidate's run when the checks are made. */
export interface BaselineFacts {
  meta?: BaselineMeta;
  /** When the baseline was made, from where it was fetched (an artifact's creation time), if the metadata is missing. */
  createdAt?: string;
  /** The candidate's eval-set fingerprint (per-item results only). */
  evalSetSha256?: string;
  configSha256: string;
  now: number;
}

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/**
 * Checks that the baseline is comparable: measured on the same eval set, with the same
 * configuration, and recently enough. Each mismatch warns or fails by the policy; a baseline without
 * metadata cannot be checked, which is a note, or a failure under a strict policy.
 */
export function baselineChecks(
  facts: BaselineFacts,
  policy: BaselinePolicy,
): { checks: Check[]; notes: string[] } {
  const checks: Check[] = [];
  const notes: string[] = [];
  const { meta } = facts;
  const missed = policy.mismatch;

  if (meta) {
    const commit = meta.commit ? ` on commit ${meta.commit.slice(0, 7)}` : "";
    const by = meta.tool ? ` by ${meta.tool.name} ${meta.tool.version}` : "";
    notes.push(
      `The baseline was saved ${meta.createdAt} (${formatAge(facts.now - Date.parse(meta.createdAt))} ago)${commit}${by}.`,
    );
    if (facts.evalSetSha256 !== undefined) {
      checks.push(
        meta.evalSetSha256 === undefined
          ? {
              name: "baseline eval set",
              status: "skip",
              message:
                "the baseline's metadata has no eval-set fingerprint (it was saved from a metrics file)",
            }
          : sameCheck(
              "baseline eval set",
              facts.evalSetSha256,
              meta.evalSetSha256,
              missed,
              "the candidate was evaluated on another eval set than the baseline (its ids or labels differ): the comparison mixes two data sets",
            ),
      );
    }
    if (meta.configSha256 !== undefined) {
      checks.push(
        sameCheck(
          "baseline config",
          facts.configSha256,
          meta.configSha256,
          missed,
          "the evaluation was configured differently for the baseline (column mapping, kind, metric selectors or an eval-config file changed)",
        ),
      );
    }
  } else if (missed === "fail") {
    checks.push({
      name: "baseline fingerprint",
      status: "fail",
      expected: BASELINE_META_FILE,
      message: `the baseline has no ${BASELINE_META_FILE}, so its eval set and configuration cannot be checked; save baselines with save-baseline (--write-baseline)`,
    });
  } else {
    notes.push(
      `The baseline has no ${BASELINE_META_FILE}: its eval set, configuration and age were not checked (save baselines with save-baseline, or --write-baseline).`,
    );
  }

  if (policy.maxAge) {
    const name = `baseline age <= ${policy.maxAge.text}`;
    const createdAt = meta?.createdAt ?? facts.createdAt;
    const made = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
    if (Number.isNaN(made)) {
      checks.push({
        name,
        status: missed,
        expected: `<= ${policy.maxAge.text}`,
        message: `the baseline's age is unknown (it has no ${BASELINE_META_FILE})`,
      });
    } else {
      const age = facts.now - made;
      const ok = age <= policy.maxAge.ms;
      checks.push({
        name,
        status: ok ? "pass" : missed,
        actual: formatAge(age),
        expected: `<= ${policy.maxAge.text}`,
        ...(ok
          ? {}
          : {
              message: `the baseline was made ${createdAt} (${formatAge(age)} ago), more than ${policy.maxAge.text} ago: refresh it from a recent run`,
            }),
      });
    }
  }
  return { checks, notes };
}

function sameCheck(
  name: string,
  candidate: string,
  baseline: string,
  missed: "warn" | "fail",
  why: string,
): Check {
  const same = candidate === baseline;
  return {
    name,
    status: same ? "pass" : missed,
    actual: `sha256 ${short(candidate)}`,
    expected: `sha256 ${short(baseline)} (the baseline's)`,
    ...(same ? {} : { message: why }),
  };
}
