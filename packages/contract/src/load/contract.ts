import { formatValue, GateError } from "@mlgate/core";
import { type ContractLimits, LIMIT_HINT } from "../limits.js";
import { type ContractDocument, parseContractDocument } from "./document.js";
import type { ContractFiles } from "./files.js";
import { getAt, parsePointer, toPointer } from "./pointer.js";

/** A place in one of the contract's files. */
export interface DocPlace {
  doc: ContractDocument;
  pointer: string;
}

export interface RefTarget extends DocPlace {
  value: unknown;
}

export interface LoadOptions {
  limits: ContractLimits;
  /** Hosts whose URLs a `$ref` may name; empty (the default) refuses every URL. */
  allowUrls?: readonly string[];
}

const OWNERS = new WeakMap<ContractDocument, LoadedContract>();

/** The contract a parsed document belongs to, to follow the references inside it. */
export function contractOf(doc: ContractDocument): LoadedContract {
  const owner = OWNERS.get(doc);
  if (!owner) throw new Error(`document ${doc.display} belongs to no loaded contract`);
  return owner;
}

/** Keys under which `$ref` is data, not a reference. */
const DATA_KEYS = new Set(["example", "default", "enum", "const"]);

interface RefSite {
  ref: string;
  /** Where the `$ref` sits; built on demand, since only an error needs it. */
  readonly pointer: string;
}

/**
 * All files of one side of a contract, parsed, with every `$ref` checked: it stays inside the
 * root, names a file that parses and a place that exists. References stay references (the model
 * follows them lazily), so recursive schemas cost nothing extra.
 */
export class LoadedContract {
  readonly documents = new Map<string, ContractDocument>();
  private readonly anchors = new Map<string, Map<string, string>>();
  private readonly ids = new Map<string, string>();
  refCount = 0;

  private constructor(
    readonly files: ContractFiles,
    readonly root: ContractDocument,
    private readonly options: LoadOptions,
  ) {}

  static async load(entry: string, files: ContractFiles, options: LoadOptions): Promise<LoadedContract> {
    const limits = options.limits;
    const rootBytes = await files.read(entry, limits);
    const root = parseContractDocument(rootBytes, entry, files.display(entry), limits);
    const contract = new LoadedContract(files, root, options);
    await contract.crawl(root);
    return contract;
  }

  private async crawl(root: ContractDocument): Promise<void> {
    const { limits } = this.options;
    let totalBytes = root.bytes;
    const queue = [root];
    this.documents.set(root.id, root);
    OWNERS.set(root, this);
    const pending: { doc: ContractDocument; sites: RefSite[] }[] = [];
    while (queue.length > 0) {
      const doc = queue.shift()!;
      const sites = this.collectRefs(doc);
      pending.push({ doc, sites });
      for (const site of sites) {
        const hash = site.ref.indexOf("#");
        const file = hash === -1 ? site.ref : site.ref.slice(0, hash);
        if (file === "") continue;
        const id = this.targetId(doc, file, site);
        if (this.documents.has(id) || this.ids.has(id)) continue;
        if (this.documents.size >= limits.maxFiles) {
          throw new GateError(`the contract pulls in more than ${limits.maxFiles} files through $ref`, {
            location: this.where(doc, site.pointer),
            hint: LIMIT_HINT,
          });
        }
        const bytes = await this.readTarget(id, doc, site);
        totalBytes += bytes.byteLength;
        if (totalBytes > limits.maxTotalBytes) {
          throw new GateError(
            `the contract's files add up to more than ${formatValue(limits.maxTotalBytes, "bytes")}`,
            { location: this.where(doc, site.pointer), hint: LIMIT_HINT },
          );
        }
        const loaded = parseContractDocument(bytes, id, this.displayOf(id), limits);
        this.documents.set(id, loaded);
        OWNERS.set(loaded, this);
        queue.push(loaded);
      }
    }
    // Every reference must land somewhere real, so a typo fails here with its line, not deep in a diff.
    for (const { doc, sites } of pending) {
      for (const site of sites) this.resolveRef(doc, site.ref, () => site.pointer);
    }
  }

  private displayOf(id: string): string {
    return isUrl(id) ? id : this.files.display(id);
  }

  private where(doc: ContractDocument, pointer: string) {
    const pos = doc.locate([pointer]).get(pointer);
    return { file: doc.display, ...(pos ?? {}) };
  }

  /** Every `$ref` string in a document, with where it sits; also indexes `$anchor`s and `$id`s. */
  private collectRefs(doc: ContractDocument): RefSite[] {
    const { limits } = this.options;
    const sites: RefSite[] = [];
    const anchors = new Map<string, string>();
    this.anchors.set(doc.id, anchors);
    // The keys from the root to the node being walked; a pointer is built only where one is needed.
    const path: string[] = [];
    // JSON.parse accepts any nesting and size; YAML documents were measured while parsing.
    const measure = doc.format === "json";
    let nodes = 0;
    const limit = (message: string): never => {
      throw new GateError(message, { location: this.where(doc, toPointer(path)), hint: LIMIT_HINT });
    };
    /** `data`: inside an example, default, enum or extension, which is measured but holds no references. */
    const tooMany = () => limit(`${doc.display} has more than ${limits.maxNodes} values`);
    const walk = (node: object, level: number, data: boolean): void => {
      if (measure) {
        // Checked before going deeper, so the recursion is bounded by the depth limit.
        if (level > limits.maxDepth) limit(`nesting is deeper than ${limits.maxDepth} levels`);
        if (++nodes > limits.maxNodes) tooMany();
      }
      if (Array.isArray(node)) {
        nodes += node.length;
        if (measure && nodes > limits.maxNodes) tooMany();
        for (let i = 0; i < node.length; i++) {
          const child: unknown = node[i];
          if (child === null || typeof child !== "object") continue;
          path.push(String(i));
          walk(child, level + 1, data);
          path.pop();
        }
        return;
      }
      const obj = node as Record<string, unknown>;
      if (!data) {
        const ref = obj.$ref;
        if (typeof ref === "string") {
          if (++this.refCount > limits.maxRefs) limit(`the contract has more than ${limits.maxRefs} $refs`);
          const keys = path.slice();
          sites.push({
            ref,
            get pointer() {
              return `${toPointer(keys)}/$ref`;
            },
          });
        }
        const anchor = obj.$anchor;
        // The first of duplicate anchors, in document order, is the one references reach.
        if (typeof anchor === "string" && !anchors.has(anchor)) anchors.set(anchor, toPointer(path));
        const id = obj.$id;
        if (typeof id === "string") {
          if (id.startsWith("#")) {
            if (!anchors.has(id.slice(1))) anchors.set(id.slice(1), toPointer(path));
          } else if (path.length === 0) this.ids.set(id.split("#")[0]!, doc.id);
        }
      }
      for (const key in obj) {
        nodes++;
        const child = obj[key];
        if (child === null || typeof child !== "object") continue;
        // Data under these keys holds no references, but still counts towards the limits.
        const inData =
          data || DATA_KEYS.has(key) || key.startsWith("x-") || (key === "examples" && Array.isArray(child));
        if (inData && !measure) continue;
        path.push(key);
        walk(child, level + 1, inData);
        path.pop();
      }
      if (measure && nodes > limits.maxNodes) tooMany();
    };
    const root = doc.value;
    if (root !== null && typeof root === "object") walk(root, 1, false);
    return sites;
  }

  private targetId(from: ContractDocument, file: string, site: RefSite): string {
    const known = this.ids.get(file);
    if (known) return known;
    if (isUrl(file) || isUrl(from.id)) {
      let url: URL;
      try {
        url = new URL(file, isUrl(from.id) ? from.id : undefined);
      } catch {
        throw new GateError(`invalid $ref "${site.ref}"`, { location: this.where(from, site.pointer) });
      }
      if (url.protocol === "file:") {
        throw new GateError(`$ref "${site.ref}" uses a file: URL`, {
          location: this.where(from, site.pointer),
          hint: "write a relative path instead",
        });
      }
      const allowed = this.options.allowUrls ?? [];
      if (!allowed.includes(url.hostname)) {
        throw new GateError(`$ref "${site.ref}" points at the network (${url.host}), which is not allowed`, {
          location: this.where(from, site.pointer),
          hint:
            allowed.length === 0
              ? "vendor the file into the repository, or list its host under `allow-urls`"
              : `allowed hosts: ${allowed.join(", ")}`,
        });
      }
      url.hash = "";
      return url.href;
    }
    try {
      return this.files.resolve(from.id, file);
    } catch (e) {
      if (e instanceof GateError) {
        throw new GateError(e.message, {
          location: this.where(from, site.pointer),
          ...(e.hint ? { hint: e.hint } : {}),
        });
      }
      throw e;
    }
  }

  private async readTarget(id: string, from: ContractDocument, site: RefSite): Promise<Uint8Array> {
    try {
      return isUrl(id)
        ? await fetchCapped(id, this.options.limits)
        : await this.files.read(id, this.options.limits);
    } catch (e) {
      if (e instanceof GateError && !e.location?.line) {
        throw new GateError(`${e.message} (named by $ref "${site.ref}")`, {
          location: this.where(from, site.pointer),
          ...(e.hint ? { hint: e.hint } : {}),
          cause: e,
        });
      }
      throw e;
    }
  }

  private readonly resolved = new Map<ContractDocument, Map<string, RefTarget>>();

  /** The document and pointer a `$ref` names (one hop; the value may be another `$ref`). */
  resolveRef(from: ContractDocument, ref: string, at?: string | (() => string)): RefTarget {
    let cache = this.resolved.get(from);
    if (!cache) {
      cache = new Map();
      this.resolved.set(from, cache);
    }
    const known = cache.get(ref);
    if (known) return known;
    const target = this.resolveUncached(from, ref, at);
    cache.set(ref, target);
    return target;
  }

  private resolveUncached(from: ContractDocument, ref: string, at?: string | (() => string)): RefTarget {
    const fail = (message: string, hint?: string): never => {
      throw new GateError(message, {
        location:
          at === undefined ? { file: from.display } : this.where(from, typeof at === "string" ? at : at()),
        ...(hint ? { hint } : {}),
      });
    };
    const hash = ref.indexOf("#");
    const file = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? "" : ref.slice(hash + 1);
    let doc = from;
    if (file !== "") {
      const known = this.ids.get(file);
      let id: string;
      if (known) id = known;
      else if (isUrl(file) || isUrl(from.id))
        id = new URL(file, isUrl(from.id) ? from.id : undefined).href.split("#")[0]!;
      else id = this.files.resolve(from.id, file);
      const target = this.documents.get(id);
      if (!target) return fail(`$ref "${ref}" names a file that was not loaded`);
      doc = target;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(fragment);
    } catch {
      return fail(`$ref "${ref}" has a badly percent-encoded fragment`);
    }
    let pointer = decoded;
    if (decoded !== "" && !decoded.startsWith("/")) {
      const anchored = this.anchors.get(doc.id)?.get(decoded);
      if (anchored === undefined)
        return fail(`$ref "${ref}" names no $anchor "${decoded}" in ${doc.display}`);
      pointer = anchored;
    }
    const tokens = parsePointer(pointer);
    const value = tokens ? getAt(doc.value, tokens) : undefined;
    if (value === undefined) {
      return fail(
        `$ref "${ref}" points at nothing: ${doc.display} has no ${pointer === "" ? "content" : pointer}`,
        "check the spelling of the reference and of the target's keys",
      );
    }
    return { doc, pointer, value };
  }

  /**
   * Follow `$ref` after `$ref` from a value until something that is not a bare reference; the
   * returned place is where that schema (or object) is defined.
   */
  deref(place: DocPlace, value: unknown): RefTarget {
    if (refOf(value) === undefined) return { doc: place.doc, pointer: place.pointer, value };
    let current: RefTarget = { doc: place.doc, pointer: place.pointer, value };
    const seen = new Set<string>();
    for (let hops = 0; ; hops++) {
      const ref = refOf(current.value);
      if (ref === undefined) return current;
      const key = `${current.doc.id}#${current.pointer}`;
      if (seen.has(key)) {
        throw new GateError(`$ref cycle with no schema in it: ${[...seen].join(" → ")}`, {
          location: this.where(current.doc, current.pointer),
        });
      }
      seen.add(key);
      if (hops >= this.options.limits.maxRefChain) {
        throw new GateError(`a chain of more than ${this.options.limits.maxRefChain} $refs`, {
          location: this.where(current.doc, current.pointer),
          hint: LIMIT_HINT,
        });
      }
      current = this.resolveRef(current.doc, ref, `${current.pointer}/$ref`);
    }
  }

  /** How a place is named in change paths: a pointer in the root document, `file#pointer` elsewhere. */
  address(place: DocPlace): string {
    if (place.doc === this.root) return place.pointer;
    const name = isUrl(place.doc.id) ? place.doc.id : this.files.relativeName(place.doc.id, this.root.id);
    return `${name}#${place.pointer}`;
  }
}

export function refOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const ref = (value as Record<string, unknown>).$ref;
  return typeof ref === "string" ? ref : undefined;
}

function isUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

async function fetchCapped(url: string, limits: ContractLimits): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(limits.fetchTimeoutMs), redirect: "error" });
  } catch (e) {
    throw new GateError(`cannot fetch ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!response.ok) throw new GateError(`cannot fetch ${url}: HTTP ${response.status}`);
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limits.maxFileBytes) {
      await reader.cancel();
      throw new GateError(`${url} is over the ${formatValue(limits.maxFileBytes, "bytes")} limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}
