export const id = 324;
export const ids = [324];
export const modules = {

/***/ 6324:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_SIGNATURE_LIMITS: () => (/* reexport */ DEFAULT_SIGNATURE_LIMITS),
  SIGNATURE_GROUP: () => (/* reexport */ rules/* SIGNATURE_GROUP */.Hx),
  TENSOR_RULES: () => (/* reexport */ rules/* TENSOR_RULES */.YJ),
  concreteShape: () => (/* reexport */ concreteShape),
  diffSignatures: () => (/* reexport */ diffSignatures),
  formatShape: () => (/* reexport */ formatShape),
  normalizeDType: () => (/* reexport */ normalizeDType),
  parseSignatureText: () => (/* reexport */ parseSignatureText),
  readSignature: () => (/* reexport */ readSignature),
  shapeAccepts: () => (/* reexport */ shapeAccepts)
});

;// CONCATENATED MODULE: ./packages/onnx/src/dtype.ts
const TABLE = [
    { code: 1, name: "float32", bits: 32, kind: "float" },
    { code: 2, name: "uint8", bits: 8, kind: "uint" },
    { code: 3, name: "int8", bits: 8, kind: "int" },
    { code: 4, name: "uint16", bits: 16, kind: "uint" },
    { code: 5, name: "int16", bits: 16, kind: "int" },
    { code: 6, name: "int32", bits: 32, kind: "int" },
    { code: 7, name: "int64", bits: 64, kind: "int" },
    // Strings have no fixed width; they live in string_data, never raw_data.
    { code: 8, name: "string", bits: 0, kind: "string" },
    { code: 9, name: "bool", bits: 8, kind: "bool" },
    { code: 10, name: "float16", bits: 16, kind: "float" },
    { code: 11, name: "float64", bits: 64, kind: "float" },
    { code: 12, name: "uint32", bits: 32, kind: "uint" },
    { code: 13, name: "uint64", bits: 64, kind: "uint" },
    { code: 14, name: "complex64", bits: 64, kind: "complex" },
    { code: 15, name: "complex128", bits: 128, kind: "complex" },
    { code: 16, name: "bfloat16", bits: 16, kind: "float" },
    { code: 17, name: "float8e4m3fn", bits: 8, kind: "float" },
    { code: 18, name: "float8e4m3fnuz", bits: 8, kind: "float" },
    { code: 19, name: "float8e5m2", bits: 8, kind: "float" },
    { code: 20, name: "float8e5m2fnuz", bits: 8, kind: "float" },
    { code: 21, name: "uint4", bits: 4, kind: "uint" },
    { code: 22, name: "int4", bits: 4, kind: "int" },
    { code: 23, name: "float4e2m1", bits: 4, kind: "float" },
    { code: 24, name: "float8e8m0", bits: 8, kind: "float" },
];
const BY_CODE = new Map(TABLE.map((info) => [info.code, info]));
const BY_NAME = new Map(TABLE.map((info) => [info.name, info]));
/** Other spellings users and tools write (numpy's `float`, ONNX's `FLOAT`, `double`, `half`). */
const ALIASES = {
    float: "float32",
    double: "float64",
    half: "float16",
    boolean: "bool",
    str: "string",
};
/** Name for a code; codes outside the table read `undefined` (0) or `dtype(N)`. */
function dtypeName(code) {
    if (code === 0)
        return "undefined";
    return BY_CODE.get(code)?.name ?? `dtype(${code})`;
}
/** Table entry for a code, or undefined. */
function dtypeInfoOfCode(code) {
    return BY_CODE.get(code);
}
/** Table entry for a name (numpy-style, ONNX enum spelling, or a common alias), or undefined. */
function dtypeInfo(name) {
    const lower = name.toLowerCase();
    return BY_NAME.get(ALIASES[lower] ?? lower);
}
/** Code for a name; throws for names ONNX has no element type for. */
function dtypeCode(name) {
    const info = dtypeInfo(name);
    if (!info)
        throw new Error(`unknown ONNX element type "${name}"`);
    return info.code;
}
/** Bytes per element, or null for types that are not a whole number of bytes (strings, 4-bit). */
function bytesPerElement(name) {
    const info = dtypeInfo(name);
    if (!info || info.bits === 0 || info.bits % 8 !== 0)
        return null;
    return info.bits / 8;
}
/** Bytes `count` elements take in raw_data (4-bit types pack two per byte), or null for strings. */
function rawByteLength(name, count) {
    const info = dtypeInfo(name);
    if (!info || info.bits === 0)
        return null;
    return Math.ceil((count * info.bits) / 8);
}
/** Every element type by name, in code order. */
function allDTypes() {
    return TABLE;
}

;// CONCATENATED MODULE: ./packages/contract/src/tensor/dtypes.ts

/** The KServe / Triton v2 protocol's datatype names that differ from numpy's. */
const V2_DATATYPES = {
    fp16: "float16",
    fp32: "float32",
    fp64: "float64",
    bf16: "bfloat16",
    bytes: "string",
};
/**
 * One spelling per element type, so a manifest, an ONNX graph and a serving config compare equal
 * when they mean the same type: `float`, `FLOAT`, `tensor(float)` (ONNX Runtime's spelling) and
 * `FP32` (KServe v2) are all `float32`. Types ONNX does not name (`sequence<float32>`) are kept,
 * lower-cased.
 */
function normalizeDType(dtype) {
    const trimmed = dtype.trim();
    const inner = /^tensor\((.+)\)$/i.exec(trimmed)?.[1] ?? trimmed;
    const lower = inner.toLowerCase();
    return dtypeInfo(V2_DATATYPES[lower] ?? inner)?.name ?? lower;
}

// EXTERNAL MODULE: ./packages/contract/src/tensor/rules.ts
var rules = __webpack_require__(4371);
;// CONCATENATED MODULE: ./packages/contract/src/tensor/shapes.ts
function formatShape(shape) {
    if (shape === null)
        return "unknown";
    return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}
function formatDim(dim) {
    return dim === null ? "unknown" : typeof dim === "number" ? String(dim) : `symbolic ${dim}`;
}
/**
 * Whether a tensor of this concrete shape fits a declared shape: same rank, fixed sizes equal,
 * every occurrence of one symbol the same size, unknown dimensions anything. An unknown rank
 * (null) fits every shape.
 */
function shapeAccepts(declared, concrete) {
    if (declared === null)
        return true;
    if (declared.length !== concrete.length)
        return false;
    const symbols = new Map();
    return declared.every((dim, i) => {
        const size = concrete[i];
        if (typeof dim === "number")
            return dim === size;
        if (typeof dim === "string") {
            const seen = symbols.get(dim);
            if (seen !== undefined)
                return seen === size;
            symbols.set(dim, size);
        }
        return true;
    });
}
/**
 * A concrete shape that fits `declared`, choosing for each symbol (and each unknown dimension)
 * the smallest size that avoids the sizes `avoid` names at its positions, so the result fits
 * `declared` but differs from another side's fixed sizes wherever it can.
 */
function concreteShape(declared, avoid) {
    const avoidBySymbol = new Map();
    declared.forEach((dim, i) => {
        const size = avoid(i);
        if (typeof dim !== "string" || size === undefined)
            return;
        let set = avoidBySymbol.get(dim);
        if (!set) {
            set = new Set();
            avoidBySymbol.set(dim, set);
        }
        set.add(size);
    });
    const smallestNotIn = (set) => {
        let n = 1;
        while (set.has(n))
            n++;
        return n;
    };
    return declared.map((dim, i) => {
        if (typeof dim === "number")
            return dim;
        if (typeof dim === "string")
            return smallestNotIn(avoidBySymbol.get(dim) ?? new Set());
        const size = avoid(i);
        return smallestNotIn(new Set(size === undefined ? [] : [size]));
    });
}

;// CONCATENATED MODULE: ./packages/contract/src/tensor/diff.ts



function normalize(spec) {
    return { ...spec, dtype: normalizeDType(spec.dtype) };
}
/** Same dtype and the same shape up to the names of symbols: what a rename keeps. */
function lookAlike(a, b) {
    if (a.dtype !== b.dtype)
        return false;
    if (a.shape === null || b.shape === null)
        return a.shape === b.shape;
    if (a.shape.length !== b.shape.length)
        return false;
    return a.shape.every((d, i) => {
        const e = b.shape[i];
        return typeof d === "number" || typeof e === "number" ? d === e : true;
    });
}
function example(spec, shape) {
    return { name: spec.name, dtype: spec.dtype, shape };
}
/** A shape for a tensor declared as `shape`; an unknown rank yields a scalar-free rank-1 example. */
function anyShape(shape) {
    return shape === null ? [1] : concreteShape(shape, () => undefined);
}
class SignatureDiff {
    where;
    changes = [];
    constructor(where) {
        this.where = where;
    }
    locate(which, side, name) {
        const places = this.where[which];
        if (!places)
            return undefined;
        const map = side === "input" ? places.inputs : places.outputs;
        return (name === undefined ? undefined : map?.get(name)) ?? places.source;
    }
    report(rule, side, names, message, counterExample) {
        const name = names.head ?? names.base;
        this.changes.push((0,rules/* tensorChange */.wX)(rule, {
            message,
            // A change to the list as a whole (its order) sits at the list.
            path: name === undefined ? `${side}s` : `${side}s/${name}`,
            base: this.locate("base", side, names.base),
            head: this.locate("head", side, names.head),
            counterExample,
        }));
    }
    side(side, baseList, headList) {
        const base = new Map(baseList.map((spec, index) => [spec.name, { spec, index }]));
        const head = new Map(headList.map((spec, index) => [spec.name, { spec, index }]));
        const removed = baseList.filter((s) => !head.has(s.name));
        const added = headList.filter((s) => !base.has(s.name));
        // A rename is a removal and an addition that look alike and have no other look-alike.
        const renamed = new Map();
        for (const r of removed) {
            const candidates = added.filter((a) => lookAlike(r, a));
            if (candidates.length !== 1)
                continue;
            const a = candidates[0];
            if (removed.filter((x) => lookAlike(x, a)).length === 1)
                renamed.set(r.name, a);
        }
        const renamedTo = new Set([...renamed.values()].map((s) => s.name));
        for (const r of removed) {
            const to = renamed.get(r.name);
            if (to)
                this.renamed(side, r, to, headList);
            else
                this.removed(side, r, headList);
        }
        for (const a of added) {
            if (!renamedTo.has(a.name))
                this.added(side, a, baseList, head.get(a.name).index, headList, base);
        }
        for (const b of baseList) {
            const h = head.get(b.name);
            if (h)
                this.compare(side, b, h.spec);
        }
        this.order(side, baseList, headList, head);
    }
    removed(side, spec, headList) {
        if (side === "input") {
            this.report("tensor.input-removed", side, { base: spec.name }, `input ${spec.name} was removed`, {
                direction: "request",
                describes: `a feed of input ${spec.name}, which the head does not have`,
                payload: example(spec, anyShape(spec.shape)),
            });
        }
        else {
            this.report("tensor.output-removed", side, { base: spec.name }, `output ${spec.name} was removed`, {
                direction: "response",
                describes: `a result without output ${spec.name}`,
                payload: { outputs: headList.map((s) => s.name) },
            });
        }
    }
    renamed(side, from, to, headList) {
        const message = `${side} ${from.name} was renamed to ${to.name} (same dtype and shape)`;
        if (side === "input") {
            this.report("tensor.input-renamed", side, { base: from.name, head: to.name }, message, {
                direction: "request",
                describes: `a feed of input ${from.name} under its old name`,
                payload: example(from, anyShape(from.shape)),
            });
        }
        else {
            this.report("tensor.output-renamed", side, { base: from.name, head: to.name }, message, {
                direction: "response",
                describes: `a result without output ${from.name}`,
                payload: { outputs: headList.map((s) => s.name) },
            });
        }
    }
    added(side, spec, baseList, index, headList, base) {
        const what = `${spec.name} (${spec.dtype} ${formatShape(spec.shape)})`;
        if (side === "input") {
            this.report("tensor.input-added", side, { head: spec.name }, `new required input ${what}`, {
                direction: "request",
                describes: `a complete feed for the base, without input ${spec.name}`,
                payload: { inputs: baseList.map((s) => example(s, anyShape(s.shape))) },
            });
            return;
        }
        // Positional clients are only safe if every existing output keeps its position.
        const before = headList.slice(index + 1).some((s) => base.has(s.name));
        if (before) {
            this.report("tensor.output-order-changed", side, { head: spec.name }, `new output ${what} comes before existing outputs, shifting their positions`);
        }
        else {
            this.report("tensor.output-added", side, { head: spec.name }, `new output ${what}`);
        }
    }
    compare(side, b, h) {
        const names = { base: b.name, head: h.name };
        const input = side === "input";
        if (b.dtype !== h.dtype) {
            this.report(input ? "tensor.input-dtype-changed" : "tensor.output-dtype-changed", side, names, `${side} ${h.name}: dtype changed from ${b.dtype} to ${h.dtype}`, input
                ? {
                    direction: "request",
                    describes: `input tensor ${b.name}`,
                    payload: example(b, anyShape(b.shape)),
                }
                : {
                    direction: "response",
                    describes: `output tensor ${h.name}`,
                    payload: example(h, anyShape(h.shape)),
                });
        }
        if (b.shape === null || h.shape === null) {
            if (b.shape !== null) {
                this.report("tensor.shape-became-unknown", side, names, `${side} ${h.name}: shape ${formatShape(b.shape)} is no longer declared`);
            }
            else if (h.shape !== null) {
                this.report(input ? "tensor.input-shape-declared" : "tensor.output-shape-declared", side, names, `${side} ${h.name}: shape is now declared as ${formatShape(h.shape)}`);
            }
            return;
        }
        if (b.shape.length !== h.shape.length) {
            this.report(input ? "tensor.input-rank-changed" : "tensor.output-rank-changed", side, names, `${side} ${h.name}: rank changed from ${b.shape.length} to ${h.shape.length} (${formatShape(b.shape)} → ${formatShape(h.shape)})`, input
                ? {
                    direction: "request",
                    describes: `input tensor ${b.name}`,
                    payload: example(b, anyShape(b.shape)),
                }
                : {
                    direction: "response",
                    describes: `output tensor ${h.name}`,
                    payload: example(h, anyShape(h.shape)),
                });
            return;
        }
        this.dims(side, b, h);
    }
    /** Dimension by dimension, one change per rule listing the dimensions it concerns. */
    dims(side, b, h) {
        const bs = b.shape;
        const hs = h.shape;
        const input = side === "input";
        const found = new Map();
        const add = (rule, text) => {
            const list = found.get(rule) ?? [];
            list.push(text);
            found.set(rule, list);
        };
        bs.forEach((bd, i) => {
            const hd = hs[i];
            if (bd === hd)
                return;
            const from = formatDim(bd);
            const to = formatDim(hd);
            if (typeof bd === "number" && typeof hd === "number") {
                add(input ? "tensor.input-dim-size-changed" : "tensor.output-dim-size-changed", `dim ${i} ${from} → ${to}`);
            }
            else if (typeof bd === "number") {
                add(input ? "tensor.input-dim-relaxed" : "tensor.output-dim-relaxed", `dim ${i} ${from} → ${to}`);
            }
            else if (typeof hd === "number") {
                add(input ? "tensor.input-dim-fixed" : "tensor.output-dim-fixed", `dim ${i} ${from} → ${to}`);
            }
            else {
                add("tensor.dim-symbol-renamed", `dim ${i} ${from} → ${to}`);
            }
        });
        if (found.size === 0)
            return;
        const shapes = `${formatShape(bs)} → ${formatShape(hs)}`;
        for (const [rule, dims] of found) {
            this.report(rule, side, { base: b.name, head: h.name }, `${side} ${h.name}: ${dims.join(", ")} (${shapes})`, this.dimExample(rule, side, b, h));
        }
    }
    /**
     * For a breaking dimension change, a tensor one side allows and the other does not: a feed the
     * base accepts and the head rejects, or a result the head may produce that the base could not.
     * Attached only when it verifies.
     */
    dimExample(rule, side, b, h) {
        const bs = b.shape;
        const hs = h.shape;
        if (side === "input") {
            if (rule !== "tensor.input-dim-size-changed" && rule !== "tensor.input-dim-fixed")
                return undefined;
            const shape = concreteShape(bs, (i) => (typeof hs[i] === "number" ? hs[i] : undefined));
            if (!shapeAccepts(bs, shape) || shapeAccepts(hs, shape))
                return undefined;
            return { direction: "request", describes: `input tensor ${b.name}`, payload: example(b, shape) };
        }
        if (rule !== "tensor.output-dim-size-changed" && rule !== "tensor.output-dim-relaxed")
            return undefined;
        const shape = concreteShape(hs, (i) => (typeof bs[i] === "number" ? bs[i] : undefined));
        if (!shapeAccepts(hs, shape) || shapeAccepts(bs, shape))
            return undefined;
        return { direction: "response", describes: `output tensor ${h.name}`, payload: example(h, shape) };
    }
    /** The tensors present on both sides keep their relative order. */
    order(side, baseList, headList, head) {
        const common = baseList.filter((s) => head.has(s.name)).map((s) => s.name);
        const shared = new Set(common);
        const inHead = headList.filter((s) => shared.has(s.name)).map((s) => s.name);
        if (common.every((name, i) => inHead[i] === name))
            return;
        this.report(side === "input" ? "tensor.input-order-changed" : "tensor.output-order-changed", side, {}, `${side}s changed order: ${common.join(", ")} → ${inHead.join(", ")}`);
    }
}
/**
 * Every change from the base signature to the head, classified by TENSOR_RULES. Inputs are judged
 * as requests (the head must accept every feed the base accepted), outputs as responses (the head
 * must only produce what the base could). `where` supplies file and line for each tensor.
 */
function diffSignatures(base, head, where = {}) {
    const diff = new SignatureDiff(where);
    diff.side("input", base.inputs.map(normalize), head.inputs.map(normalize));
    diff.side("output", base.outputs.map(normalize), head.outputs.map(normalize));
    return diff.changes;
}

;// CONCATENATED MODULE: ./packages/contract/src/tensor/limits.ts
const DEFAULT_SIGNATURE_LIMITS = Object.freeze({
    maxBytes: 4 * 1024 * 1024,
    maxTensors: 10_000,
    maxRank: 64,
    maxNameLength: 4096,
    maxDepth: 64,
    maxAliases: 100,
});
function resolveSignatureLimits(limits = {}) {
    const out = { ...DEFAULT_SIGNATURE_LIMITS };
    for (const key of Object.keys(out)) {
        const value = limits[key];
        if (value === undefined)
            continue;
        if (!(value >= 0))
            throw new RangeError(`signature limit ${key} must be a number >= 0, got ${value}`);
        out[key] = value;
    }
    return out;
}

// EXTERNAL MODULE: ./packages/core/src/errors.ts
var errors = __webpack_require__(7638);
// EXTERNAL MODULE: ./packages/core/src/io.ts
var io = __webpack_require__(2157);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./packages/contract/src/tensor/yaml-guard.ts

const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][-+1-9]*$/;
/**
 * The YAML parser takes quadratic time on pathologically deep input (`[[[[…`, `- - - …`, ever
 * deeper indentation), so nesting is measured first by a linear scan: flow brackets outside quoted
 * scalars and comments, dashes that open sequences on one line, and the stack of indentations.
 * Block scalars (`|`, `>`) are skipped. Each measure is a lower bound of the real depth, so nothing
 * the parser would accept within the limit is refused.
 */
function checkYamlNesting(text, file, maxDepth, lineOffset = 0) {
    let flow = 0;
    let quote = null;
    const indents = [];
    let blockScalarIndent = -1;
    let lineNumber = 0;
    const fail = (column) => {
        throw new errors/* GateError */.ue(`${file} nests deeper than ${maxDepth} levels`, {
            location: { file, line: lineNumber + lineOffset, column },
            hint: "manifests and signature files are shallow; this limit stops runaway or malicious files",
        });
    };
    let start = 0;
    while (start <= text.length) {
        let end = text.indexOf("\n", start);
        if (end === -1)
            end = text.length;
        const line = text.slice(start, end);
        start = end + 1;
        lineNumber++;
        let indent = 0;
        while (line[indent] === " ")
            indent++;
        const blank = indent === line.length || line[indent] === "#" || line[indent] === "\r";
        if (blockScalarIndent >= 0) {
            if (blank || indent > blockScalarIndent)
                continue;
            blockScalarIndent = -1;
        }
        if (!blank && flow === 0 && quote === null) {
            while (indents.length > 0 && indents.at(-1) >= indent)
                indents.pop();
            indents.push(indent);
            if (indents.length > maxDepth)
                fail(indent + 1);
            // `- - - x` opens one sequence per dash.
            let dashes = 0;
            for (let i = indent; i < line.length - 1; i += 2) {
                if ((line[i] === "-" || line[i] === "?") && (line[i + 1] === " " || line[i + 1] === "\t")) {
                    if (++dashes > maxDepth)
                        fail(i + 1);
                    while (line[i + 2] === " ")
                        i++;
                }
                else
                    break;
            }
        }
        // Characters: quotes (which may span lines), comments, flow brackets.
        let previous = " ";
        // End of the line's content before any comment, to spot a block scalar header.
        let contentEnd = line.length;
        for (let i = quote === null ? indent : 0; i < line.length; i++) {
            const c = line[i];
            if (quote) {
                if (c === "\\" && quote === '"')
                    i++;
                else if (c === quote) {
                    if (quote === "'" && line[i + 1] === "'")
                        i++;
                    else
                        quote = null;
                }
                previous = c;
                continue;
            }
            if (c === "#" && (previous === " " || previous === "\t")) {
                contentEnd = i;
                break;
            }
            if ((c === '"' || c === "'") && " \t:-[{,?".includes(previous))
                quote = c;
            else if (c === "[" || c === "{") {
                if (++flow > maxDepth)
                    fail(i + 1);
            }
            else if (c === "]" || c === "}")
                flow = Math.max(0, flow - 1);
            previous = c;
        }
        const tail = line.slice(Math.max(indent, contentEnd - 12), contentEnd).trimEnd();
        if (quote === null && flow === 0 && BLOCK_SCALAR_HEADER.test(tail))
            blockScalarIndent = indent;
    }
}

;// CONCATENATED MODULE: ./packages/contract/src/tensor/parse-text.ts





function formatPath(path) {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
function describe(value) {
    if (value === null)
        return "null";
    if (Array.isArray(value))
        return "a list";
    if (typeof value === "object")
        return "a mapping";
    return JSON.stringify(value) ?? String(value);
}
/** The YAML front matter of a model card (between `---` lines at the top) and the line it starts on. */
function frontMatter(text, file) {
    const lines = text.split("\n");
    if (lines[0]?.trimEnd() !== "---") {
        throw new errors/* GateError */.ue(`model card ${file} has no YAML front matter`, {
            location: { file, line: 1 },
            hint: "a model card starts with a --- line, the YAML metadata (with signature:), and another --- line",
        });
    }
    const close = lines.findIndex((l, i) => i > 0 && (l.trimEnd() === "---" || l.trimEnd() === "..."));
    if (close === -1) {
        throw new errors/* GateError */.ue(`the front matter of model card ${file} is not closed`, {
            location: { file, line: 1 },
            hint: "end the YAML metadata with a --- line",
        });
    }
    return { yaml: lines.slice(1, close).join("\n"), lineOffset: 1 };
}
/** Reads a YAML or JSON document with positions, under the size, nesting and alias limits. */
class PositionedDocument {
    file;
    lineOffset;
    value;
    doc;
    lineCounter = new dist/* LineCounter */.HN();
    constructor(text, file, lineOffset, limits) {
        this.file = file;
        this.lineOffset = lineOffset;
        checkYamlNesting(text, file, limits.maxDepth, lineOffset);
        this.doc = (0,dist/* parseDocument */.Tp)(text, {
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
            const reason = error.message.split("\n", 1)[0].replace(/ at line \d+, column \d+:?$/, "");
            throw new errors/* GateError */.ue(`${file} is not valid YAML: ${reason}`, {
                location: { file, line: pos.line + lineOffset, column: pos.col },
            });
        }
        try {
            this.value = this.doc.toJS({ maxAliasCount: limits.maxAliases });
        }
        catch (e) {
            throw new errors/* GateError */.ue(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, {
                location: { file },
                hint: "the document expands too many aliases",
                cause: e,
            });
        }
    }
    locate(path) {
        const node = this.doc.getIn(path, true);
        const offset = node?.range?.[0];
        if (offset === undefined)
            return { file: this.file };
        const { line, col } = this.lineCounter.linePos(offset);
        return { file: this.file, line: line + this.lineOffset, column: col };
    }
}
class SignatureReader {
    doc;
    limits;
    constructor(doc, limits) {
        this.doc = doc;
        this.limits = limits;
    }
    fail(path, message, hint) {
        throw new errors/* GateError */.ue(`${formatPath(path)}: ${message}`, {
            location: this.doc.locate(path),
            ...(hint ? { hint } : {}),
        });
    }
    name(value, path, what) {
        if (typeof value !== "string" || value.trim() === "") {
            this.fail(path, `${what} must be a non-empty string, got ${describe(value)}`);
        }
        if (value.length > this.limits.maxNameLength) {
            this.fail(path, `${what} is longer than ${this.limits.maxNameLength} characters`);
        }
        return value;
    }
    dim(value, path) {
        if (value === null)
            return null;
        if (typeof value === "number" && Number.isSafeInteger(value) && value >= -1)
            return value === -1 ? null : value;
        if (typeof value === "string" && value.trim() !== "" && value.length <= this.limits.maxNameLength)
            return value;
        return this.fail(path, `a dimension must be a size (an integer >= 0), a symbolic name (a string), or null (-1) for unknown; got ${describe(value)}`);
    }
    tensor(value, path) {
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            this.fail(path, `a tensor must be a mapping with name, dtype and shape, got ${describe(value)}`);
        }
        const entry = value;
        const name = this.name(entry.name, [...path, "name"], "name");
        const dtype = normalizeDType(this.name(entry.dtype, [...path, "dtype"], "dtype"));
        // As in validate-artifact's model card: an omitted shape, like null, means the rank is unknown.
        const shape = entry.shape;
        if (shape === null || shape === undefined)
            return { name, dtype, shape: null };
        if (!Array.isArray(shape))
            this.fail([...path, "shape"], `shape must be a list or null, got ${describe(shape)}`);
        if (shape.length > this.limits.maxRank) {
            this.fail([...path, "shape"], `shape has ${shape.length} dimensions, over the limit of ${this.limits.maxRank}`);
        }
        return { name, dtype, shape: shape.map((d, i) => this.dim(d, [...path, "shape", i])) };
    }
    list(value, path, role) {
        if (!Array.isArray(value))
            this.fail(path, `${role}s must be a list of tensors, got ${describe(value)}`);
        if (value.length > this.limits.maxTensors) {
            this.fail(path, `${value.length} ${role}s, over the limit of ${this.limits.maxTensors}`);
        }
        const specs = [];
        const where = new Map();
        value.forEach((item, i) => {
            const spec = this.tensor(item, [...path, i]);
            if (where.has(spec.name))
                this.fail([...path, i, "name"], `${role} ${spec.name} is declared twice`);
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
function parseSignatureText(text, file, format, partialLimits = {}) {
    const limits = resolveSignatureLimits(partialLimits);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > limits.maxBytes) {
        throw new errors/* GateError */.ue(`${file} is ${bytes} bytes, over the limit of ${limits.maxBytes} bytes for a signature file`, {
            location: { file },
        });
    }
    let yaml = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let lineOffset = 0;
    if (format === "markdown")
        ({ yaml, lineOffset } = frontMatter(yaml, file));
    // JSON gets JSON's own error messages first; the YAML reader then supplies positions.
    if (format === "json")
        (0,io/* parseJsonText */.lk)(yaml, file, "signature file");
    const doc = new PositionedDocument(yaml, file, lineOffset, limits);
    const top = doc.value;
    if (top === null || typeof top !== "object" || Array.isArray(top)) {
        throw new errors/* GateError */.ue(`${file} must be a mapping with a signature`, {
            location: { file, line: 1 + lineOffset },
        });
    }
    const record = top;
    let base;
    if (Object.hasOwn(record, "signature"))
        base = ["signature"];
    else if (Object.hasOwn(record, "inputs") && Object.hasOwn(record, "outputs"))
        base = [];
    else {
        throw new errors/* GateError */.ue(`${file} declares no model signature`, {
            location: { file, line: 1 + lineOffset },
            hint: "add signature: with inputs: and outputs: lists of { name, dtype, shape }",
        });
    }
    const signature = base.length === 0 ? record : record.signature;
    const reader = new SignatureReader(doc, limits);
    if (signature === null || typeof signature !== "object" || Array.isArray(signature)) {
        throw new errors/* GateError */.ue(`signature: must be a mapping with inputs and outputs, got ${describe(signature)}`, {
            location: doc.locate(base),
        });
    }
    const fields = signature;
    for (const key of ["inputs", "outputs"]) {
        if (!Object.hasOwn(fields, key)) {
            throw new errors/* GateError */.ue(`${formatPath([...base, key]) || key} is missing`, {
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

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./packages/onnx/src/limits.ts
const DEFAULT_ONNX_LIMITS = Object.freeze({
    maxBytes: 4 * 1024 ** 3,
    maxNodes: 1_000_000,
    maxGraphDepth: 16,
    maxInitializers: 1_000_000,
    maxStringLength: 64 * 1024 ** 2,
    maxFields: 10_000_000,
});
function resolveLimits(partial) {
    return { ...DEFAULT_ONNX_LIMITS, ...partial };
}

// EXTERNAL MODULE: ./node_modules/protobufjs/light.js
var light = __webpack_require__(365);
var light_default = /*#__PURE__*/__webpack_require__.n(light);
;// CONCATENATED MODULE: ./packages/onnx/src/proto/descriptor.ts
/**
 * The ONNX protobuf schema (onnx.proto / onnx-ml.proto, IR version 11) as a protobufjs JSON
 * descriptor. Field names and numbers follow the official schema, so files written by any ONNX
 * tool decode here and files encoded here load everywhere. Fields added after IR 8 are included:
 * older readers skip them as unknown fields, as protobuf intends.
 */
const optional = (type, id) => ({ type, id });
// onnx.proto is proto2: repeated scalars are unpacked unless marked `[packed = true]`.
const repeated = (type, id, packed = false) => isScalar(type) ? { type, id, rule: "repeated", options: { packed } } : { type, id, rule: "repeated" };
const SCALARS = new Set(["float", "double", "int32", "int64", "uint32", "uint64", "bool"]);
function isScalar(type) {
    return SCALARS.has(type);
}
/** TensorProto.DataType: the element type codes shared by tensors, value types and attributes. */
const DATA_TYPE_CODES = {
    UNDEFINED: 0,
    FLOAT: 1,
    UINT8: 2,
    INT8: 3,
    UINT16: 4,
    INT16: 5,
    INT32: 6,
    INT64: 7,
    STRING: 8,
    BOOL: 9,
    FLOAT16: 10,
    DOUBLE: 11,
    UINT32: 12,
    UINT64: 13,
    COMPLEX64: 14,
    COMPLEX128: 15,
    BFLOAT16: 16,
    FLOAT8E4M3FN: 17,
    FLOAT8E4M3FNUZ: 18,
    FLOAT8E5M2: 19,
    FLOAT8E5M2FNUZ: 20,
    UINT4: 21,
    INT4: 22,
    FLOAT4E2M1: 23,
    FLOAT8E8M0: 24,
};
const ATTRIBUTE_TYPE_CODES = {
    UNDEFINED: 0,
    FLOAT: 1,
    INT: 2,
    STRING: 3,
    TENSOR: 4,
    GRAPH: 5,
    FLOATS: 6,
    INTS: 7,
    STRINGS: 8,
    TENSORS: 9,
    GRAPHS: 10,
    SPARSE_TENSOR: 11,
    SPARSE_TENSORS: 12,
    TYPE_PROTO: 13,
    TYPE_PROTOS: 14,
};
/** TensorProto fields that hold element values, by field number. */
const TENSOR_DATA_FIELDS = {
    float_data: 4,
    int32_data: 5,
    int64_data: 7,
    double_data: 10,
    uint64_data: 11,
};
const messages = {
    Version: {
        values: {
            _START_VERSION: 0,
            IR_VERSION_2017_10_10: 1,
            IR_VERSION_2017_10_30: 2,
            IR_VERSION_2017_11_3: 3,
            IR_VERSION_2019_1_22: 4,
            IR_VERSION_2019_3_18: 5,
            IR_VERSION_2019_9_19: 6,
            IR_VERSION_2020_5_8: 7,
            IR_VERSION_2021_7_30: 8,
            IR_VERSION_2023_5_5: 9,
            IR_VERSION_2024_3_25: 10,
            IR_VERSION: 11,
        },
    },
    OperatorStatus: { values: { EXPERIMENTAL: 0, STABLE: 1 } },
    AttributeProto: {
        fields: {
            name: optional("string", 1),
            ref_attr_name: optional("string", 21),
            doc_string: optional("string", 13),
            type: optional("AttributeType", 20),
            f: optional("float", 2),
            i: optional("int64", 3),
            s: optional("bytes", 4),
            t: optional("TensorProto", 5),
            g: optional("GraphProto", 6),
            sparse_tensor: optional("SparseTensorProto", 22),
            tp: optional("TypeProto", 14),
            floats: repeated("float", 7),
            ints: repeated("int64", 8),
            strings: repeated("bytes", 9),
            tensors: repeated("TensorProto", 10),
            graphs: repeated("GraphProto", 11),
            sparse_tensors: repeated("SparseTensorProto", 23),
            type_protos: repeated("TypeProto", 15),
        },
        nested: { AttributeType: { values: ATTRIBUTE_TYPE_CODES } },
    },
    ValueInfoProto: {
        fields: {
            name: optional("string", 1),
            type: optional("TypeProto", 2),
            doc_string: optional("string", 3),
            metadata_props: repeated("StringStringEntryProto", 4),
        },
    },
    NodeProto: {
        fields: {
            input: repeated("string", 1),
            output: repeated("string", 2),
            name: optional("string", 3),
            op_type: optional("string", 4),
            domain: optional("string", 7),
            overload: optional("string", 8),
            attribute: repeated("AttributeProto", 5),
            doc_string: optional("string", 6),
            metadata_props: repeated("StringStringEntryProto", 9),
            device_configurations: repeated("NodeDeviceConfigurationProto", 10),
        },
    },
    IntIntListEntryProto: {
        fields: { key: optional("int64", 1), value: repeated("int64", 2) },
    },
    NodeDeviceConfigurationProto: {
        fields: {
            configuration_id: optional("string", 1),
            sharding_spec: repeated("ShardingSpecProto", 2),
            pipeline_stage: optional("int32", 3),
        },
    },
    ShardingSpecProto: {
        fields: {
            tensor_name: optional("string", 1),
            device: repeated("int64", 2),
            index_to_device_group_map: repeated("IntIntListEntryProto", 3),
            sharded_dim: repeated("ShardedDimProto", 4),
        },
    },
    ShardedDimProto: {
        fields: { axis: optional("int64", 1), simple_sharding: repeated("SimpleShardedDimProto", 2) },
    },
    SimpleShardedDimProto: {
        fields: {
            dim_value: optional("int64", 1),
            dim_param: optional("string", 2),
            num_shards: optional("int64", 3),
        },
        oneofs: { dim: { oneof: ["dim_value", "dim_param"] } },
    },
    TrainingInfoProto: {
        fields: {
            initialization: optional("GraphProto", 1),
            algorithm: optional("GraphProto", 2),
            initialization_binding: repeated("StringStringEntryProto", 3),
            update_binding: repeated("StringStringEntryProto", 4),
        },
    },
    ModelProto: {
        fields: {
            ir_version: optional("int64", 1),
            opset_import: repeated("OperatorSetIdProto", 8),
            producer_name: optional("string", 2),
            producer_version: optional("string", 3),
            domain: optional("string", 4),
            model_version: optional("int64", 5),
            doc_string: optional("string", 6),
            graph: optional("GraphProto", 7),
            metadata_props: repeated("StringStringEntryProto", 14),
            training_info: repeated("TrainingInfoProto", 20),
            functions: repeated("FunctionProto", 25),
            configuration: repeated("DeviceConfigurationProto", 26),
        },
    },
    DeviceConfigurationProto: {
        fields: {
            name: optional("string", 1),
            num_devices: optional("int32", 2),
            device: repeated("string", 3),
        },
    },
    StringStringEntryProto: {
        fields: { key: optional("string", 1), value: optional("string", 2) },
    },
    TensorAnnotation: {
        fields: {
            tensor_name: optional("string", 1),
            quant_parameter_tensor_names: repeated("StringStringEntryProto", 2),
        },
    },
    GraphProto: {
        fields: {
            node: repeated("NodeProto", 1),
            name: optional("string", 2),
            initializer: repeated("TensorProto", 5),
            sparse_initializer: repeated("SparseTensorProto", 15),
            doc_string: optional("string", 10),
            input: repeated("ValueInfoProto", 11),
            output: repeated("ValueInfoProto", 12),
            value_info: repeated("ValueInfoProto", 13),
            quantization_annotation: repeated("TensorAnnotation", 14),
            metadata_props: repeated("StringStringEntryProto", 16),
        },
    },
    TensorProto: {
        fields: {
            dims: repeated("int64", 1),
            data_type: optional("int32", 2),
            segment: optional("Segment", 3),
            float_data: repeated("float", 4, true),
            int32_data: repeated("int32", 5, true),
            string_data: repeated("bytes", 6),
            int64_data: repeated("int64", 7, true),
            name: optional("string", 8),
            doc_string: optional("string", 12),
            raw_data: optional("bytes", 9),
            external_data: repeated("StringStringEntryProto", 13),
            data_location: optional("DataLocation", 14),
            double_data: repeated("double", 10, true),
            uint64_data: repeated("uint64", 11, true),
            metadata_props: repeated("StringStringEntryProto", 16),
        },
        nested: {
            DataType: { values: DATA_TYPE_CODES },
            Segment: { fields: { begin: optional("int64", 1), end: optional("int64", 2) } },
            DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
        },
    },
    SparseTensorProto: {
        fields: {
            values: optional("TensorProto", 1),
            indices: optional("TensorProto", 2),
            dims: repeated("int64", 3),
        },
    },
    TensorShapeProto: {
        fields: { dim: repeated("Dimension", 1) },
        nested: {
            Dimension: {
                fields: {
                    dim_value: optional("int64", 1),
                    dim_param: optional("string", 2),
                    denotation: optional("string", 3),
                },
                oneofs: { value: { oneof: ["dim_value", "dim_param"] } },
            },
        },
    },
    TypeProto: {
        fields: {
            tensor_type: optional("Tensor", 1),
            sequence_type: optional("Sequence", 4),
            map_type: optional("Map", 5),
            optional_type: optional("Optional", 9),
            sparse_tensor_type: optional("SparseTensor", 8),
            opaque_type: optional("Opaque", 7),
            denotation: optional("string", 6),
        },
        oneofs: {
            value: {
                oneof: [
                    "tensor_type",
                    "sequence_type",
                    "map_type",
                    "optional_type",
                    "sparse_tensor_type",
                    "opaque_type",
                ],
            },
        },
        nested: {
            Tensor: { fields: { elem_type: optional("int32", 1), shape: optional("TensorShapeProto", 2) } },
            Sequence: { fields: { elem_type: optional("TypeProto", 1) } },
            Map: { fields: { key_type: optional("int32", 1), value_type: optional("TypeProto", 2) } },
            Optional: { fields: { elem_type: optional("TypeProto", 1) } },
            SparseTensor: { fields: { elem_type: optional("int32", 1), shape: optional("TensorShapeProto", 2) } },
            Opaque: { fields: { domain: optional("string", 1), name: optional("string", 2) } },
        },
    },
    OperatorSetIdProto: {
        fields: { domain: optional("string", 1), version: optional("int64", 2) },
    },
    FunctionProto: {
        fields: {
            name: optional("string", 1),
            input: repeated("string", 4),
            output: repeated("string", 5),
            attribute: repeated("string", 6),
            attribute_proto: repeated("AttributeProto", 11),
            node: repeated("NodeProto", 7),
            doc_string: optional("string", 8),
            opset_import: repeated("OperatorSetIdProto", 9),
            domain: optional("string", 10),
            overload: optional("string", 13),
            value_info: repeated("ValueInfoProto", 12),
            metadata_props: repeated("StringStringEntryProto", 14),
        },
    },
};
/** The `onnx` package as a protobufjs JSON namespace. */
function descriptor_onnxDescriptor() {
    return { nested: { onnx: { nested: structuredClone(messages) } } };
}
/**
 * The same schema with TensorProto's numeric data fields read as raw packed payloads: decoding
 * then keeps views into the file instead of building a JS number (or Long) per element.
 */
function lazyTensorDataDescriptor() {
    const root = descriptor_onnxDescriptor();
    const tensor = root.nested.onnx.nested.TensorProto;
    for (const [name, id] of Object.entries(TENSOR_DATA_FIELDS)) {
        tensor.fields[name] = { type: "bytes", id, rule: "repeated" };
    }
    return root;
}

;// CONCATENATED MODULE: ./packages/onnx/src/proto/index.ts



// The reflection roots are built on first use: every gate bundles this package, and most never
// read or write a model, so building them at load time would tax every start-up.
let encodeType;
let decodeType;
function modelType(descriptor) {
    const root = light_default().Root.fromJSON(descriptor);
    root.resolveAll();
    return root.lookupType("onnx.ModelProto");
}
/** onnx.ModelProto with the official field types (used to encode). */
function modelProto() {
    encodeType ??= modelType(onnxDescriptor());
    return encodeType;
}
/** onnx.ModelProto as the reader decodes it: tensor element data stays a view into the file. */
function decodeModelProto() {
    decodeType ??= modelType(lazyTensorDataDescriptor());
    return decodeType;
}


;// CONCATENATED MODULE: ./packages/onnx/src/tensor-values.ts
/**
 * Element values of a tensor, read from where the file keeps them: raw_data (little-endian, fixed
 * width) or the typed *_data fields (packed payloads, decoded on demand).
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** The typed array that holds raw elements of a dtype (bit patterns for the small float formats). */
function arrayTypeFor(dtype) {
    switch (dtypeInfo(dtype)?.name) {
        case "float32":
        case "complex64":
            return Float32Array;
        case "float64":
        case "complex128":
            return Float64Array;
        case "int8":
            return Int8Array;
        case "uint8":
        case "bool":
        case "float8e4m3fn":
        case "float8e4m3fnuz":
        case "float8e5m2":
        case "float8e5m2fnuz":
        case "float8e8m0":
        case "int4":
        case "uint4":
        case "float4e2m1":
            return Uint8Array;
        case "int16":
            return Int16Array;
        case "uint16":
        case "float16":
        case "bfloat16":
            return Uint16Array;
        case "int32":
            return Int32Array;
        case "uint32":
            return Uint32Array;
        case "int64":
            return BigInt64Array;
        case "uint64":
            return BigUint64Array;
        default:
            return null;
    }
}
/**
 * Raw little-endian bytes as typed elements: a view when the bytes are aligned for the element
 * width, otherwise a copy. Null for dtypes without a fixed width (strings).
 */
function rawValues(dtype, bytes) {
    const Ctor = arrayTypeFor(dtype);
    if (!Ctor)
        return null;
    const width = Ctor.BYTES_PER_ELEMENT;
    if (bytes.byteLength % width !== 0)
        return null;
    const count = bytes.byteLength / width;
    if (LITTLE_ENDIAN && bytes.byteOffset % width === 0)
        return new Ctor(bytes.buffer, bytes.byteOffset, count);
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    if (!LITTLE_ENDIAN)
        swapBytes(copy, width);
    return new Ctor(copy.buffer, 0, count);
}
function swapBytes(bytes, width) {
    if (width === 1)
        return;
    for (let i = 0; i < bytes.length; i += width)
        bytes.subarray(i, i + width).reverse();
}
/** Which typed field carries a dtype's elements, per onnx.proto. */
function typedFieldFor(dtype) {
    const name = dtypeInfo(dtype)?.name;
    switch (name) {
        case "float32":
        case "complex64":
            return "float_data";
        case "float64":
        case "complex128":
            return "double_data";
        case "int64":
            return "int64_data";
        case "uint32":
        case "uint64":
            return "uint64_data";
        case undefined:
        case "string":
            return null;
        default:
            return "int32_data";
    }
}
/** Number of stored scalars for `count` elements (complex numbers store two, 4-bit types half). */
function storedScalarCount(dtype, count) {
    const info = dtypeInfo(dtype);
    if (info?.kind === "complex")
        return count * 2;
    if (info?.bits === 4)
        return Math.ceil(count / 2);
    return count;
}
/** Packed payloads (and unpacked scalars, as one-element payloads) of a typed data field, decoded. */
function typedValues(dtype, field, chunks) {
    const Ctor = arrayTypeFor(dtype);
    if (!Ctor)
        return null;
    if (field === "float_data" || field === "double_data") {
        const bytes = chunks.length === 1 ? chunks[0] : concat(chunks);
        return rawValues(dtype, bytes);
    }
    const count = chunks.reduce((sum, chunk) => sum + varintCount(chunk), 0);
    const out = new Ctor(count);
    let i = 0;
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
        for (const chunk of chunks) {
            readVarints(chunk, (lo, hi) => {
                const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
                out[i++] = out instanceof BigInt64Array ? BigInt.asIntN(64, value) : value;
            });
        }
    }
    else {
        const target = out;
        // int32_data holds int32 values (sign-extended varints); uint64_data holds uint32 for dtype uint32.
        for (const chunk of chunks) {
            readVarints(chunk, (lo) => {
                target[i++] = lo;
            });
        }
    }
    return out;
}
/** Number of stored scalars in a typed field's chunks, without decoding them. */
function typedCount(field, chunks) {
    if (field === "float_data")
        return chunks.reduce((sum, c) => sum + c.byteLength / 4, 0);
    if (field === "double_data")
        return chunks.reduce((sum, c) => sum + c.byteLength / 8, 0);
    return chunks.reduce((sum, c) => sum + varintCount(c), 0);
}
function concat(chunks) {
    const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.byteLength;
    }
    return out;
}
function varintCount(bytes) {
    let count = 0;
    for (let i = 0; i < bytes.length; i++)
        if ((bytes[i] & 0x80) === 0)
            count++;
    return count;
}
/**
 * Calls `emit(low32, high32)` for each varint. A varint cut off at the end of its payload is
 * dropped (varintCount does not count it either).
 */
function readVarints(bytes, emit) {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (shift < 28)
            lo |= (b & 0x7f) << shift;
        else if (shift === 28) {
            lo |= (b & 0x0f) << 28;
            hi |= (b & 0x7f) >> 4;
        }
        else if (shift < 64)
            hi |= (b & 0x7f) << (shift - 32);
        shift += 7;
        if ((b & 0x80) === 0) {
            emit(lo, hi);
            lo = 0;
            hi = 0;
            shift = 0;
        }
    }
}
/** Expected stored size check: the reason raw bytes do not fit dims × dtype, or null. */
function rawSizeProblem(dtype, elementCount, byteLength) {
    const expected = rawByteLength(dtype, elementCount);
    if (expected === null)
        return `element type ${dtype} cannot be stored as raw bytes`;
    if (expected !== byteLength)
        return `holds ${byteLength} bytes, expected ${expected} for ${elementCount} ${dtype}`;
    return null;
}

;// CONCATENATED MODULE: ./packages/onnx/src/wire-scan.ts
/**
 * A pass over the protobuf wire format before decoding: it checks the framing (every length fits
 * its enclosing message, wire types are valid) and counts what decoding would allocate, so a
 * hostile or truncated file is refused with its byte offset before protobufjs builds anything.
 */


/** Message nesting the scan allows; below protobufjs's own recursion limit (100). */
const MAX_MESSAGE_DEPTH = 64;
const FIXED32 = new Set(["float", "fixed32", "sfixed32"]);
const FIXED64 = new Set(["double", "fixed64", "sfixed64"]);
const VARINT = new Set(["int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool"]);
/** Bytes fields that carry text in ONNX (AttributeProto.s and .strings). */
const TEXT_BYTES = new Set(["onnx.AttributeProto.s", "onnx.AttributeProto.strings"]);
const cache = new WeakMap();
function scanTypeOf(type) {
    const known = cache.get(type);
    if (known)
        return known;
    const scan = { name: type.fullName.replace(/^\./, ""), fields: new Map() };
    cache.set(type, scan);
    for (const field of type.fieldsArray) {
        field.resolve();
        const entry = {
            name: field.name,
            repeated: field.repeated,
            text: field.type === "string" || TEXT_BYTES.has(`${scan.name}.${field.name}`),
        };
        if (field.resolvedType instanceof (light_default()).Type)
            entry.message = scanTypeOf(field.resolvedType);
        else if (field.repeated && field.resolvedType === null) {
            if (FIXED32.has(field.type))
                entry.packed = "fixed32";
            else if (FIXED64.has(field.type))
                entry.packed = "fixed64";
            else if (VARINT.has(field.type))
                entry.packed = "varint";
        }
        else if (field.repeated && field.resolvedType instanceof (light_default()).Enum)
            entry.packed = "varint";
        scan.fields.set(field.id, entry);
    }
    return scan;
}
class ScanFailure extends Error {
    reason;
    offset;
    hint;
    constructor(reason, offset, hint) {
        super(reason);
        this.reason = reason;
        this.offset = offset;
        this.hint = hint;
    }
}
/**
 * Walk `bytes` as a `rootType` message. Throws a GateError naming `source`, the byte offset and the
 * field path when the framing is broken or a limit is exceeded; returns what it counted otherwise.
 */
function scanWire(bytes, rootType, limits, source) {
    const reader = light_default().Reader.create(bytes);
    const counts = { nodes: 0, initializers: 0, fields: 0, maxGraphDepth: 0 };
    // The field path being scanned, for messages: graph.node[3].attribute[0].g
    const path = [];
    let fieldStart = 0;
    const fail = (reason, hint) => {
        throw new ScanFailure(reason, fieldStart, hint);
    };
    const scanMessage = (type, end, depth, graphDepth) => {
        let indices;
        while (reader.pos < end) {
            fieldStart = reader.pos;
            const tag = reader.uint32();
            const id = tag >>> 3;
            const wireType = tag & 7;
            if (id === 0)
                fail("field number 0 (not a protobuf message)");
            if (++counts.fields > limits.maxFields) {
                fail(`more than ${limits.maxFields} protobuf values`, "raise limits.maxFields if the model is genuine");
            }
            const field = type.fields.get(id);
            switch (wireType) {
                case 0:
                    reader.skip();
                    break;
                case 1:
                    reader.skip(8);
                    break;
                case 5:
                    reader.skip(4);
                    break;
                case 2: {
                    const length = reader.uint32();
                    const start = reader.pos;
                    if (length > end - start) {
                        const name = field ? `${type.name}.${field.name}` : `${type.name} field ${id}`;
                        fail(`${name} declares ${length} bytes but only ${end - start} remain (truncated file?)`);
                    }
                    if (field?.message) {
                        if (field.repeated && !indices)
                            indices = new Map();
                        const index = indices && field.repeated ? nextIndex(indices, id) : -1;
                        path.push({ name: field.name, index });
                        enterMessage(type, field, field.message, depth, graphDepth);
                        const nextGraphDepth = field.message.name === "onnx.GraphProto" ? graphDepth + 1 : graphDepth;
                        scanMessage(field.message, start + length, depth + 1, nextGraphDepth);
                        path.pop();
                    }
                    else {
                        if (field?.text && length > limits.maxStringLength) {
                            fail(`${type.name}.${field.name} is ${length} bytes, over the limit of ${limits.maxStringLength}`, "raise limits.maxStringLength if the model is genuine");
                        }
                        if (field?.packed) {
                            counts.fields += packedCount(bytes, start, length, field.packed);
                            if (counts.fields > limits.maxFields) {
                                fail(`more than ${limits.maxFields} protobuf values`, "raise limits.maxFields if the model is genuine");
                            }
                        }
                        reader.pos = start + length;
                    }
                    break;
                }
                case 3:
                    // Groups are never used by ONNX; protobufjs skips them as unknown fields, so does the scan.
                    reader.skipType(3, depth, id);
                    break;
                case 4:
                    fail("end-group marker without a group");
                    break;
                default:
                    fail(`invalid wire type ${wireType} (not a protobuf message)`);
            }
            if (reader.pos > end)
                fail(`a field of ${type.name} runs past the end of its message`);
        }
    };
    const enterMessage = (parent, field, child, depth, graphDepth) => {
        if (depth + 1 > MAX_MESSAGE_DEPTH)
            fail(`messages nested more than ${MAX_MESSAGE_DEPTH} deep`);
        if (child.name === "onnx.NodeProto" && ++counts.nodes > limits.maxNodes) {
            fail(`more than ${limits.maxNodes} nodes`, "raise limits.maxNodes if the model is genuine");
        }
        if (parent.name === "onnx.GraphProto" &&
            (field.name === "initializer" || field.name === "sparse_initializer") &&
            ++counts.initializers > limits.maxInitializers) {
            fail(`more than ${limits.maxInitializers} initializers`, "raise limits.maxInitializers if the model is genuine");
        }
        if (child.name === "onnx.GraphProto") {
            const nested = graphDepth + 1;
            if (nested > limits.maxGraphDepth) {
                fail(`graphs nested more than ${limits.maxGraphDepth} deep`, "raise limits.maxGraphDepth if the model is genuine");
            }
            counts.maxGraphDepth = Math.max(counts.maxGraphDepth, nested);
        }
    };
    try {
        scanMessage(scanTypeOf(rootType), bytes.length, 0, 0);
    }
    catch (e) {
        const where = path.map((p) => (p.index >= 0 ? `${p.name}[${p.index}]` : p.name)).join(".");
        const inside = where ? ` (in ${where})` : "";
        if (e instanceof ScanFailure) {
            throw new errors/* GateError */.ue(`${source}: not a valid ONNX file at byte offset ${e.offset}${inside}: ${e.reason}`, {
                location: { file: source },
                ...(e.hint ? { hint: e.hint } : { hint: "the file is truncated, corrupted or not an ONNX model" }),
            });
        }
        // protobufjs's own reader errors: a varint or fixed-width value cut off by the end of the data.
        const reason = e instanceof Error ? e.message : String(e);
        throw new errors/* GateError */.ue(`${source}: not a valid ONNX file at byte offset ${fieldStart}${inside}: ${reason}`, {
            location: { file: source },
            hint: "the file is truncated, corrupted or not an ONNX model",
            cause: e,
        });
    }
    return counts;
}
function nextIndex(indices, id) {
    const index = indices.get(id) ?? 0;
    indices.set(id, index + 1);
    return index;
}
/** How many values protobufjs will create from a packed payload. */
function packedCount(bytes, start, length, kind) {
    if (kind === "fixed32")
        return Math.ceil(length / 4);
    if (kind === "fixed64")
        return Math.ceil(length / 8);
    let count = 0;
    const end = start + length;
    for (let i = start; i < end; i++)
        if ((bytes[i] & 0x80) === 0)
            count++;
    return count;
}

;// CONCATENATED MODULE: ./packages/onnx/src/decode.ts






/**
 * Decode an ONNX model held in memory. Element data is not copied: tensors keep views into `bytes`,
 * so the caller keeps `bytes` alive as long as it reads tensor values. `source` names the file in
 * errors. Every failure is a GateError naming `source` and, for broken framing, the byte offset.
 */
function decodeOnnxModel(bytes, source, options = {}) {
    const limits = resolveLimits(options.limits);
    if (bytes.byteLength > limits.maxBytes) {
        throw new errors/* GateError */.ue(`${source} is ${bytes.byteLength} bytes, over the limit of ${limits.maxBytes} bytes`, {
            location: { file: source },
            hint: "raise limits.maxBytes, or store large weights as external data",
        });
    }
    if (bytes.byteLength === 0) {
        throw new errors/* GateError */.ue(`${source} is empty, not an ONNX model`, { location: { file: source } });
    }
    // A Buffer view (no copy) gets protobufjs's Buffer reader: native UTF-8 and Buffer slices.
    const buffer = Buffer.isBuffer(bytes)
        ? bytes
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    scanWire(buffer, decodeModelProto(), limits, source);
    let message;
    try {
        const reader = light_default().Reader.create(buffer);
        // Unpacked element data is legal protobuf: keep it (as views) instead of dropping values.
        reader.discardUnknown = false;
        message = decodeModelProto().decode(reader);
    }
    catch (e) {
        throw new errors/* GateError */.ue(`${source}: not a valid ONNX file: ${e instanceof Error ? e.message : String(e)}`, {
            location: { file: source },
            hint: "the file is truncated, corrupted or not an ONNX model",
            cause: e,
        });
    }
    return toModel(message, source, buffer.byteLength);
}
function toModel(m, source, byteLength) {
    if (!m.graph) {
        throw new errors/* GateError */.ue(`${source}: not an ONNX model: it has no graph (ModelProto field 7)`, {
            location: { file: source },
            hint: "give the .onnx file itself, not another protobuf file",
        });
    }
    const irVersion = toNumber(m.ir_version);
    if (irVersion <= 0) {
        throw new errors/* GateError */.ue(`${source}: not an ONNX model: ir_version (ModelProto field 1) is missing`, {
            location: { file: source },
            hint: "give the .onnx file itself, not another protobuf file",
        });
    }
    return {
        irVersion,
        opsetImports: m.opset_import.map((o) => ({ domain: o.domain, version: toNumber(o.version) })),
        producerName: m.producer_name,
        producerVersion: m.producer_version,
        domain: m.domain,
        modelVersion: toNumber(m.model_version),
        docString: m.doc_string,
        metadata: entriesToRecord(m.metadata_props),
        graph: toGraph(m.graph, source),
        functions: m.functions.map((f) => ({ domain: f.domain, name: f.name })),
        byteLength,
    };
}
function toGraph(g, source) {
    return {
        name: g.name,
        inputs: g.input.map((v) => ({ name: v.name, type: toType(v.type) })),
        outputs: g.output.map((v) => ({ name: v.name, type: toType(v.type) })),
        initializers: g.initializer.map((t) => toTensorInfo(t, source)),
        sparseInitializers: g.sparse_initializer.map(toSparseInfo),
        nodes: g.node.map((n) => toNode(n, source)),
    };
}
function toNode(n, source) {
    const subgraphs = [];
    for (const a of n.attribute) {
        if (a.g)
            subgraphs.push(toGraph(a.g, source));
        for (const g of a.graphs)
            subgraphs.push(toGraph(g, source));
    }
    return {
        name: n.name,
        opType: n.op_type,
        domain: n.domain,
        inputs: [...n.input],
        outputs: [...n.output],
        attributes: n.attribute.map(toAttribute),
        subgraphs,
    };
}
const ATTRIBUTE_TYPE_NAMES = new Map(Object.entries(ATTRIBUTE_TYPE_CODES).map(([name, code]) => [code, name.toLowerCase()]));
const utf8 = new TextDecoder("utf-8");
function toAttribute(a) {
    const type = ATTRIBUTE_TYPE_NAMES.get(a.type) ?? `attribute(${a.type})`;
    const out = { name: a.name, type };
    switch (type) {
        case "float":
            out.value = a.f;
            break;
        case "int":
            out.value = toNumber(a.i);
            break;
        case "string":
            out.value = utf8.decode(a.s);
            break;
        case "floats":
            out.value = [...a.floats];
            break;
        case "ints":
            out.value = a.ints.map(toNumber);
            break;
        case "strings":
            out.value = a.strings.map((s) => utf8.decode(s));
            break;
    }
    return out;
}
function toType(t) {
    if (!t)
        return { kind: "unknown" };
    if (t.tensor_type) {
        return { kind: "tensor", dtype: dtypeName(t.tensor_type.elem_type), shape: toShape(t.tensor_type.shape) };
    }
    if (t.sparse_tensor_type) {
        const s = t.sparse_tensor_type;
        return { kind: "sparse_tensor", dtype: dtypeName(s.elem_type), shape: toShape(s.shape) };
    }
    if (t.sequence_type)
        return { kind: "sequence", elem: toType(t.sequence_type.elem_type) };
    if (t.map_type)
        return { kind: "map", key: dtypeName(t.map_type.key_type), value: toType(t.map_type.value_type) };
    if (t.optional_type)
        return { kind: "optional", elem: toType(t.optional_type.elem_type) };
    return { kind: "unknown" };
}
function toShape(shape) {
    if (!shape)
        return null;
    return shape.dim.map((d) => {
        if (d.value === "dim_value" && d.dim_value !== undefined)
            return toNumber(d.dim_value);
        if (d.value === "dim_param" && d.dim_param)
            return d.dim_param;
        return null;
    });
}
function toSparseInfo(s) {
    const values = s.values;
    return {
        name: values?.name ?? "",
        dtype: dtypeName(values?.data_type ?? 0),
        dims: s.dims.map(toNumber),
        nnz: values ? elementCountOf(values.dims.map(toNumber)) : 0,
    };
}
function elementCountOf(dims) {
    let count = 1;
    for (const d of dims) {
        if (!(d >= 0))
            return 0;
        count *= d;
    }
    return count;
}
const DATA_FIELD_BY_ID = new Map(Object.entries(TENSOR_DATA_FIELDS).map(([name, id]) => [id, name]));
/** Typed data chunks by field: packed payloads plus unpacked scalars recovered from unknown fields. */
function dataChunks(t) {
    const chunks = new Map();
    for (const name of DATA_FIELD_BY_ID.values())
        if (t[name].length > 0)
            chunks.set(name, [...t[name]]);
    for (const raw of t.$unknowns ?? []) {
        const reader = light_default().Reader.create(raw);
        const tag = reader.uint32();
        const field = DATA_FIELD_BY_ID.get(tag >>> 3);
        if (!field || (tag & 7) === 2)
            continue;
        // One unpacked scalar has the same bytes as a one-element packed payload.
        const list = chunks.get(field) ?? [];
        list.push(raw.subarray(reader.pos));
        chunks.set(field, list);
    }
    return chunks;
}
function toTensorInfo(t, source) {
    const name = t.name;
    const dtype = dtypeName(t.data_type);
    const dims = t.dims.map(toNumber);
    const elementCount = elementCountOf(dims);
    const chunks = dataChunks(t);
    const raw = t.raw_data && t.raw_data.byteLength > 0 ? t.raw_data : undefined;
    let dataLocation;
    let external;
    let byteLength;
    if (t.data_location === 1) {
        dataLocation = "external";
        external = toExternal(t.external_data);
        byteLength = external.length ?? rawByteLength(dtype, elementCount) ?? 0;
    }
    else if (raw) {
        dataLocation = "raw";
        byteLength = raw.byteLength;
    }
    else if (chunks.size > 0 || t.string_data.length > 0) {
        dataLocation = "typed";
        byteLength =
            dtype === "string"
                ? t.string_data.reduce((sum, s) => sum + s.byteLength, 0)
                : (rawByteLength(dtype, elementCount) ?? 0);
    }
    else {
        dataLocation = "empty";
        byteLength = 0;
    }
    const problem = () => {
        if (dims.some((d) => !(d >= 0)))
            return `has a negative dimension in [${dims.join(", ")}]`;
        if (dtype === "undefined" || dtype.startsWith("dtype("))
            return `has no valid element type (${dtype})`;
        switch (dataLocation) {
            case "external":
                return external?.location ? null : "is marked external but names no location";
            case "raw": {
                const reason = rawSizeProblem(dtype, elementCount, raw.byteLength);
                return reason ? `raw_data ${reason}` : null;
            }
            case "typed": {
                if (dtype === "string") {
                    return t.string_data.length === elementCount
                        ? null
                        : `string_data holds ${t.string_data.length} strings, expected ${elementCount}`;
                }
                const field = typedFieldFor(dtype);
                if (!field || !chunks.has(field)) {
                    return `stores its elements in ${[...chunks.keys()].join(", ") || "string_data"}, expected ${field ?? "raw_data"}`;
                }
                const expected = storedScalarCount(dtype, elementCount);
                const got = typedCount(field, chunks.get(field));
                return got === expected
                    ? null
                    : `${field} holds ${got} values, expected ${expected} for dims [${dims.join(", ")}]`;
            }
            case "empty":
                return elementCount === 0 ? null : `has no data for its ${elementCount} elements`;
        }
    };
    const tensorError = (reason) => new errors/* GateError */.ue(`${source}: tensor "${name}" ${reason}`, {
        location: { file: source },
        hint: "re-export the model; the file is corrupted or was written by a faulty tool",
    });
    const values = () => {
        const reason = problem();
        if (reason)
            throw tensorError(reason);
        switch (dataLocation) {
            case "raw":
                return rawValues(dtype, raw);
            case "typed": {
                const field = typedFieldFor(dtype);
                return field ? typedValues(dtype, field, chunks.get(field) ?? []) : null;
            }
            case "empty": {
                const Ctor = arrayTypeFor(dtype);
                return Ctor ? new Ctor(0) : null;
            }
            default:
                return null;
        }
    };
    return {
        name,
        dtype,
        dims,
        elementCount,
        dataLocation,
        ...(external ? { external } : {}),
        byteLength,
        values,
        rawBytes: () => {
            if (dataLocation !== "raw")
                return null;
            const reason = problem();
            if (reason)
                throw tensorError(reason);
            return raw;
        },
        dataProblem: problem,
    };
}
function toExternal(entries) {
    const record = entriesToRecord(entries);
    const out = { location: record["location"] ?? "", entries: record };
    const offset = parseCount(record["offset"]);
    const length = parseCount(record["length"]);
    if (offset !== undefined)
        out.offset = offset;
    if (length !== undefined)
        out.length = length;
    if (record["checksum"] !== undefined)
        out.checksum = record["checksum"];
    return out;
}
/** A non-negative decimal integer as ONNX writes offsets and lengths; undefined otherwise. */
function parseCount(text) {
    if (text === undefined || !/^\d{1,16}$/.test(text.trim()))
        return undefined;
    return Number(text.trim());
}
/** metadata_props and external_data as a record; null prototype so `__proto__` is just a key. */
function entriesToRecord(entries) {
    const record = Object.create(null);
    for (const e of entries)
        record[e.key] = e.value;
    return record;
}
function toNumber(value) {
    if (value === undefined || value === null)
        return 0;
    return typeof value === "number" ? value : value.toNumber();
}

;// CONCATENATED MODULE: ./packages/onnx/src/read.ts




/**
 * Read and decode an .onnx file. The file is read once into one buffer that the decoded model's
 * tensors view, so memory stays near the file size.
 */
async function readOnnxModel(path, options = {}) {
    const limits = resolveLimits({
        ...options.limits,
        ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    });
    const bytes = await readModelBytes(path, limits.maxBytes);
    return decodeOnnxModel(bytes, path, { limits });
}
/** The whole file in one Buffer, refusing files over `maxBytes` before reading anything. */
async function readModelBytes(path, maxBytes) {
    let size;
    try {
        const info = await (0,promises_.stat)(path);
        if (!info.isFile())
            throw new errors/* GateError */.ue(`ONNX model ${path} is not a regular file`, { location: { file: path } });
        size = info.size;
    }
    catch (e) {
        if (e instanceof errors/* GateError */.ue)
            throw e;
        throw fileError(path, e);
    }
    if (size > maxBytes) {
        throw new errors/* GateError */.ue(`ONNX model ${path} is ${size} bytes, over the limit of ${maxBytes} bytes`, {
            location: { file: path },
            hint: "raise the size limit, or store large weights as external data",
        });
    }
    // fs.readFile stops at 2 GiB; reading in chunks into one buffer works up to Buffer's maximum.
    const buffer = Buffer.allocUnsafe(size);
    let handle;
    try {
        handle = await (0,promises_.open)(path, "r");
        let filled = 0;
        while (filled < size) {
            const { bytesRead } = await handle.read(buffer, filled, Math.min(size - filled, 64 * 1024 ** 2), filled);
            if (bytesRead === 0)
                break;
            filled += bytesRead;
        }
        if (filled < size) {
            throw new errors/* GateError */.ue(`ONNX model ${path} shrank while it was read (${filled} of ${size} bytes)`, {
                location: { file: path },
            });
        }
    }
    catch (e) {
        if (e instanceof errors/* GateError */.ue)
            throw e;
        throw fileError(path, e);
    }
    finally {
        await handle?.close();
    }
    return buffer;
}
function fileError(path, e) {
    const code = e.code;
    return new errors/* GateError */.ue(code === "ENOENT" ? `ONNX model not found: ${path}` : `cannot read ONNX model ${path}: ${code ?? e}`, {
        location: { file: path },
        ...(code === "ENOENT"
            ? { hint: "check the path (relative paths start at the working directory)" }
            : {}),
        cause: e,
    });
}

;// CONCATENATED MODULE: ./packages/onnx/src/signature.ts
/**
 * The tensors a caller feeds and receives. Graph inputs backed by an initializer are constants
 * with a default (IR < 4 lists every weight as an input), so they are not part of the signature.
 */
function signatureOf(model) {
    const constants = new Set([
        ...model.graph.initializers.map((t) => t.name),
        ...model.graph.sparseInitializers.map((t) => t.name),
    ]);
    return {
        inputs: model.graph.inputs.filter((v) => !constants.has(v.name)).map((v) => specOf(v.name, v.type)),
        outputs: model.graph.outputs.map((v) => specOf(v.name, v.type)),
    };
}
function specOf(name, type) {
    const shape = type.kind === "tensor" || type.kind === "sparse_tensor" ? type.shape : null;
    return { name, dtype: describeType(type), shape: shape ? [...shape] : null };
}
/**
 * A value type as one dtype string: the element type for tensors, otherwise a readable nesting
 * such as `sequence<float32>`, `map<int64,float32>` or `sequence<map<string,float32>>`.
 */
function describeType(type) {
    switch (type.kind) {
        case "tensor":
            return type.dtype;
        case "sparse_tensor":
            return `sparse_tensor<${type.dtype}>`;
        case "sequence":
            return `sequence<${describeType(type.elem)}>`;
        case "map":
            return `map<${type.key},${describeType(type.value)}>`;
        case "optional":
            return `optional<${describeType(type.elem)}>`;
        case "unknown":
            return "unknown";
    }
}

;// CONCATENATED MODULE: ./packages/contract/src/tensor/read.ts






const TEXT_FORMATS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
};
/** Read at most `maxBytes + 1` bytes, so an oversized file is refused without reading it all. */
async function readText(path, maxBytes) {
    const handle = await (0,promises_.open)(path, "r").catch((e) => {
        throw new errors/* GateError */.ue(e.code === "ENOENT"
            ? `signature file not found: ${path}`
            : `cannot read ${path}: ${e.code ?? String(e)}`, { hint: "check the path (relative paths start at the working directory)", cause: e });
    });
    try {
        const info = await handle.stat();
        if (!info.isFile())
            throw new errors/* GateError */.ue(`${path} is not a regular file`, { location: { file: path } });
        if (info.size > maxBytes) {
            throw new errors/* GateError */.ue(`${path} is ${info.size} bytes, over the limit of ${maxBytes} bytes for a signature file`, {
                location: { file: path },
            });
        }
        // One byte more than the size: a file that grows while being read is noticed, not truncated.
        const buffer = Buffer.alloc(info.size + 1);
        let length = 0;
        while (length < buffer.length) {
            const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
            if (bytesRead === 0)
                break;
            length += bytesRead;
        }
        if (length !== info.size)
            throw new errors/* GateError */.ue(`${path} changed while it was read`, { location: { file: path } });
        const bytes = buffer.subarray(0, length);
        const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
        if (text.includes("\uFFFD") || bytes.includes(0)) {
            throw new errors/* GateError */.ue(`${path} is not UTF-8 text`, {
                location: { file: path },
                hint: "a signature is read from .onnx models, or from .yaml, .json or .md (model card) text files",
            });
        }
        return text;
    }
    finally {
        await handle.close();
    }
}
/**
 * The signature of a model from an .onnx file (graph inputs and outputs, initializers excluded),
 * a manifest or model card (`signature:` in YAML or front matter), or validate-artifact's JSON.
 * Files of other extensions are read as text (YAML) when they are text, otherwise as ONNX.
 */
async function readSignature(path, options = {}) {
    const limits = resolveSignatureLimits(options.limits);
    const ext = (0,external_node_path_.extname)(path).toLowerCase();
    const format = TEXT_FORMATS[ext];
    if (ext === ".onnx")
        return readOnnxSignature(path, options);
    if (format)
        return parseSignatureText(await readText(path, limits.maxBytes), path, format, limits);
    let text;
    try {
        text = await readText(path, limits.maxBytes);
    }
    catch (e) {
        // Binary or large: only an ONNX model can be that.
        if (e instanceof errors/* GateError */.ue && /not UTF-8 text|over the limit/.test(e.message))
            return readOnnxSignature(path, options);
        throw e;
    }
    return parseSignatureText(text, path, text.trimStart().startsWith("{") ? "json" : "yaml", limits);
}
async function readOnnxSignature(path, options) {
    const model = await readOnnxModel(path, options.onnx);
    return { signature: signatureOf(model), kind: "onnx", source: { file: path } };
}

;// CONCATENATED MODULE: ./packages/contract/src/tensor/index.ts









/***/ }),

/***/ 365:
/***/ ((module, __unused_webpack_exports, __webpack_require__) => {

// light library entry point.


module.exports = __webpack_require__(7253);

/***/ })

};
