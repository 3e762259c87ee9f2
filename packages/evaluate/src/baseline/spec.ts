import { GateError } from "@mlgate/core";

/**
 * Where the baseline comes from: a results file, the newest baseline artifact of a branch's
 * successful runs (`branch:main`; a bare `branch` means the pull request's base branch), or an
 * asset of a pinned release (`release:v1.4.0`). Anything else is a path; `./branch:x` forces one.
 */
export type BaselineSpec =
  | { from: "file"; path: string }
  | { from: "branch"; branch?: string }
  | { from: "release"; tag: string };

const REMOTE = /^(branch|release)(?::(.*))?$/;

export function parseBaselineSpec(value: string): BaselineSpec {
  const text = value.trim();
  const m = REMOTE.exec(text);
  if (!m) return { from: "file", path: text };
  const name = (m[2] ?? "").trim();
  if (m[1] === "branch") return name === "" ? { from: "branch" } : { from: "branch", branch: name };
  if (name === "") {
    throw new GateError('baseline "release:" needs a tag, e.g. release:v1.4.0', {
      hint: "name the release whose asset holds the baseline",
    });
  }
  return { from: "release", tag: name };
}

export function isRemoteBaseline(spec: BaselineSpec): spec is Exclude<BaselineSpec, { from: "file" }> {
  return spec.from !== "file";
}

export function describeSpec(spec: BaselineSpec): string {
  switch (spec.from) {
    case "file":
      return spec.path;
    case "branch":
      return spec.branch ? `branch:${spec.branch}` : "branch";
    case "release":
      return `release:${spec.tag}`;
  }
}
