/** JSON Pointer (RFC 6901) helpers. */

export function escapeToken(token: string | number): string {
  if (typeof token === "number") return String(token);
  if (token.indexOf("~") === -1 && token.indexOf("/") === -1) return token;
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** `["paths", "/pets", "get"]` → `/paths/~1pets/get`. */
export function toPointer(tokens: readonly (string | number)[]): string {
  let pointer = "";
  for (const token of tokens) pointer += `/${escapeToken(token)}`;
  return pointer;
}

/** `/paths/~1pets/get` → `["paths", "/pets", "get"]`; `""` is the whole document. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer.slice(1).split("/").map(unescapeToken);
}

/** Append tokens to a pointer. */
export function childPointer(pointer: string, ...tokens: (string | number)[]): string {
  let child = pointer;
  for (const token of tokens) child += `/${escapeToken(token)}`;
  return child;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}

/** The value a pointer names, or undefined when some step is missing. */
export function getAt(root: unknown, tokens: readonly string[]): unknown {
  let node = root;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isRecord(node)) {
      if (!Object.hasOwn(node, token)) return undefined;
      node = node[token];
    } else return undefined;
  }
  return node;
}
