/** One `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parse a `WWW-Authenticate` header (RFC 9110 §11.6.1): auth-params are `name=token` or
 * `name="quoted \"string\""`, separated by commas. Header values with several challenges yield several.
 */
export function parseChallenges(header: string | undefined): Challenge[] {
  if (!header) return [];
  const out: Challenge[] = [];
  let i = 0;
  const text = header.slice(0, 8192);
  const skipSpace = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === ",")) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < text.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  while (i < text.length) {
    skipSpace();
    const scheme = readToken();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    while (i < text.length) {
      skipSpace();
      const save = i;
      const name = readToken();
      while (text[i] === " ") i++;
      if (!name || text[i] !== "=") {
        // Not a parameter: the start of the next challenge.
        i = save;
        break;
      }
      i++;
      while (text[i] === " ") i++;
      let value = "";
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        value = readToken();
      }
      challenge.params[name.toLowerCase()] = value;
      if (readToken() === "" && i < text.length && text[i] !== "," && text[i] !== " ") i++;
    }
  }
  return out;
}
