// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import { randomUUID } from "node:crypto";
import { closestMatches, didYouMean, GateError } from "@mlgate/core";
import { LIMITS } from "./limits.js";

/**
 * Header templates. A value may hold `${env.NAME}` (an environment variable, treated as a secret:
 * masked wherever the header is shown), `${seq}` (the request's number in the schedule) and `${uuid}`
 * (a fresh random UUID per request). `$${` writes a literal `${`.
 */
type Part =
  | { kind: "text"; text: string }
  | { kind: "secret"; text: string }
  | { kind: "seq" }
  | { kind: "uuid" };

export interface HeaderTemplate {
  name: string;
  parts: Part[];
}

export interface CompiledHeaders {
  /** Name/value pairs for requests whose headers do not vary (flat: name, value, name, value…). */
  fixed: string[];
  /** Headers rendered per request (`${seq}`, `${uuid}`); empty for most tests. */
  varying: HeaderTemplate[];
  /** Values that must never be printed (for `::add-mask::` and report masking). */
  secrets: string[];
  /** `Name: value` lines with secrets masked, for reports and logs. */
  shown: string[];
}

/** Headers the client manages, or that would send the request somewhere other than the given URL. */
const RESERVED = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
]);
/** Headers whose whole value is masked even when written inline. */
const SENSITIVE = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VARIABLES = ["env.NAME", "seq", "uuid"];
/** Field values are sent one byte per character: tab, visible ASCII and Latin-1, nothing else. */
const NOT_FIELD_TEXT = /[^\t\x20-\x7e\x80-\xff]/;

/** `Name: value` as written on the command line or in an action input. */
export function splitHeaderLine(line: string, what: string): { name: string; value: string } {
  const colon = line.indexOf(":");
  if (colon < 1) {
    throw new GateError(`${what} "${line}" is not NAME: VALUE`, {
      hint: "e.g. --header 'Authorization: Bearer ${env.API_TOKEN}'",
    });
  }
  return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
}

function parseTemplate(name: string, value: string, env: NodeJS.ProcessEnv, what: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  let text = "";
  while (i < value.length) {
    if (value.startsWith("$${", i)) {
      text += "${";
      i += 3;
      continue;
    }
    if (!value.startsWith("${", i)) {
      text += value[i];
      i++;
      continue;
    }
    const end = value.indexOf("}", i);
    if (end === -1)
      throw new GateError(`${what} ${name}: unclosed "\${" at column ${i + 1}`, {
        hint: "write $${ for a literal ${",
      });
    const variable = value.slice(i + 2, end).trim();
    if (text) parts.push({ kind: "text", text });
    text = "";
    if (variable.startsWith("env.")) {
      const key = variable.slice(4);
      const secret = Object.hasOwn(env, key) ? env[key] : undefined;
      if (secret === undefined || secret === "") {
        throw new GateError(
          `${what} ${name} uses \${${variable}}, but the environment variable ${key} is not set`,
          {
            hint: `set ${key} in the step's env: (from a secret), or remove it from the header`,
          },
        );
      }
      parts.push({ kind: "secret", text: secret });
    } else if (variable === "seq") parts.push({ kind: "seq" });
    else if (variable === "uuid") parts.push({ kind: "uuid" });
    else {
      const guess = didYouMean(closestMatches(variable, ["seq", "uuid"]));
      throw new GateError(`${what} ${name}: unknown variable \${${variable}}${guess ? `; ${guess}` : ""}`, {
        hint: `available: ${VARIABLES.map((v) => `\${${v}}`).join(", ")}`,
      });
    }
    i = end + 1;
  }
  if (text) parts.push({ kind: "text", text });
  return parts;
}

function render(parts: readonly Part[], seq: number, mask: boolean): string {
  let out = "";
  for (const p of parts) {
    if (p.kind === "text") out += p.text;
    else if (p.kind === "secret") out += mask ? "***" : p.text;
    else if (p.kind === "seq") out += mask ? "${seq}" : String(seq);
    else out += mask ? "${uuid}" : randomUUID();
  }
  return out;
}

/** Parse and check header templates; environment variables are read once, here. */
export function compileHeaders(
  headers: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
  what = "header",
): CompiledHeaders {
  const entries = Object.entries(headers);
  if (entries.length > LIMITS.maxHeaders)
    throw new GateError(`${entries.length} headers given; the limit is ${LIMITS.maxHeaders}`);
  const out: CompiledHeaders = { fixed: [], varying: [], secrets: [], shown: [] };
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (!TOKEN.test(name)) throw new GateError(`${what} name "${name}" is not a valid HTTP header name`);
    const lower = name.toLowerCase();
    if (RESERVED.has(lower)) {
      throw new GateError(`${what} ${name} cannot be set`, {
        hint:
          lower === "host"
            ? "the request goes to exactly the target URL; put the host there"
            : "the HTTP client manages it",
      });
    }
    if (seen.has(lower)) throw new GateError(`${what} ${name} is given twice`);
    seen.add(lower);
    if (Buffer.byteLength(value) > LIMITS.maxHeaderValueBytes) {
      throw new GateError(`${what} ${name} is over ${LIMITS.maxHeaderValueBytes} bytes`);
    }
    const parts = parseTemplate(name, value, env, what);
    for (const p of parts) if (p.kind === "secret") out.secrets.push(p.text);
    if (SENSITIVE.test(name)) {
      const literal = render(parts, 0, false);
      if (literal) out.secrets.push(literal);
      out.shown.push(`${name}: ***`);
    } else out.shown.push(`${name}: ${render(parts, 0, true)}`);
    if (parts.some((p) => (p.kind === "text" || p.kind === "secret") && /[\r\n\u0000]/.test(p.text))) {
      throw new GateError(`${what} ${name} contains a line break or NUL`);
    }
    if (parts.some((p) => (p.kind === "text" || p.kind === "secret") && NOT_FIELD_TEXT.test(p.text))) {
      throw new GateError(`${what} ${name} holds a character an HTTP header cannot carry`, {
        hint: "header values are Latin-1 text without control characters; percent-encode or base64 anything else",
      });
    }
    if (parts.some((p) => p.kind === "seq" || p.kind === "uuid")) out.varying.push({ name: lower, parts });
    else out.fixed.push(lower, render(parts, 0, false));
  }
  out.secrets = [...new Set(out.secrets)];
  return out;
}

/** The `name: value` lines (CRLF-terminated) of the headers that vary, rendered for request `seq`. */
export function varyingHeaderLines(compiled: CompiledHeaders, seq: number): string {
  let out = "";
  for (const h of compiled.varying) out += `${h.name}: ${render(h.parts, seq, false)}\r\n`;
  return out;
}

/** Replace every secret in `text` with `***` (for error messages that might echo a header). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so `Bearer tok` is masked whole rather than leaving `Bearer ` before `***`.
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  for (const s of longestFirst) if (s.length >= 3) out = out.split(s).join("***");
  return out;
}
