/**
 * Alpine (apk-tools) version ordering: `digits{.digits}[letter]{_suffix[digits]}[~hash][-rN]`.
 * The version is read as a sequence of typed tokens and compared token by token while both sides
 * have a token of the same kind:
 * - the first number, then each `.component` — as numbers, except that a component with a leading
 *   zero on either side compares as a string (`1.01` < `1.1`, `1.05` < `1.4`, as decimal fractions);
 * - an optional lowercase letter;
 * - suffixes ranked `_alpha` < `_beta` < `_pre` < `_rc` < (none) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`,
 *   each with an optional number;
 * - an optional `~commit` hash (compared as a string) and the package revision `-rN`.
 * Where one version has a token of another kind (or has ended), the kinds decide: a further
 * `.component` beats a letter, which beats a suffix, which beats a hash, a revision, the end — except
 * that a pre-release suffix (`_alpha` … `_rc`) always loses.
 */

/** Token kinds in the order that decides between versions of different shape (higher kind = lower version). */
export enum AlpineToken {
  Initial = 0,
  Component = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNumber = 4,
  CommitHash = 5,
  Revision = 6,
  End = 7,
}

export interface AlpineTokenValue {
  kind: AlpineToken;
  /** Numbers as bigint; a component with a leading zero and a commit hash as the string written. */
  value: bigint | string;
}

const PRE_SUFFIXES = ["alpha", "beta", "pre", "rc"] as const;
const POST_SUFFIXES = ["cvs", "svn", "git", "hg", "p"] as const;
/** Pre-release suffixes rank below zero (no suffix), post-release ones at or above it. */
const SUFFIX_RANK = new Map<string, bigint>([
  ...PRE_SUFFIXES.map((s, i): [string, bigint] => [s, BigInt(i - PRE_SUFFIXES.length)]),
  ...POST_SUFFIXES.map((s, i): [string, bigint] => [s, BigInt(i + 1)]),
]);

const SHAPE =
  /^(\d+)((?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~([0-9a-fA-F]+))?(?:-r(\d+))?$/;
const SUFFIX = /_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)/g;

/** The tokens of a version, ending with an End token, or undefined when apk would call it invalid. */
export function parseAlpineVersion(text: string): AlpineTokenValue[] | undefined {
  if (text.length > 256) return undefined;
  const m = SHAPE.exec(text);
  if (!m) return undefined;
  const [, first, components, letter, suffixes, hash, revision] = m;
  const tokens: AlpineTokenValue[] = [{ kind: AlpineToken.Initial, value: BigInt(first as string) }];
  for (const component of (components as string).split(".").slice(1)) {
    tokens.push({
      kind: AlpineToken.Component,
      value: component.startsWith("0") ? component : BigInt(component),
    });
  }
  if (letter) tokens.push({ kind: AlpineToken.Letter, value: BigInt((letter as string).charCodeAt(0)) });
  for (const s of (suffixes as string).matchAll(SUFFIX)) {
    tokens.push({ kind: AlpineToken.Suffix, value: SUFFIX_RANK.get(s[1] as string) as bigint });
    if (s[2]) tokens.push({ kind: AlpineToken.SuffixNumber, value: BigInt(s[2]) });
  }
  if (hash !== undefined) tokens.push({ kind: AlpineToken.CommitHash, value: hash });
  if (revision !== undefined) tokens.push({ kind: AlpineToken.Revision, value: BigInt(revision) });
  tokens.push({ kind: AlpineToken.End, value: 0n });
  return tokens;
}

/** Byte order, then the shorter first. */
function compareStrings(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareValues(a: bigint | string, b: bigint | string): number {
  if (typeof a === "bigint" && typeof b === "bigint") return a === b ? 0 : a < b ? -1 : 1;
  // A component with a leading zero on either side compares as written.
  return compareStrings(String(a), String(b));
}

function isPreRelease(t: AlpineTokenValue): boolean {
  return t.kind === AlpineToken.Suffix && (t.value as bigint) < 0n;
}

export function compareAlpineTokens(a: readonly AlpineTokenValue[], b: readonly AlpineTokenValue[]): number {
  for (let i = 0; ; i++) {
    const ta = a[i] as AlpineTokenValue;
    const tb = b[i] as AlpineTokenValue;
    if (ta.kind !== tb.kind) {
      // Equal so far; the versions differ in shape here.
      if (isPreRelease(ta)) return -1;
      if (isPreRelease(tb)) return 1;
      return ta.kind > tb.kind ? -1 : 1;
    }
    if (ta.kind === AlpineToken.End) return 0;
    const d = compareValues(ta.value, tb.value);
    if (d !== 0) return d;
  }
}
