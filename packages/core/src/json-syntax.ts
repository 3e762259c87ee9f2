/** Where and why a JSON text fails to parse (V8's own messages often omit the position). */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

function show(c: string): string {
  if (c === "'") return "a single quote (JSON strings use double quotes)";
  if (c === "/" || c === "#") return "a comment (JSON has no comments)";
  return JSON.stringify(c);
}

/**
 * Find the first syntax error of a JSON text, iteratively (any nesting depth) and with messages
 * for the usual hand-editing slips: trailing commas, single quotes, comments, bare keys.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: ("{" | "[")[] = [];
  let state: "value" | "firstValue" | "key" | "firstKey" | "colon" | "after" = "value";
  let lastComma = -1;
  let i = 0;
  const n = text.length;
  const error = (message: string, offset = i): JsonSyntaxError => ({ offset, message });

  const scanString = (): JsonSyntaxError | undefined => {
    const start = i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return error("invalid escape sequence in string");
      } else if (c < 0x20) {
        return error(
          c === 0x0a ? "unterminated string (line break inside a string)" : "control character in string",
        );
      } else i++;
    }
    return error("unterminated string", start);
  };

  for (;;) {
    while (i < n && " \t\n\r".includes(text[i]!)) i++;
    if (i >= n) {
      if (state === "after" && stack.length === 0) return undefined;
      const open = stack[stack.length - 1];
      return error(`unexpected end of file${open ? ` (unclosed ${open === "{" ? "object" : "array"})` : ""}`);
    }
    const c = text[i]!;
    const closes =
      (c === "}" && stack[stack.length - 1] === "{") || (c === "]" && stack[stack.length - 1] === "[");
    switch (state) {
      case "firstValue":
      case "value": {
        if (state === "firstValue" && c === "]") {
          stack.pop();
          i++;
          state = "after";
        } else if (c === "{" || c === "[") {
          stack.push(c);
          i++;
          state = c === "{" ? "firstKey" : "firstValue";
        } else if (c === '"') {
          const e = scanString();
          if (e) return e;
          state = "after";
        } else {
          NUMBER.lastIndex = i;
          LITERAL.lastIndex = i;
          const m = NUMBER.exec(text) ?? LITERAL.exec(text);
          if (m) {
            i += m[0].length;
            state = "after";
          } else if (closes && lastComma >= 0)
            return error("trailing comma is not allowed in JSON", lastComma);
          else return error(`expected a value, got ${show(c)}`);
        }
        break;
      }
      case "firstKey":
      case "key": {
        if (state === "firstKey" && c === "}") {
          stack.pop();
          i++;
          state = "after";
        } else if (c === '"') {
          const e = scanString();
          if (e) return e;
          state = "colon";
        } else if (closes && lastComma >= 0) return error("trailing comma is not allowed in JSON", lastComma);
        else return error(`expected a double-quoted key, got ${show(c)}`);
        break;
      }
      case "colon":
        if (c !== ":") return error(`expected ":" after the key, got ${show(c)}`);
        i++;
        state = "value";
        break;
      case "after": {
        const open = stack[stack.length - 1];
        if (!open) return error(`unexpected ${show(c)} after the end of the document`);
        if (c === ",") {
          lastComma = i++;
          state = open === "{" ? "key" : "value";
          continue;
        }
        if (!closes) return error(`expected "," or "${open === "{" ? "}" : "]"}", got ${show(c)}`);
        stack.pop();
        i++;
        break;
      }
    }
    lastComma = -1;
  }
}
