// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import { GateError } from "@mlgate/core";
import type { Origin } from "./http/connection.js";

/** Where requests go: exactly the URL the user gave, split into what the connection pool needs. */
export interface Target {
  /** The URL as given (surrounding whitespace removed), for reports. */
  url: string;
  /** `http://host:port`, for the connection pool. */
  origin: string;
  /** Path and query exactly as written, never normalised (`/v1/../x` is sent as is). */
  path: string;
  /** Where connections go. */
  connectTo: Origin;
  /** The Host header: host, and the port unless it is the scheme's default. */
  host: string;
}

const MAX_URL_LENGTH = 8192;

/**
 * Parse the target URL without rewriting it: `new URL()` would resolve dot segments and re-encode
 * characters, so the request line is cut from the text itself and only the origin comes from the parser.
 */
export function parseTarget(raw: string): Target {
  const url = String(raw).trim();
  if (url === "")
    throw new GateError("no target URL", {
      hint: "give the endpoint to load, e.g. http://staging:8080/v1/predict",
    });
  if (url.length > MAX_URL_LENGTH)
    throw new GateError(`the target URL is ${url.length} characters long; the limit is ${MAX_URL_LENGTH}`);
  const scheme = /^(https?):\/\//i.exec(url);
  if (!scheme) {
    throw new GateError(`target URL "${url}" must start with http:// or https://`, {
      hint: "give the full URL of the endpoint, e.g. http://127.0.0.1:8080/v1/predict",
    });
  }
  if (/[\s\u0000-\u001f\u007f]/.test(url)) {
    throw new GateError(`target URL "${url}" contains spaces or control characters`, {
      hint: "percent-encode them (%20)",
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GateError(`target URL "${url}" is not a valid URL`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new GateError("the target URL must not carry credentials", {
      hint: "send them in a header from the environment: --header 'Authorization: Basic ${env.API_AUTH}'",
    });
  }
  const afterScheme = scheme[0].length;
  const rest = url.slice(afterScheme);
  const pathStart = rest.search(/[/?#]/);
  let path = pathStart === -1 ? "/" : rest.slice(pathStart);
  const hash = path.indexOf("#");
  // The fragment never leaves the client.
  if (hash !== -1) path = path.slice(0, hash);
  if (path === "" || path.startsWith("?")) path = `/${path}`;
  if (/[^\x21-\x7e]/.test(path)) {
    throw new GateError(`target URL "${url}" has characters in its path that must be percent-encoded`, {
      hint: "write them as %XX escapes of their UTF-8 bytes, e.g. %C3%A9 for é",
    });
  }
  const tls = parsed.protocol === "https:";
  const connectTo: Origin = {
    tls,
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port === "" ? (tls ? 443 : 80) : Number(parsed.port),
  };
  return { url, origin: parsed.origin, path, connectTo, host: parsed.host };
}
