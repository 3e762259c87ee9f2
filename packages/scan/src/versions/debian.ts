/**
 * Debian version ordering, as dpkg defines it (deb-version(7)): `[epoch:]upstream[-revision]`.
 * Epochs compare as integers; upstream and revision compare part by part, alternating runs of
 * non-digits (compared character by character, where `~` sorts before everything, even the end of
 * the string, and letters sort before all other characters) and runs of digits (compared as numbers).
 */

export interface DebianVersion {
  epoch: bigint;
  upstream: string;
  /** Empty when the version has no `-revision`; compares equal to `0`. */
  revision: string;
}

const EPOCH = /^\d+$/;
/** Characters dpkg allows in the upstream part (it should start with a digit, which dpkg only warns about; a hyphen only when there is a revision; a colon only with an epoch). */
const UPSTREAM = /^[A-Za-z0-9][A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

/** Split a version into its three parts, or undefined when dpkg would reject it. */
export function parseDebianVersion(text: string): DebianVersion | undefined {
  const version = text.trim();
  if (version === "" || version.length > 256 || /\s/.test(version)) return undefined;
  const colon = version.indexOf(":");
  let epoch = 0n;
  let rest = version;
  if (colon >= 0) {
    const e = version.slice(0, colon);
    if (!EPOCH.test(e)) return undefined;
    epoch = BigInt(e);
    rest = version.slice(colon + 1);
  }
  const dash = rest.lastIndexOf("-");
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : "";
  if (!UPSTREAM.test(upstream)) return undefined;
  if (dash >= 0 && !REVISION.test(revision)) return undefined;
  // Without an epoch, a colon would have been read as one; without a revision, a hyphen as its start.
  if (colon < 0 && upstream.includes(":")) return undefined;
  return { epoch, upstream, revision };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Weight of one character in a non-digit run; NaN (past the end) and digits weigh 0. */
function weight(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (c === 126) return -1; // "~"
  if (isLetter(c)) return c;
  return c + 256;
}

/** dpkg's comparison of one part (upstream or revision). */
export function compareDebianPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit run: character by character.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const wa = weight(a.charCodeAt(i));
      const wb = weight(b.charCodeAt(j));
      if (wa !== wb) return wa < wb ? -1 : 1;
      i++;
      j++;
    }
    // Digit run: as numbers, by length once leading zeros are gone, then digit by digit.
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let ea = i;
    let eb = j;
    while (ea < a.length && isDigit(a.charCodeAt(ea))) ea++;
    while (eb < b.length && isDigit(b.charCodeAt(eb))) eb++;
    if (ea - i !== eb - j) return ea - i < eb - j ? -1 : 1;
    const da = a.slice(i, ea);
    const db = b.slice(j, eb);
    if (da !== db) return da < db ? -1 : 1;
    i = ea;
    j = eb;
  }
  return 0;
}

export function compareParsedDebian(a: DebianVersion, b: DebianVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return compareDebianPart(a.upstream, b.upstream) || compareDebianPart(a.revision, b.revision);
}
