/**
 * Decoders for the argument encodings of pickle opcodes, following what CPython accepts:
 * `int()` syntax for protocol-0 numbers, `codecs.escape_decode` for STRING, raw-unicode-escape
 * for UNICODE, and UTF-8 with lone surrogates allowed for BINUNICODE. Each returns undefined
 * where CPython would raise, so the caller can report a malformed stream.
 */

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

export interface ParsedInt {
  value: number | bigint;
  /** True when the text is the plain form a pickler writes: digits with an optional minus. */
  canonical: boolean;
}

/** Python's int(text, base) for base 10 or base 0 (prefixes 0x/0o/0b, no leading zeros). */
export function parsePythonInt(bytes: Uint8Array, base: 10 | 0): ParsedInt | undefined {
  let text = "";
  for (const b of bytes) {
    if (b > 127) return undefined;
    text += String.fromCharCode(b);
  }
  let i = 0;
  let j = text.length;
  while (i < j && isSpace(text.charCodeAt(i))) i++;
  while (j > i && isSpace(text.charCodeAt(j - 1))) j--;
  let body = text.slice(i, j);
  let negative = false;
  if (body.startsWith("-") || body.startsWith("+")) {
    negative = body.startsWith("-");
    body = body.slice(1);
  }
  let radix = 10;
  let digits = body;
  if (base === 0 && /^0[xob]/i.test(body)) {
    radix = { x: 16, o: 8, b: 2 }[body[1]?.toLowerCase() as "x" | "o" | "b"];
    digits = body.slice(2);
    if (digits.startsWith("_")) digits = digits.slice(1);
  }
  const digit = radix === 16 ? "[0-9a-fA-F]" : radix === 8 ? "[0-7]" : radix === 2 ? "[01]" : "[0-9]";
  if (!new RegExp(`^${digit}+(_${digit}+)*$`).test(digits)) return undefined;
  const clean = digits.replaceAll("_", "");
  if (base === 0 && radix === 10 && /^0+[1-9]/.test(clean)) return undefined;
  const prefix = radix === 16 ? "0x" : radix === 8 ? "0o" : radix === 2 ? "0b" : "";
  const big = BigInt(prefix + clean) * (negative ? -1n : 1n);
  const value =
    big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  const canonical = text === `${negative ? "-" : ""}${clean}` && (clean === "0" || !clean.startsWith("0"));
  return { value, canonical };
}

/** Python's float(text), closely enough to accept what it accepts. */
export function parsePythonFloat(bytes: Uint8Array): number | undefined {
  let text = "";
  for (const b of bytes) {
    if (b > 127) return undefined;
    text += String.fromCharCode(b);
  }
  const t = text.trim().toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (m) return m[2] === "nan" ? Number.NaN : m[1] === "-" ? -Infinity : Infinity;
  if (!/^[+-]?((\d+(_\d+)*)(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)(e[+-]?\d+(_\d+)*)?$/.test(t)) return undefined;
  return Number(t.replaceAll("_", ""));
}

/** The signed little-endian two's-complement integer of LONG1/LONG4. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let big = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) big = (big << 8n) | BigInt(bytes[i] as number);
  if ((bytes[bytes.length - 1] as number) & 0x80) big -= 1n << BigInt(bytes.length * 8);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

const hexValue = (c: number) =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;

/** codecs.escape_decode: the body of a protocol-0 STRING argument, quotes already removed. */
export function escapeDecode(src: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as number;
    if (c !== 92) {
      out.push(c);
      continue;
    }
    i++;
    if (i >= src.length) return undefined; // trailing backslash
    const e = src[i] as number;
    const simple: Record<number, number> = {
      10: -1, // backslash-newline: a line continuation, produces nothing
      92: 92,
      39: 39,
      34: 34,
      98: 8,
      102: 12,
      116: 9,
      110: 10,
      114: 13,
      118: 11,
      97: 7,
    };
    const mapped = simple[e];
    if (mapped !== undefined) {
      if (mapped >= 0) out.push(mapped);
    } else if (e >= 48 && e <= 55) {
      let v = e - 48;
      for (let k = 0; k < 2 && i + 1 < src.length; k++) {
        const d = src[i + 1] as number;
        if (d < 48 || d > 55) break;
        v = v * 8 + (d - 48);
        i++;
      }
      out.push(v & 0xff);
    } else if (e === 120) {
      const h1 = hexValue(src[i + 1] ?? -1);
      const h2 = hexValue(src[i + 2] ?? -1);
      if (h1 < 0 || h2 < 0) return undefined;
      out.push(h1 * 16 + h2);
      i += 2;
    } else {
      out.push(92, e); // unknown escapes stay as written
    }
  }
  return Uint8Array.from(out);
}

/** raw-unicode-escape: bytes are Latin-1, except \uXXXX and \UXXXXXXXX after an odd run of backslashes. */
export function rawUnicodeEscapeDecode(src: Uint8Array): string | undefined {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i] as number;
    if (c !== 92) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let run = 0;
    while (i + run < src.length && src[i + run] === 92) run++;
    const next = src[i + run];
    if (run % 2 === 0 || (next !== 117 && next !== 85)) {
      out += "\\".repeat(run);
      i += run;
      continue;
    }
    out += "\\".repeat(run - 1);
    const digits = next === 117 ? 4 : 8;
    let code = 0;
    for (let k = 0; k < digits; k++) {
      const h = hexValue(src[i + run + 1 + k] ?? -1);
      if (h < 0) return undefined;
      code = code * 16 + h;
    }
    if (code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
    i += run + 1 + digits;
  }
  return out;
}

/** UTF-8 with Python's surrogatepass: well-formed sequences plus encoded lone surrogates. */
export function decodeUtf8SurrogatePass(b: Uint8Array): string | undefined {
  let out = "";
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, cp, min] = [1, c & 0x1f, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, cp, min] = [2, c & 0x0f, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, cp, min] = [3, c & 0x07, 0x10000];
    else return undefined;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff) return undefined;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Strict UTF-8 (GLOBAL and INST names): no surrogates. */
export function decodeUtf8Strict(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return undefined;
  }
}

export function isAscii(b: Uint8Array): boolean {
  for (const c of b) if (c > 127) return false;
  return true;
}

export function latin1(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}
