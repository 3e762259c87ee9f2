/**
 * JSON read with bounds: size, nesting depth and duplicate keys are checked before parsing.
 * Duplicate keys matter: Python keeps the last value, other readers the first, so
 * `{"class_name": "Lambda", "class_name": "Dense"}` would mean different things to the loader
 * and to a scanner that reads it differently.
 */

export type JsonCheck =
  | { ok: true; value: unknown }
  | { ok: false; rule: string; message: string; offset?: number };

export function parseBoundedJson(text: string, maxDepth: number): JsonCheck {
  const frames: { object: boolean; keys: Set<string>; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      const start = i;
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) {
        if (text.charCodeAt(i) === 0x5c) i++;
        i++;
      }
      const top = frames[frames.length - 1];
      if (top?.object && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          break; // JSON.parse below reports the syntax error
        }
        if (top.keys.has(key)) {
          return {
            ok: false,
            rule: "keras.duplicate-key",
            message: `duplicate key ${JSON.stringify(key)}`,
            offset: start,
          };
        }
        top.keys.add(key);
        top.expectKey = false;
      }
    } else if (ch === 0x7b || ch === 0x5b) {
      frames.push({ object: ch === 0x7b, keys: new Set(), expectKey: ch === 0x7b });
      if (frames.length > maxDepth) {
        return {
          ok: false,
          rule: "keras.limit",
          message: `nested deeper than ${maxDepth} levels`,
          offset: i,
        };
      }
    } else if (ch === 0x7d || ch === 0x5d) {
      frames.pop();
    } else if (ch === 0x2c) {
      const top = frames[frames.length - 1];
      if (top?.object) top.expectKey = true;
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, rule: "keras.malformed", message: `not valid JSON: ${(e as Error).message}` };
  }
}
