import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { Agent, errors, request } from "undici";

/** How to reach the Kubernetes API server. Without `server`, the pod's own service account is used. */
export interface KubeConnectionOptions {
  /** API server URL, e.g. `https://10.0.0.1:6443`; default: in-cluster. */
  server?: string;
  /** Bearer token. */
  token?: string;
  /** File holding the bearer token, read at every request (projected tokens rotate). */
  tokenFile?: string;
  /** PEM file of the CA that signed the server's certificate. */
  caFile?: string;
  /** The same CA as PEM text. */
  ca?: string;
  /** Skip verifying the server's certificate (never in production). */
  insecureSkipTlsVerify?: boolean;
  /** Where a pod's service account files are (default /var/run/secrets/kubernetes.io/serviceaccount). */
  serviceAccountDir?: string;
  /** Per request (default 30 s). */
  requestTimeoutMs?: number;
  /** The environment in-cluster discovery reads (default process.env). */
  env?: Record<string, string | undefined>;
}

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Kubernetes objects are capped at about 1.5 MiB by etcd; anything far beyond is not an answer. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const MAX_SMALL_FILE = 256 * 1024;

export interface KubeAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

interface Resolved {
  server: string;
  token?: string;
  tokenFile?: string;
  dispatcher?: Agent;
  /** The namespace of the pod's service account, when in-cluster. */
  namespace?: string;
}

async function readSmall(path: string, what: string): Promise<string> {
  try {
    const info = await stat(path);
    if (info.size > MAX_SMALL_FILE)
      throw new GateError(`${what} ${path} is ${info.size} bytes, over ${MAX_SMALL_FILE}`);
    return (await readFile(path, "utf8")).trim();
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw new GateError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      cause: e,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The connection to use: the options as given, or the pod's service account. */
async function resolveConnection(o: KubeConnectionOptions): Promise<Resolved> {
  const env = o.env ?? process.env;
  const saDir = o.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  let server = o.server;
  let tokenFile = o.tokenFile;
  let caFile = o.caFile;
  let namespace: string | undefined;
  if (!server) {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    if (!host || !port || !(await exists(join(saDir, "token")))) {
      throw new GateError("no Kubernetes API server to talk to", {
        hint: "set server (and token-file or token-env), or run the job inside the cluster with a service account",
      });
    }
    server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
    if (!o.token && !tokenFile) tokenFile = join(saDir, "token");
    if (!o.ca && !caFile && (await exists(join(saDir, "ca.crt")))) caFile = join(saDir, "ca.crt");
    if (await exists(join(saDir, "namespace")))
      namespace = await readSmall(join(saDir, "namespace"), "service account namespace");
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new GateError(`the Kubernetes API server "${server.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new GateError(`the Kubernetes API server "${server.slice(0, 200)}" is not an http(s) URL`);
  }
  const ca = o.ca ?? (caFile ? await readSmall(caFile, "Kubernetes CA file") : undefined);
  const dispatcher =
    url.protocol === "https:" && (ca || o.insecureSkipTlsVerify)
      ? new Agent({ connect: { ...(ca ? { ca } : {}), rejectUnauthorized: !o.insecureSkipTlsVerify } })
      : undefined;
  return {
    server: url.origin + url.pathname.replace(/\/+$/, ""),
    ...(o.token ? { token: o.token } : {}),
    ...(tokenFile ? { tokenFile } : {}),
    ...(dispatcher ? { dispatcher } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

function failureOf(e: unknown): string {
  const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
  if (e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError) return "timed out";
  if (code && /^(ERR_TLS|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO|CERT_)/.test(code)) return `TLS: ${code}`;
  return code ?? ((e as Error).message || String(e));
}

/**
 * A small client for one Kubernetes API server: JSON in and out, bearer token, custom CA, size cap.
 * The connection is resolved on first use, so building a provider never touches the disk or network.
 */
export class KubeClient {
  private resolved: Promise<Resolved> | undefined;

  constructor(private readonly options: KubeConnectionOptions) {}

  /** The pod's namespace when running in-cluster without an explicit server. */
  async inClusterNamespace(): Promise<string | undefined> {
    return (await this.connection()).namespace;
  }

  async request(
    method: "GET" | "PATCH" | "PUT",
    path: string,
    body?: { type: string; value: unknown },
  ): Promise<KubeAnswer> {
    const c = await this.connection();
    const token =
      c.token ?? (c.tokenFile ? await readSmall(c.tokenFile, "Kubernetes token file") : undefined);
    const timeout = this.options.requestTimeoutMs ?? 30_000;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${c.server}${path}`, {
        method,
        headers: {
          accept: "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { "content-type": body.type } : {}),
        },
        ...(body ? { body: JSON.stringify(body.value) } : {}),
        ...(c.dispatcher ? { dispatcher: c.dispatcher } : {}),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
    } catch (e) {
      throw new KubeUnreachable(`cannot reach the Kubernetes API at ${c.server}: ${failureOf(e)}`, e);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_ANSWER_BYTES) {
          res.body.destroy();
          throw new GateError(
            `the Kubernetes API answered ${method} ${path} with more than ${MAX_ANSWER_BYTES} bytes`,
          );
        }
        chunks.push(chunk as Buffer);
      }
    } catch (e) {
      if (e instanceof GateError) throw e;
      throw new KubeUnreachable(`the Kubernetes API at ${c.server} broke off its answer: ${failureOf(e)}`, e);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
      if (res.statusCode < 400) {
        throw new GateError(
          `the Kubernetes API answered ${method} ${path} with something that is not JSON (HTTP ${res.statusCode})`,
        );
      }
    }
    return { status: res.statusCode, headers: res.headers, json };
  }

  async close(): Promise<void> {
    const c = await this.resolved?.catch(() => undefined);
    await c?.dispatcher?.close();
  }

  private connection(): Promise<Resolved> {
    this.resolved ??= resolveConnection(this.options);
    // A failed resolution (no server yet) is tried again at the next call.
    this.resolved.catch(() => {
      this.resolved = undefined;
    });
    return this.resolved;
  }
}

/** The API server could not be reached at all: worth another try. */
export class KubeUnreachable extends GateError {
  constructor(message: string, cause: unknown) {
    super(message, { hint: "check the server URL, the network and the CA", cause });
  }
}

/** The `message` of a Kubernetes Status answer, shortened. */
export function kubeStatusMessage(answer: KubeAnswer): string {
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message.slice(0, 400) : `HTTP ${answer.status}`;
}
