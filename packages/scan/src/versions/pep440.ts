/**
 * PEP 440 versions (Python packages): `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the
 * spelling variants the specification normalises (`alpha` → `a`, `c`/`pre`/`preview` → `rc`,
 * `rev`/`r`/`-N` → `.post`, separators `-`/`_`/`.` or none, implicit numbers 0, case, a leading `v`).
 *
 * Ordering: epoch, then the release with trailing zeros ignored (`1.0` == `1`), then
 * `.devN` of a plain release < pre-releases < the release < post-releases, with a pre- or
 * post-release's own `.devN` just below it; a local version sorts after the same public version,
 * its segments compared numerically when both are numbers, numbers after strings, shorter first.
 */

export interface Pep440Version {
  epoch: bigint;
  release: bigint[];
  pre?: { label: "a" | "b" | "rc"; number: bigint };
  post?: bigint;
  dev?: bigint;
  local?: (bigint | string)[];
}

const PATTERN = new RegExp(
  [
    "^\\s*v?",
    "(?:(\\d+)!)?", // epoch
    "(\\d+(?:\\.\\d+)*)", // release
    "(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\\d+)?)?", // pre-release
    "(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?", // post-release
    "(?:[-_.]?(dev)[-_.]?(\\d+)?)?", // development release
    "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?", // local version
    "\\s*$",
  ].join(""),
  "i",
);

const PRE_LABEL: Record<string, "a" | "b" | "rc"> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  pre: "rc",
  preview: "rc",
  rc: "rc",
};

export function parsePep440(text: string): Pep440Version | undefined {
  if (text.length > 256) return undefined;
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [, epoch, release, preLabel, preNumber, postImplicit, postLabel, postNumber, dev, devNumber, local] =
    m;
  const version: Pep440Version = {
    epoch: epoch ? BigInt(epoch) : 0n,
    release: (release as string).split(".").map((part) => BigInt(part)),
  };
  if (preLabel) {
    version.pre = {
      label: PRE_LABEL[preLabel.toLowerCase()] as "a" | "b" | "rc",
      number: BigInt(preNumber ?? 0),
    };
  }
  if (postImplicit !== undefined) version.post = BigInt(postImplicit);
  else if (postLabel) version.post = BigInt(postNumber ?? 0);
  if (dev) version.dev = BigInt(devNumber ?? 0);
  if (local) {
    version.local = local
      .toLowerCase()
      .split(/[-_.]/)
      .map((segment) => (/^\d+$/.test(segment) ? BigInt(segment) : segment));
  }
  return version;
}

/** The canonical spelling: `1.0a1.post2.dev3+ubuntu.1`, `2!1.0`. */
export function formatPep440(v: Pep440Version): string {
  let out = v.epoch === 0n ? "" : `${v.epoch}!`;
  out += v.release.join(".");
  if (v.pre) out += `${v.pre.label}${v.pre.number}`;
  if (v.post !== undefined) out += `.post${v.post}`;
  if (v.dev !== undefined) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local.join(".")}`;
  return out;
}

/** The normalised form of a version string, or undefined when it is not a PEP 440 version. */
export function normalizePep440(text: string): string | undefined {
  const v = parsePep440(text);
  return v ? formatPep440(v) : undefined;
}

const cmp = (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1);
const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;

function compareRelease(a: readonly bigint[], b: readonly bigint[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = cmp(a[i] ?? 0n, b[i] ?? 0n);
    if (d !== 0) return d;
  }
  return 0;
}

/** Where the pre-release places a version among its siblings: -1 a dev-only release, +1 no pre-release. */
function preKey(v: Pep440Version): number | [number, bigint] {
  if (v.pre) return [PRE_RANK[v.pre.label], v.pre.number];
  if (v.post === undefined && v.dev !== undefined) return -1;
  return 1;
}

function compareKey(a: number | [number, bigint], b: number | [number, bigint]): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return a < 0 ? -1 : 1;
  if (typeof b === "number") return b < 0 ? 1 : -1;
  return a[0] - b[0] || cmp(a[1], b[1]);
}

function compareLocal(a: Pep440Version["local"], b: Pep440Version["local"]): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as bigint | string;
    const y = b[i] as bigint | string;
    if (typeof x === "bigint" && typeof y === "bigint") {
      const d = cmp(x, y);
      if (d !== 0) return d;
    } else if (typeof x === "bigint") return 1;
    else if (typeof y === "bigint") return -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}

export function compareParsedPep440(a: Pep440Version, b: Pep440Version): number {
  return (
    cmp(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    compareKey(preKey(a), preKey(b)) ||
    // No post-release sorts before any post-release; no dev release after any dev release.
    (a.post === b.post ? 0 : a.post === undefined ? -1 : b.post === undefined ? 1 : cmp(a.post, b.post)) ||
    (a.dev === b.dev ? 0 : a.dev === undefined ? 1 : b.dev === undefined ? -1 : cmp(a.dev, b.dev)) ||
    compareLocal(a.local, b.local)
  );
}
