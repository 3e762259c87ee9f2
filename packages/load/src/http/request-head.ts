/**
 * Request heads written once as bytes: a load test sends the same request line and headers again
 * and again, so only what varies (a `${seq}` header, the body's length) is rendered per request.
 */

/** Methods that carry a body, so an empty one is announced with `content-length: 0`. */
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

export interface HeadParts {
  method: string;
  /** Path and query exactly as they go on the request line. */
  path: string;
  /** The Host header's value. */
  host: string;
  /** Name/value pairs sent with every request, already checked for CR, LF and NUL. */
  headers: readonly string[];
}

/** The request line, Host and the fixed headers, each line ending in CRLF. */
export function headPrefix(parts: HeadParts): string {
  let out = `${parts.method} ${parts.path} HTTP/1.1\r\nhost: ${parts.host}\r\n`;
  for (let i = 0; i + 1 < parts.headers.length; i += 2)
    out += `${parts.headers[i]}: ${parts.headers[i + 1]}\r\n`;
  return out;
}

/** The end of a head for a body of `bodyLength` bytes (undefined: the request has no body). */
export function headSuffix(method: string, bodyLength: number | undefined): string {
  if (bodyLength !== undefined) return `content-length: ${bodyLength}\r\n\r\n`;
  return METHODS_WITH_BODY.has(method) ? "content-length: 0\r\n\r\n" : "\r\n";
}

/** Headers are written as latin1: one byte per character, as HTTP/1.1 defines field values. */
export function headBytes(head: string): Buffer {
  return Buffer.from(head, "latin1");
}
