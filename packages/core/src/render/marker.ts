/** Percent-encode everything but a safe core, so no gate name or key can end the comment early. */
function markerToken(value: string): string {
  return Array.from(value)
    .map((ch) => (/^[A-Za-z0-9._-]$/.test(ch) ? ch : encodeUtf8(ch)))
    .join("");
}

function encodeUtf8(ch: string): string {
  const code = ch.codePointAt(0) ?? 0xfffd;
  // Lone surrogates cannot be UTF-8 encoded; U+FFFD keeps the marker deterministic.
  const safe = code >= 0xd800 && code <= 0xdfff ? "\uFFFD" : ch;
  return Array.from(
    new TextEncoder().encode(safe),
    (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
  ).join("");
}

/**
 * The hidden HTML comment that lets the GitHub layer find its sticky PR comment again:
 * `<!-- mlgate:gate=eval-gate key=default -->`. Distinct gates/keys always give distinct markers.
 */
export function commentMarker(gate: string, key = "default"): string {
  return `<!-- mlgate:gate=${markerToken(gate)} key=${markerToken(key)} -->`;
}
