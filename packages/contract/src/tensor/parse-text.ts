import { GateError, parseJsonText } from "@mlgate/core";
import type { Dim, TensorSpec } from "@mlgate/onnx";
import { type Document, LineCounter, type Node, parseDocument } from "yaml";
import type { SourceLocation } from "../change.js";
import type { SignatureDocument } from "./document.js";
import { normalizeDType } from "./dtypes.js";
import { resolveSignatureLimits, type SignatureLimits } from "./limits.js";
import { checkYamlNesting } from "./yaml-guard.js";

export type SignatureTextFormat = "yaml" | "json" | "markdown";

type KeyPath = (string | number)[];

function formatPath(path: KeyPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value) ?? String(value);
}

/** The YAML front matter of a model card (between `---` lines at the top) and the line it starts on. */
function frontMatter(text: string, file: string): { yaml: string; lineOffset: number } {
  const lines = text.split("\n");
  if (lines[0]?.trimEnd() !== "---") {
    throw new GateError(`model card ${file} has no YAML front matter`, {
      location: { file, line: 1 },
      hint: "a model card starts with a --- line, the YAML metadata (with signature:), and another --- line",
    });
  }
  const close = lines.findIndex((l, i) => i > 0 && (l.trimEnd() === "---" || l.trimEnd() === "..."));
  if (close === -1) {
    throw new GateError(`the front matter of model card ${file} is not closed`, {
      location: { file, line: 1 },
      hint: "end the YAML metadata with a --- line",
    });
  }
  return { yaml: lines.slice(1, close).join("\n"), lineOffset: 1 };
}

/** Reads a YAML or JSON document with positions, under the size, nesting and alias limits. */
class PositionedDocument {
  readonly value: unknown;
  private readonly doc: Document.Parsed;
  private readonly lineCounter = new LineCounter();

  constructor(
    text: string,
    private readonly file: string,
    private readonly lineOffset: number,
    limits: SignatureLimits,
  ) {
    checkYamlNesting(text, file, limits.maxDepth, lineOffset);
    this.doc = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: true,
      uniqueKeys: true,
      stringKeys: true,
      resolveKnownTags: false,
      version: "1.2",
    });
    const error = this.doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0] ?? this.lineCounter.linePos(error.pos[0]);
      const reason = error.message.split("\n", 1)[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new GateError(`${file} is not valid YAML: ${reason}`, {
        location: { file, line: pos.line + lineOffset, column: pos.col },
      });
    }
    try {
      this.value = this.doc.toJS({ maxAliasCount: limits.maxAliases });
    } catch (e) {
      throw new GateError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, {
        location: { file },
        hint: "the document expands too many aliases",
        cause: e,
      });
    }
  }

  locate(path: KeyPath): SourceLocation {
    const node = this.doc.getIn(path, true) as Node | undefined;
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: this.file };
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line: line + this.lineOffset, column: col };
  }
}

class SignatureReader {
  constructor(
    private readonly doc: PositionedDocument,
    private readonly limits: SignatureLimits,
  ) {}

  private fail(path: KeyPath, message: string, hint?: string): never {
    throw new GateError(`${formatPath(path)}: ${message}`, {
      location: this.doc.locate(path),
      ...(hint ? { hint } : {}),
    });
  }

  private name(value: unknown, path: KeyPath, what: string): string {
    if (typeof value !== "string" || value.trim() === "") {
      this.fail(path, `${what} must be a non-empty string, got ${describe(value)}`);
    }
    if (value.length > this.limits.maxNameLength) {
      this.fail(path, `${what} is longer than ${this.limits.maxNameLength} characters`);
    }
    return value;
  }

  private dim(value: unknown, path: KeyPath): Dim {
    if (value === null) return null;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= -1)
      return value === -1 ? null : value;
    if (typeof value === "string" && value.trim() !== "" && value.length <= this.limits.maxNameLength)
      return value;
    return this.fail(
      path,
      `a dimension must be a size (an integer >= 0), a symbolic name (a string), or null (-1) for unknown; got ${describe(value)}`,
    );
  }

  private tensor(value: unknown, path: KeyPath): TensorSpec {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.fail(path, `a tensor must be a mapping with name, dtype and shape, got ${describe(value)}`);
    }
    const entry = value as Record<string, unknown>;
    const name = this.name(entry.name, [...path, "name"], "name");
    const dtype = normalizeDType(this.name(entry.dtype, [...path, "dtype"], "dtype"));
    // As in validate-artifact's model card: an omitted shape, like null, means the rank is unknown.
    const shape = entry.shape;
    if (shape === null || shape === undefined) return { name, dtype, shape: null };
    if (!Array.isArray(shape))
      this.fail([...path, "shape"], `shape must be a list or null, got ${describe(shape)}`);
    if (shape.length > this.limits.maxRank) {
      this.fail(
        [...path, "shape"],
        `shape has ${shape.length} dimensions, over the limit of ${this.limits.maxRank}`,
      );
    }
    return { name, dtype, shape: shape.map((d, i) => this.dim(d, [...path, "shape", i])) };
  }

  list(
    value: unknown,
    path: KeyPath,
    role: "input" | "output",
  ): { specs: TensorSpec[]; where: Map<string, SourceLocation> } {
    if (!Array.isArray(value)) this.fail(path, `${role}s must be a list of tensors, got ${describe(value)}`);
    if (value.length > this.limits.maxTensors) {
      this.fail(path, `${value.length} ${role}s, over the limit of ${this.limits.maxTensors}`);
    }
    const specs: TensorSpec[] = [];
    const where = new Map<string, SourceLocation>();
    value.forEach((item, i) => {
      const spec = this.tensor(item, [...path, i]);
      if (where.has(spec.name)) this.fail([...path, i, "name"], `${role} ${spec.name} is declared twice`);
      specs.push(spec);
      where.set(spec.name, this.doc.locate([...path, i]));
    });
    return { specs, where };
  }
}

/**
 * Read a signature from manifest or model-card YAML (`signature: { inputs, outputs }`) or from
 * validate-artifact's JSON (`{ inputs, outputs }` at the top, or under `signature`).
 */
export function parseSignatureText(
  text: string,
  file: string,
  format: SignatureTextFormat,
  partialLimits: Partial<SignatureLimits> = {},
): SignatureDocument {
  const limits = resolveSignatureLimits(partialLimits);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.maxBytes) {
    throw new GateError(
      `${file} is ${bytes} bytes, over the limit of ${limits.maxBytes} bytes for a signature file`,
      {
        location: { file },
      },
    );
  }
  let yaml = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let lineOffset = 0;
  if (format === "markdown") ({ yaml, lineOffset } = frontMatter(yaml, file));
  // JSON gets JSON's own error messages first; the YAML reader then supplies positions.
  if (format === "json") parseJsonText(yaml, file, "signature file");
  const doc = new PositionedDocument(yaml, file, lineOffset, limits);
  const top = doc.value;
  if (top === null || typeof top !== "object" || Array.isArray(top)) {
    throw new GateError(`${file} must be a mapping with a signature`, {
      location: { file, line: 1 + lineOffset },
    });
  }
  const record = top as Record<string, unknown>;
  let base: KeyPath;
  if (Object.hasOwn(record, "signature")) base = ["signature"];
  else if (Object.hasOwn(record, "inputs") && Object.hasOwn(record, "outputs")) base = [];
  else {
    throw new GateError(`${file} declares no model signature`, {
      location: { file, line: 1 + lineOffset },
      hint: "add signature: with inputs: and outputs: lists of { name, dtype, shape }",
    });
  }
  const signature = base.length === 0 ? record : record.signature;
  const reader = new SignatureReader(doc, limits);
  if (signature === null || typeof signature !== "object" || Array.isArray(signature)) {
    throw new GateError(`signature: must be a mapping with inputs and outputs, got ${describe(signature)}`, {
      location: doc.locate(base),
    });
  }
  const fields = signature as Record<string, unknown>;
  for (const key of ["inputs", "outputs"]) {
    if (!Object.hasOwn(fields, key)) {
      throw new GateError(`${formatPath([...base, key]) || key} is missing`, {
        location: doc.locate(base),
        hint: "declare both inputs: and outputs: (an empty list is fine)",
      });
    }
  }
  const inputs = reader.list(fields.inputs, [...base, "inputs"], "input");
  const outputs = reader.list(fields.outputs, [...base, "outputs"], "output");
  return {
    signature: { inputs: inputs.specs, outputs: outputs.specs },
    kind: format === "json" ? "signature-json" : "manifest",
    source: base.length === 0 ? { file } : doc.locate(base),
    inputs: inputs.where,
    outputs: outputs.where,
  };
}
