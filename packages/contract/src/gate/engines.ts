/**
 * One comparison entry for every contract kind: OpenAPI and JSON Schema through the schema engine
 * of this package, .proto files through the protobuf engine, model signatures through the tensor
 * engine. Each side may come from the working tree or from a git revision.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, extname, isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import type { Change, RuleInfo, SourceLocation } from "../change.js";
import { diffLoadedSides, type LoadedSide, loadSchemaContract } from "../diff-schemas.js";
import type { SchemaRole } from "../json-schema/diff.js";
import type { ContractLimits } from "../limits.js";
import type { DocPlace } from "../load/contract.js";
import type { ProtoSource } from "../proto/index.js";
import { PROTO_RULES } from "../proto/rules.js";
import type { CounterExampleStats } from "../rules/collector.js";
import { mergeRules, RULES } from "../rules/registry.js";
import type { SignatureDocument, SignatureTextFormat } from "../tensor/index.js";
import { TENSOR_RULES } from "../tensor/rules.js";
import { git } from "./git.js";
import type { ContractKind } from "./kind.js";
import type { ContractSide } from "./sources.js";

/** Every rule any engine reports, one registry for docs, exceptions and SARIF. */
export const ALL_RULES: RuleInfo[] = mergeRules(RULES, PROTO_RULES, TENSOR_RULES);

export interface EngineOptions {
  cwd: string;
  root?: string;
  role?: SchemaRole;
  allowUrls?: readonly string[];
  limits?: Partial<ContractLimits>;
  counterExamples?: boolean;
}

export interface DeclaredVersion {
  version: string;
  where?: SourceLocation;
}

export interface EngineResult {
  changes: Change[];
  /** What the parsed documents turned out to be, when that can differ from the guess made from the file's first bytes. */
  kind?: ContractKind;
  counterExamples?: CounterExampleStats;
  /** The versions the contracts declare (`info.version`), for the version check; read when asked, since placing them scans the text. */
  versions?: () => { base?: DeclaredVersion; head?: DeclaredVersion };
}

export async function diffSides(
  kind: ContractKind,
  base: ContractSide,
  head: ContractSide,
  options: EngineOptions,
): Promise<EngineResult> {
  const result =
    kind === "proto"
      ? { changes: await diffProtoSides(base, head, options) }
      : kind === "signature"
        ? { changes: await diffSignatureSides(base, head) }
        : await diffSchemaSides(base, head, options);
  return { ...result, changes: result.changes.map((c) => relativeLocations(c, options.cwd)) };
}

async function diffSchemaSides(
  base: ContractSide,
  head: ContractSide,
  options: EngineOptions,
): Promise<EngineResult> {
  const load = (side: ContractSide) =>
    loadSchemaContract(side.path, side.files, {
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.allowUrls ? { allowUrls: options.allowUrls } : {}),
    });
  const b = await load(base);
  const h = await load(head);
  const diff = diffLoadedSides(b, h, {
    ...(options.role ? { role: options.role } : {}),
    group: head.kind === "file" ? head.display : basename(head.path),
    counterExamples: options.counterExamples !== false,
  });
  return {
    changes: diff.changes,
    // The guess reads only the start of the file; a large description may name `openapi` much later.
    kind: h.model.kind,
    counterExamples: diff.counterExamples,
    versions: () => ({ ...versionOf("base", b), ...versionOf("head", h) }),
  };
}

function versionOf(
  which: "base" | "head",
  side: LoadedSide,
): Partial<Record<"base" | "head", DeclaredVersion>> {
  const model = side.model;
  if (model.kind !== "openapi" || model.version === undefined) return {};
  const place: DocPlace | undefined = model.versionPlace;
  const pos = place ? place.doc.locate([place.pointer]).get(place.pointer) : undefined;
  return { [which]: { version: model.version, where: { file: side.contract.root.display, ...(pos ?? {}) } } };
}

/*
 * The protobuf and signature engines are loaded when a contract of their kind is compared: their
 * parsers (protobufjs, the ONNX reader) would otherwise cost every OpenAPI comparison start-up time.
 */
const protoEngine = () => import("../proto/index.js");
const signatureEngine = () => import("../tensor/index.js");

async function protoSource(side: ContractSide, options: EngineOptions): Promise<ProtoSource> {
  const { loadProtoSource } = await protoEngine();
  if (side.kind === "file") {
    return loadProtoSource(side.path, options.root ? { root: resolve(options.cwd, options.root) } : {});
  }
  const root = options.root
    ? relative(side.repo.top, resolve(options.cwd, options.root)).split(sep).join("/")
    : posix.dirname(side.path);
  const files = side.files;
  const source = await loadProtoSource(posix.relative(root, side.path), {
    root,
    read: async (path) => {
      const id = posix.join(root, path);
      if (!(await files.exists(id))) return undefined;
      const blob = await git(side.repo.top, ["cat-file", "blob", `${side.ref}:${id}`]);
      return blob.code === 0 ? blob.stdout.toString("utf8") : undefined;
    },
  });
  return { ...source, root: `${side.ref}:${root}` };
}

async function diffProtoSides(
  base: ContractSide,
  head: ContractSide,
  options: EngineOptions,
): Promise<Change[]> {
  const { diffProto } = await protoEngine();
  return diffProto(await protoSource(base, options), await protoSource(head, options));
}

/** A model read from git goes through memory into a temporary file. */
const MAX_MODEL_BYTES = 1024 * 1024 * 1024;

const TEXT_FORMATS: Record<string, SignatureTextFormat> = {
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "json",
  ".md": "markdown",
  ".markdown": "markdown",
};

async function signatureOf(side: ContractSide): Promise<SignatureDocument> {
  const { DEFAULT_SIGNATURE_LIMITS, parseSignatureText, readSignature } = await signatureEngine();
  if (side.kind === "file") return readSignature(side.path);
  const ext = extname(side.path).toLowerCase();
  const format = TEXT_FORMATS[ext];
  const bytes = await side.files.readCapped(
    side.path,
    format ? DEFAULT_SIGNATURE_LIMITS.maxBytes : MAX_MODEL_BYTES,
  );
  if (format)
    return parseSignatureText(Buffer.from(bytes).toString("utf8"), side.display, format, {
      ...DEFAULT_SIGNATURE_LIMITS,
    });
  // ONNX (or an unknown binary): the reader wants a file.
  const dir = await mkdtemp(join(tmpdir(), "mlgate-signature-"));
  try {
    const file = join(dir, basename(side.path));
    await writeFile(file, bytes);
    const doc = await readSignature(file);
    return { ...doc, source: { ...doc.source, file: side.display } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function diffSignatureSides(base: ContractSide, head: ContractSide): Promise<Change[]> {
  const b = await signatureOf(base);
  const h = await signatureOf(head);
  const { diffSignatures } = await signatureEngine();
  return diffSignatures(b.signature, h.signature, { base: b, head: h });
}

/** Absolute file names under the working directory become relative, as annotations want them. */
function relativeLocations(change: Change, cwd: string): Change {
  const fix = (loc: SourceLocation | undefined): SourceLocation | undefined => {
    if (!loc || !isAbsolute(loc.file)) return loc;
    const rel = relative(cwd, loc.file);
    return rel.startsWith("..") || isAbsolute(rel) ? loc : { ...loc, file: rel.split(sep).join("/") };
  };
  const base = fix(change.base);
  const head = fix(change.head);
  return { ...change, ...(base ? { base } : {}), ...(head ? { head } : {}) };
}
