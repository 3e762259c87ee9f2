export const id = 329;
export const ids = [329];
export const modules = {

/***/ 5329:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_PROTO_LIMITS: () => (/* reexport */ DEFAULT_PROTO_LIMITS),
  PROTO_RULES: () => (/* reexport */ rules/* PROTO_RULES */.H),
  diffProto: () => (/* reexport */ diffProto),
  diffProtoModels: () => (/* reexport */ diffProtoModels),
  loadProtoSource: () => (/* reexport */ loadProtoSource),
  readProtoModel: () => (/* reexport */ readProtoModel)
});

// EXTERNAL MODULE: ./packages/core/src/errors.ts
var errors = __webpack_require__(7638);
// EXTERNAL MODULE: ./node_modules/protobufjs/index.js
var protobufjs = __webpack_require__(1853);
var protobufjs_default = /*#__PURE__*/__webpack_require__.n(protobufjs);
// EXTERNAL MODULE: ./node_modules/protobufjs/google/api/annotations.json
var annotations = __webpack_require__(7591);
// EXTERNAL MODULE: ./node_modules/protobufjs/google/api/http.json
var http = __webpack_require__(6327);
// EXTERNAL MODULE: ./node_modules/protobufjs/google/protobuf/api.json
var api = __webpack_require__(5434);
// EXTERNAL MODULE: ./node_modules/protobufjs/google/protobuf/descriptor.json
var descriptor = __webpack_require__(3951);
// EXTERNAL MODULE: ./node_modules/protobufjs/google/protobuf/source_context.json
var source_context = __webpack_require__(2939);
// EXTERNAL MODULE: ./node_modules/protobufjs/google/protobuf/type.json
var type = __webpack_require__(6710);
;// CONCATENATED MODULE: ./packages/contract/src/proto/bundled.ts







const EXTRA = {
    "google/protobuf/descriptor.proto": [descriptor],
    "google/protobuf/api.proto": [api],
    "google/protobuf/type.proto": [type],
    "google/protobuf/source_context.proto": [source_context],
    // The HTTP annotations extend MethodOptions, so the full descriptor goes in first.
    "google/api/annotations.proto": [descriptor, annotations, http],
    "google/api/http.proto": [http],
};
/** Definitions shipped with protobufjs for a well-known import, or undefined when it is not one. */
function bundledDefinitions(importPath) {
    const extra = EXTRA[importPath];
    if (extra)
        return extra;
    const common = (protobufjs_default()).common[importPath];
    return importPath.startsWith("google/protobuf/") && common && typeof common === "object"
        ? [common]
        : undefined;
}
function isPlainNamespace(json) {
    return Object.keys(json).every((key) => key === "nested" || key === "options");
}
/**
 * Add bundled definitions, skipping those already present: the bundled files overlap (several
 * carry their own copy of a shared type), and a user's file may be imported alongside them.
 */
function addBundled(target, json) {
    for (const [name, def] of Object.entries(json.nested ?? {})) {
        const existing = target.get(name);
        const record = def;
        if (isPlainNamespace(record)) {
            const child = existing instanceof (protobufjs_default()).Namespace ? existing : existing ? null : target.define(name);
            if (child)
                addBundled(child, def);
        }
        else if (!existing) {
            target.addJSON({ [name]: def });
        }
    }
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/scan.ts


const KNOWN_SYNTAX = new Set(["proto2", "proto3"]);
function join(prefix, name) {
    return prefix === "" ? name : `${prefix}.${name}`;
}
/**
 * The protobuf parser does not keep positions, so this walks the same token stream (protobufjs's own
 * tokenizer, which knows comments and strings) statement by statement and notes where each
 * declaration starts. It also enforces the nesting and declaration limits before the real parse.
 */
function scanProtoFile(text, file, limits) {
    const tn = protobufjs_default().tokenize(text, false);
    const out = { syntax: "proto2", package: "", imports: [], lines: new Map() };
    const scopes = [{ kind: "file", path: "" }];
    let depth = 0;
    let declarations = 0;
    const fail = (message, line, hint) => {
        throw new errors/* GateError */.ue(message, { location: { file, line }, ...(hint ? { hint } : {}) });
    };
    const raw = () => {
        try {
            return tn.next();
        }
        catch (e) {
            // Unterminated strings and comments: the tokenizer's message names the line.
            const reason = e instanceof Error ? e.message.replace(/\s*\(line \d+\)$/, "") : String(e);
            return fail(`cannot read ${file}: ${reason}`, tn.line);
        }
    };
    const next = () => {
        const text = raw();
        if (text === null)
            return null;
        const line = tn.line;
        if (text === '"' || text === "'") {
            // The tokenizer hands out a string literal as quote, contents, quote.
            const contents = raw();
            raw();
            return { text: contents ?? "", literal: true, line };
        }
        return { text, literal: false, line };
    };
    const open = (line) => {
        depth++;
        if (depth > limits.maxDepth) {
            fail(`${file} nests deeper than ${limits.maxDepth} levels`, line, "protoc refuses messages nested more than 32 deep; these limits stop runaway or malicious files");
        }
    };
    const record = (path, line) => {
        declarations++;
        if (declarations > limits.maxDeclarations) {
            fail(`${file} declares more than ${limits.maxDeclarations} elements`, line);
        }
        if (!out.lines.has(path))
            out.lines.set(path, line);
    };
    for (;;) {
        const first = next();
        if (first === null)
            break;
        const scope = scopes.at(-1);
        if (!first.literal && first.text === "}") {
            if (scopes.length > 1)
                scopes.pop();
            depth = Math.max(0, depth - 1);
            continue;
        }
        if (!first.literal && first.text === ";")
            continue;
        // Read one statement up to `;` or the `{` that opens its body; braces inside `[...]` options
        // and after `option x =` are values, not bodies.
        const statement = [first];
        const isOption = first.text === "option" && !first.literal;
        let brackets = 0;
        let valueBraces = 0;
        let terminator = null;
        for (;;) {
            const token = next();
            if (token === null)
                break;
            if (!token.literal) {
                const t = token.text;
                if (t === "[")
                    brackets++;
                else if (t === "]")
                    brackets = Math.max(0, brackets - 1);
                else if (t === "{" && (brackets > 0 || isOption || valueBraces > 0)) {
                    valueBraces++;
                    open(token.line);
                }
                else if (t === "}" && valueBraces > 0) {
                    valueBraces--;
                    depth = Math.max(0, depth - 1);
                }
                else if (brackets === 0 && valueBraces === 0 && (t === ";" || t === "{")) {
                    terminator = t;
                    if (t === "{")
                        open(token.line);
                    break;
                }
            }
            statement.push(token);
        }
        const kind = classify(statement, scope);
        const line = first.line;
        let pushed = { kind: "block", path: scope.path };
        switch (kind.type) {
            case "syntax": {
                const value = statement.find((t) => t.literal)?.text ?? "";
                if (first.text === "edition")
                    out.syntax = `edition ${value}`;
                else if (KNOWN_SYNTAX.has(value))
                    out.syntax = value;
                else
                    fail(`${file}: unknown syntax "${value}"`, line, 'expected syntax = "proto2" or "proto3"');
                break;
            }
            case "package": {
                out.package = statement
                    .slice(1)
                    .map((t) => t.text)
                    .join("");
                out.packageLine = line;
                scopes[0].path = out.package;
                break;
            }
            case "import": {
                const path = statement.find((t) => t.literal)?.text;
                if (path !== undefined) {
                    out.imports.push({ path, line, weak: statement.some((t) => !t.literal && t.text === "weak") });
                }
                break;
            }
            case "declaration": {
                const path = join(scope.path, kind.name);
                record(path, line);
                if (kind.keyword === "message")
                    pushed = { kind: "message", path };
                else if (kind.keyword === "enum")
                    pushed = { kind: "enum", path };
                else if (kind.keyword === "service")
                    pushed = { kind: "service", path };
                break;
            }
            case "oneof":
                record(join(scope.path, kind.name), line);
                pushed = { kind: "oneof", path: scope.path };
                break;
            case "extend":
                pushed = { kind: "extend", path: scope.path };
                break;
            case "member":
                record(join(scope.path, kind.name), line);
                if (kind.group) {
                    // `optional group Result = 1 { ... }` declares the field `result` and the message `Result`.
                    const path = join(scope.path, kind.group);
                    record(path, line);
                    pushed = { kind: "message", path };
                }
                break;
            case "other":
                break;
        }
        if (terminator === "{")
            scopes.push(pushed);
    }
    return out;
}
function classify(statement, scope) {
    const words = statement.map((t) => (t.literal ? "" : t.text));
    let [head, second] = words;
    // Edition 2024 visibility prefixes.
    if ((head === "export" || head === "local") && (second === "message" || second === "enum")) {
        head = second;
        second = words[2];
    }
    if (head === "syntax" || head === "edition")
        return scope.kind === "file" ? { type: "syntax" } : { type: "other" };
    if (head === "package" || head === "import")
        return scope.kind === "file" ? { type: head } : { type: "other" };
    if (head === "option" || head === "reserved" || head === "extensions")
        return { type: "other" };
    if ((head === "message" || head === "enum" || head === "service") && second && second !== "=") {
        return { type: "declaration", keyword: head, name: second };
    }
    if (head === "rpc" && scope.kind === "service" && second)
        return { type: "declaration", keyword: "rpc", name: second };
    if (head === "oneof" && second && second !== "=" && scope.kind === "message")
        return { type: "oneof", name: second };
    if (head === "extend")
        return { type: "extend" };
    const equals = words.indexOf("=");
    if (equals < 1)
        return { type: "other" };
    const name = words[equals - 1];
    if (scope.kind === "enum")
        return equals === 1 ? { type: "member", name } : { type: "other" };
    if (scope.kind !== "message" && scope.kind !== "oneof")
        return { type: "other" };
    const groupAt = words.indexOf("group");
    if (groupAt !== -1 && groupAt < equals - 1)
        return { type: "member", name: name.toLowerCase(), group: name };
    return { type: "member", name };
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./packages/contract/src/proto/source.ts


/**
 * Normalize an import-style path: `/` separators, no `.` segments, nothing that climbs out of
 * the import root or starts at the filesystem root.
 */
function normalizeImportPath(path, where) {
    const slashed = path.replaceAll("\\", "/");
    if (slashed === "" || slashed.startsWith("/") || /^[A-Za-z]:\//.test(slashed)) {
        throw new errors/* GateError */.ue(`proto import path "${path}" is not relative to the import root`, {
            ...(where ? { location: where } : {}),
            hint: 'imports name files relative to the import root, e.g. import "inference/model.proto"',
        });
    }
    const normal = external_node_path_.posix.normalize(slashed);
    if (normal === ".." || normal.startsWith("../")) {
        throw new errors/* GateError */.ue(`proto import "${path}" escapes the import root`, {
            ...(where ? { location: where } : {}),
            hint: "every imported file must live under the import root; set the root to the directory that contains them all",
        });
    }
    return normal;
}
/** The file name shown in findings and errors. */
function displayPath(source, path) {
    return source.root ? external_node_path_.posix.join(source.root.replaceAll("\\", "/"), path) : path;
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/build.ts





function withoutBom(text) {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
function checkSizes(source, limits) {
    if (source.files.length === 0) {
        throw new errors/* GateError */.ue("no .proto files to compare", {
            hint: "point the gate at a .proto file or a directory of them",
        });
    }
    if (source.files.length > limits.maxFiles) {
        throw new errors/* GateError */.ue(`${source.files.length} .proto files, over the limit of ${limits.maxFiles}`);
    }
    let total = 0;
    for (const file of source.files) {
        const bytes = Buffer.byteLength(file.text, "utf8");
        total += bytes;
        const display = displayPath(source, file.path);
        if (bytes > limits.maxFileBytes) {
            throw new errors/* GateError */.ue(`${display} is ${bytes} bytes, over the limit of ${limits.maxFileBytes} bytes for a .proto file`, {
                location: { file: display },
            });
        }
        if (file.text.includes("\0")) {
            throw new errors/* GateError */.ue(`${display} is not a text file`, { location: { file: display } });
        }
    }
    if (total > limits.maxTotalBytes) {
        throw new errors/* GateError */.ue(`the .proto files add up to ${total} bytes, over the limit of ${limits.maxTotalBytes} bytes`);
    }
}
function scanAll(source, limits) {
    const files = new Map();
    for (const file of source.files) {
        const display = displayPath(source, file.path);
        const path = normalizeImportPath(file.path, { file: display });
        if (files.has(path))
            throw new errors/* GateError */.ue(`${display} is listed twice`, { location: { file: display } });
        files.set(path, { ...scanProtoFile(withoutBom(file.text), display, limits), path, display });
    }
    return files;
}
/** Every import names a file of the source or a bundled well-known file; no import cycles. */
function checkImports(files) {
    const edges = new Map();
    for (const file of files.values()) {
        const targets = [];
        for (const imp of file.imports) {
            const where = { file: file.display, line: imp.line };
            const target = normalizeImportPath(imp.path, where);
            imp.path = target;
            if (files.has(target))
                targets.push(target);
            else if (!bundledDefinitions(target) && !imp.weak) {
                throw new errors/* GateError */.ue(`${file.display} imports "${target}", which is not among the .proto files`, {
                    location: where,
                    hint: "imports are resolved against the import root; set the root to the directory they are relative to",
                });
            }
        }
        edges.set(file.path, targets);
    }
    // Depth-first search with an explicit stack: a long import chain must not overflow the call stack.
    const state = new Map();
    for (const start of files.keys()) {
        if (state.has(start))
            continue;
        const stack = [{ path: start, next: 0 }];
        state.set(start, "open");
        while (stack.length > 0) {
            const top = stack.at(-1);
            const targets = edges.get(top.path);
            if (top.next >= targets.length) {
                state.set(top.path, "done");
                stack.pop();
                continue;
            }
            const target = targets[top.next++];
            const seen = state.get(target);
            if (seen === "open") {
                const cycle = [...stack.slice(stack.findIndex((s) => s.path === target)).map((s) => s.path), target];
                const from = files.get(top.path);
                const line = from.imports.find((i) => i.path === target)?.line;
                throw new errors/* GateError */.ue(`import cycle: ${cycle.join(" → ")}`, {
                    location: { file: from.display, ...(line === undefined ? {} : { line }) },
                    hint: "protoc rejects files that import themselves, directly or through others",
                });
            }
            if (seen === undefined) {
                state.set(target, "open");
                stack.push({ path: target, next: 0 });
            }
        }
    }
    return edges;
}
/** protobufjs errors end in `(file, line N)` or `(line N)`; split the place from the reason. */
function parseErrorLocation(e, file) {
    const message = e instanceof Error ? e.message : String(e);
    const match = /\s*\((?:[^()]*, )?line (\d+)\)\s*$/.exec(message);
    const reason = match ? message.slice(0, match.index) : message;
    return { reason, location: { file, ...(match ? { line: Number(match[1]) } : {}) } };
}
function lineOf(files, obj) {
    const file = obj.filename ? files.get(obj.filename) : undefined;
    if (!file)
        return undefined;
    const line = file.lines.get(obj.fullName.replace(/^\./, ""));
    return { file: file.display, ...(line === undefined ? {} : { line }) };
}
/** After a failed resolveAll, find the first reference that does not resolve, to name its file and line. */
function unresolvedReference(root, files) {
    const queue = [root];
    while (queue.length > 0) {
        const obj = queue.shift();
        const members = [];
        if (obj instanceof (protobufjs_default()).Type)
            members.push(...obj.fieldsArray);
        if (obj instanceof (protobufjs_default()).Service)
            members.push(...obj.methodsArray);
        for (const member of members) {
            try {
                member.resolve();
            }
            catch (e) {
                const location = lineOf(files, member) ?? { file: member.filename ?? "(unknown file)" };
                const type = member instanceof (protobufjs_default()).Field ? member.type : member.requestType;
                return new errors/* GateError */.ue(`${member.fullName.replace(/^\./, "")} refers to a type that is not defined: ${e instanceof Error ? e.message.replace(/ in \w+ \S+$/, "") : String(e)}`, { location, hint: `define ${type} or import the file that does` });
            }
        }
        if (obj instanceof (protobufjs_default()).Namespace)
            queue.push(...obj.nestedArray);
    }
    return undefined;
}
/** protobufjs names the file being parsed in a module-level property its typings leave out. */
const parser = (protobufjs_default()).parse;
/** Parse every file of one side into one Root and resolve all type references. */
function buildProto(source, limits) {
    checkSizes(source, limits);
    const files = scanAll(source, limits);
    checkImports(files);
    const root = new (protobufjs_default()).Root();
    const added = new Set();
    for (const file of files.values()) {
        for (const imp of file.imports) {
            if (files.has(imp.path))
                continue;
            for (const json of bundledDefinitions(imp.path) ?? []) {
                if (added.has(json))
                    continue;
                added.add(json);
                addBundled(root, json);
            }
        }
    }
    const texts = new Map(source.files.map((f) => [normalizeImportPath(f.path, undefined), withoutBom(f.text)]));
    for (const file of files.values()) {
        parser.filename = file.path;
        try {
            parser(texts.get(file.path), root, { keepCase: true });
        }
        catch (e) {
            const { reason, location } = parseErrorLocation(e, file.display);
            throw new errors/* GateError */.ue(`cannot parse ${file.display}: ${reason}`, {
                location,
                hint: "the file must be valid proto2, proto3 or edition syntax (as protoc accepts it)",
                cause: e,
            });
        }
        finally {
            parser.filename = null;
        }
    }
    try {
        root.resolveAll();
    }
    catch (e) {
        throw (unresolvedReference(root, files) ??
            new errors/* GateError */.ue(`cannot resolve the .proto files: ${e instanceof Error ? e.message : String(e)}`, {
                cause: e,
            }));
    }
    return { root, files };
}

// EXTERNAL MODULE: ./packages/contract/src/proto/rules.ts
var rules = __webpack_require__(3762);
;// CONCATENATED MODULE: ./packages/contract/src/proto/usage.ts
/**
 * Which types each RPC's request and response reach through their fields. A type no RPC reaches
 * (or a file without services) gets no entry, and the rules then assume both directions.
 */
function typeRoles(model) {
    const roles = new Map();
    const queue = [];
    const mark = (name, role) => {
        let set = roles.get(name);
        if (!set) {
            set = new Set();
            roles.set(name, set);
        }
        if (set.has(role))
            return;
        set.add(role);
        queue.push({ name, role });
    };
    for (const service of model.services.values()) {
        for (const method of service.methods) {
            mark(method.requestType, "request");
            mark(method.responseType, "response");
        }
    }
    while (queue.length > 0) {
        const { name, role } = queue.pop();
        for (const field of model.messages.get(name)?.fields ?? []) {
            if (field.type.kind !== "scalar")
                mark(field.type.name, role);
        }
    }
    return roles;
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/context.ts


const BOTH = new Set(["request", "response"]);
/** What every comparison needs: both models, the package moves, who reads each type, and the output. */
class DiffContext {
    base;
    head;
    moves;
    changes = [];
    baseRoles;
    headRoles;
    constructor(base, head, 
    /** Base file path → the package it moved from and to. */
    moves) {
        this.base = base;
        this.head = head;
        this.moves = moves;
        this.baseRoles = typeRoles(base);
        this.headRoles = typeRoles(head);
    }
    report(rule, input) {
        this.changes.push((0,rules/* protoChange */.F)(rule, input));
    }
    /** The head name of a base declaration: unchanged unless its file moved to another package. */
    canon(baseName) {
        const owner = this.base.messages.get(baseName)?.file ??
            this.base.enums.get(baseName)?.file ??
            this.base.services.get(baseName)?.file;
        const move = owner === undefined ? undefined : this.moves.get(owner);
        if (!move)
            return baseName;
        const { from, to } = move;
        if (from !== "" && baseName !== from && !baseName.startsWith(`${from}.`))
            return baseName;
        const rest = from === "" ? baseName : baseName.slice(from.length + 1);
        return to === "" ? rest : `${to}.${rest}`;
    }
    canonType(type) {
        return type.kind === "scalar" ? type : { kind: type.kind, name: this.canon(type.name) };
    }
    /** Who decodes the type, on either side; a type no RPC reaches may be read by anyone. */
    roles(baseName, headName) {
        const out = new Set([
            ...(this.baseRoles.get(baseName) ?? []),
            ...(this.headRoles.get(headName) ?? []),
        ]);
        return out.size === 0 ? BOTH : out;
    }
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/reserved.ts
/** Whether a field or enum number lies in one of the reserved ranges. */
function isReservedNumber(reserved, number) {
    return reserved.numbers.some(([from, to]) => number >= from && number <= to);
}
/** The parts of `ranges` that `cover` does not contain (inclusive ranges, any order). */
function uncoveredRanges(ranges, cover) {
    const sorted = [...cover].sort((a, b) => a[0] - b[0]);
    const out = [];
    for (const [from, to] of ranges) {
        let start = from;
        for (const [cFrom, cTo] of sorted) {
            if (start > to)
                break;
            if (cTo < start)
                continue;
            if (cFrom > to)
                break;
            if (cFrom > start)
                out.push([start, cFrom - 1]);
            start = Math.max(start, cTo + 1);
        }
        if (start <= to)
            out.push([start, to]);
    }
    return out;
}
function formatRanges(ranges) {
    return ranges.map(([a, b]) => (a === b ? `${a}` : `${a} to ${b}`)).join(", ");
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/diff-enum.ts

/** Compares one enum of the base with its counterpart in the head (values by name and by number). */
function diffEnum(ctx, b, h) {
    const name = h.name;
    const report = (rule, message, value) => ctx.report(rule, {
        message,
        path: value.head || value.base ? `${name}.${(value.head ?? value.base).name}` : name,
        group: name,
        base: value.base?.location ?? b.location,
        head: value.head?.location ?? h.location,
    });
    if (b.closed !== h.closed) {
        const kind = (closed) => (closed ? "closed" : "open");
        report("proto.enum-openness-changed", `enum ${name} changed from ${kind(b.closed)} to ${kind(h.closed)}`, {});
    }
    const headByName = new Map(h.values.map((v) => [v.name, v]));
    const headByNumber = new Map();
    for (const v of h.values)
        if (!headByNumber.has(v.number))
            headByNumber.set(v.number, v);
    const baseNames = new Set(b.values.map((v) => v.name));
    const baseNumbers = new Set(b.values.map((v) => v.number));
    for (const bv of b.values) {
        const same = headByName.get(bv.name);
        if (same) {
            if (same.number !== bv.number) {
                report("proto.enum-value-number-changed", `${name}.${bv.name} changed its number from ${bv.number} to ${same.number}`, { base: bv, head: same });
            }
            continue;
        }
        const other = headByNumber.get(bv.number);
        if (other) {
            report("proto.enum-value-renamed", `${name} value ${bv.number} is no longer called ${bv.name} (now ${other.name})`, { base: bv, head: other });
        }
        else if (isReservedNumber(h.reserved, bv.number)) {
            report("proto.enum-value-removed-reserved", `${name}.${bv.name} = ${bv.number} was removed (number reserved)`, { base: bv });
        }
        else {
            report("proto.enum-value-removed", `${name}.${bv.name} = ${bv.number} was removed without reserving ${bv.number}`, { base: bv });
        }
    }
    const clientReads = ctx.roles(b.name, h.name).has("response");
    for (const hv of h.values) {
        if (baseNames.has(hv.name) || baseNumbers.has(hv.number))
            continue;
        if (clientReads) {
            report("proto.enum-value-added", `${name}.${hv.name} = ${hv.number} was added; old clients do not know it`, {
                head: hv,
            });
        }
        else {
            report("proto.request-enum-value-added", `${name}.${hv.name} = ${hv.number} was added`, { head: hv });
        }
    }
    const numbers = uncoveredRanges(b.reserved.numbers, h.reserved.numbers);
    const names = b.reserved.names.filter((n) => !h.reserved.names.includes(n));
    if (numbers.length > 0 || names.length > 0) {
        const lost = [
            ...(numbers.length > 0 ? [`values ${formatRanges(numbers)}`] : []),
            ...(names.length > 0 ? [`names ${names.map((n) => `"${n}"`).join(", ")}`] : []),
        ];
        report("proto.reserved-removed", `enum ${name} no longer reserves ${lost.join(" and ")}`, {});
    }
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/wire-types.ts
/**
 * Scalars that share a wire encoding, so bytes written as one decode as another
 * (https://protobuf.dev/programming-guides/proto3/#updating). Enums travel as varints.
 */
const WIRE_GROUP = {
    int32: "varint",
    int64: "varint",
    uint32: "varint",
    uint64: "varint",
    bool: "varint",
    sint32: "zigzag",
    sint64: "zigzag",
    fixed32: "fixed32",
    sfixed32: "fixed32",
    fixed64: "fixed64",
    sfixed64: "fixed64",
    float: "float",
    double: "double",
    string: "length",
    bytes: "length",
};
/**
 * Changes under which every value of the old type decodes to the same value in the new one, in
 * binary (int32 negatives are sign-extended to ten bytes) and in JSON (numbers stay numbers).
 */
const LOSSLESS = new Set(["int32>int64", "uint32>uint64", "uint32>int64", "sint32>sint64"]);
function groupOf(type) {
    if (type.kind === "enum")
        return "varint";
    if (type.kind === "message")
        return "message";
    return WIRE_GROUP[type.name] ?? `unknown:${type.name}`;
}
/** How a reader of `head` copes with bytes written as `base`. Named types compare by (canonical) name. */
function classifyTypeChange(base, head) {
    if (base.kind === head.kind && base.name === head.name)
        return "same";
    if (base.kind === "scalar" && head.kind === "scalar" && LOSSLESS.has(`${base.name}>${head.name}`))
        return "widened";
    // Distinct message or enum types promise nothing about each other.
    if (base.kind !== "scalar" && base.kind === head.kind)
        return "incompatible";
    const a = groupOf(base);
    const b = groupOf(head);
    if (a === b)
        return "wire-compatible";
    // An embedded message is length-delimited bytes on the wire.
    const pair = new Set([a, b]);
    if (pair.has("message") && (base.name === "bytes" || head.name === "bytes"))
        return "wire-compatible";
    return "incompatible";
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/diff-message.ts


function label(field) {
    if (field.cardinality === "map")
        return `map<${field.mapKey}, ${field.type.name}>`;
    if (field.cardinality === "repeated")
        return `repeated ${field.type.name}`;
    return field.type.name;
}
function sameMembers(a, b) {
    if (!a || !b || a.length !== b.length)
        return false;
    const set = new Set(a);
    return b.every((n) => set.has(n));
}
/** Compares one message of the base with its counterpart in the head. */
class MessageDiff {
    ctx;
    b;
    h;
    headByNumber;
    headByName;
    baseByNumber;
    baseByName;
    /** The server decodes this message (it is in a request), clients decode it (in a response). */
    serverReads;
    clientReads;
    renamedOneofs = new Set();
    constructor(ctx, b, h) {
        this.ctx = ctx;
        this.b = b;
        this.h = h;
        this.headByNumber = new Map(h.fields.map((f) => [f.number, f]));
        this.headByName = new Map(h.fields.map((f) => [f.name, f]));
        this.baseByNumber = new Map(b.fields.map((f) => [f.number, f]));
        this.baseByName = new Map(b.fields.map((f) => [f.name, f]));
        const roles = ctx.roles(b.name, h.name);
        this.serverReads = roles.has("request");
        this.clientReads = roles.has("response");
    }
    report(rule, message, field) {
        const name = field.head?.name ?? field.base?.name ?? "";
        this.ctx.report(rule, {
            message,
            path: `${this.h.name}.${name}`,
            group: this.h.name,
            base: field.base?.location ?? this.b.location,
            head: field.head?.location ?? this.h.location,
        });
    }
    run() {
        for (const bf of this.b.fields) {
            const hf = this.headByNumber.get(bf.number);
            if (hf) {
                this.compare(bf, hf);
                continue;
            }
            const moved = this.headByName.get(bf.name);
            if (moved) {
                this.report("proto.field-number-changed", `field ${bf.name} of ${this.h.name} moved from number ${bf.number} to ${moved.number}`, { base: bf, head: moved });
                continue;
            }
            this.removed(bf);
        }
        for (const hf of this.h.fields) {
            if (this.baseByNumber.has(hf.number) || this.baseByName.has(hf.name))
                continue;
            this.added(hf);
        }
        this.reservations();
    }
    removed(bf) {
        const numberKept = isReservedNumber(this.h.reserved, bf.number);
        const nameKept = this.h.reserved.names.includes(bf.name);
        const what = `field ${bf.name} = ${bf.number} was removed from ${this.h.name}`;
        if (!numberKept) {
            this.report("proto.field-removed", `${what} without reserving ${bf.number}`, { base: bf });
        }
        else if (!nameKept) {
            this.report("proto.field-removed-name-not-reserved", `${what}; ${bf.number} is reserved but the name "${bf.name}" is not`, { base: bf });
        }
        else {
            this.report("proto.field-removed-reserved", `${what} (number and name reserved)`, { base: bf });
        }
        if (bf.presence === "required" && this.clientReads) {
            this.report("proto.field-required-removed", `required field ${bf.name} of ${this.h.name} was removed`, {
                base: bf,
            });
        }
    }
    added(hf) {
        const where = `${hf.name} = ${hf.number} (${label(hf)})`;
        if (isReservedNumber(this.b.reserved, hf.number)) {
            this.report("proto.field-reuses-reserved-number", `new field ${where} of ${this.h.name} uses a number the base reserved`, { head: hf });
        }
        else if (hf.presence === "required") {
            if (this.serverReads) {
                this.report("proto.field-required-added", `new required field ${where} in ${this.h.name}`, {
                    head: hf,
                });
            }
            else {
                this.report("proto.response-field-required-added", `new required field ${where} in ${this.h.name}`, {
                    head: hf,
                });
            }
        }
        else if (hf.oneof !== undefined && this.clientReads && this.oneofExisted(hf.oneof)) {
            this.report("proto.oneof-member-added", `new field ${where} joins the existing oneof ${hf.oneof} of ${this.h.name}`, { head: hf });
        }
        else {
            this.report("proto.field-added", `new field ${where} in ${this.h.name}`, { head: hf });
        }
    }
    /** A head oneof existed in the base if one of its other members did (by number). */
    oneofExisted(oneof) {
        return (this.h.oneofs.get(oneof) ?? []).some((n) => this.baseByNumber.get(n)?.oneof !== undefined);
    }
    compare(bf, hf) {
        const of = this.h.name;
        if (bf.name !== hf.name) {
            const moved = this.headByName.get(bf.name);
            if (moved) {
                this.report("proto.field-number-changed", `field ${bf.name} of ${of} moved from number ${bf.number} to ${moved.number}; ${bf.number} is now ${hf.name}`, { base: bf, head: moved });
            }
            else if (bf.jsonName !== hf.jsonName) {
                this.report("proto.field-renamed", `field ${bf.number} of ${of} was renamed from ${bf.name} to ${hf.name} (JSON key ${bf.jsonName} → ${hf.jsonName})`, { base: bf, head: hf });
            }
            else {
                this.report("proto.field-renamed-json-compatible", `field ${bf.number} of ${of} was renamed from ${bf.name} to ${hf.name}; json_name keeps the JSON key ${hf.jsonName}`, { base: bf, head: hf });
            }
        }
        else if (bf.jsonName !== hf.jsonName) {
            this.report("proto.field-json-name-changed", `JSON name of ${of}.${hf.name} changed from ${bf.jsonName} to ${hf.jsonName}`, { base: bf, head: hf });
        }
        this.compareTypes(bf, hf);
        // Oneof members always track presence: a move the oneof rules judge is not reported twice.
        const judgedByOneof = this.compareOneof(bf, hf);
        if (!judgedByOneof)
            this.comparePresence(bf, hf);
        if (bf.defaultValue !== hf.defaultValue) {
            this.report("proto.field-default-changed", `default of ${of}.${hf.name} changed from ${bf.defaultValue ?? "(none)"} to ${hf.defaultValue ?? "(none)"}`, { base: bf, head: hf });
        }
    }
    compareTypes(bf, hf) {
        const name = `${this.h.name}.${hf.name}`;
        if (bf.cardinality !== hf.cardinality) {
            this.report("proto.field-cardinality-changed", `${name} changed from ${label(bf)} to ${label(hf)}`, {
                base: bf,
                head: hf,
            });
            if (bf.cardinality === "map" || hf.cardinality === "map")
                return;
        }
        const baseType = this.ctx.canonType(bf.type);
        const change = classifyTypeChange(baseType, hf.type);
        const isMap = bf.cardinality === "map" && hf.cardinality === "map";
        if (isMap && bf.mapKey !== hf.mapKey) {
            this.report("proto.map-key-type-changed", `key type of map ${name} changed from ${bf.mapKey} to ${hf.mapKey}`, { base: bf, head: hf });
        }
        const what = isMap ? `value type of map ${name}` : `type of ${name}`;
        const text = `${what} changed from ${bf.type.name} to ${hf.type.name}`;
        if (change === "incompatible") {
            this.report(isMap ? "proto.map-value-type-changed" : "proto.field-type-changed", text, {
                base: bf,
                head: hf,
            });
        }
        else if (change === "wire-compatible" || (change === "widened" && this.clientReads)) {
            this.report("proto.field-type-changed-wire-compatible", `${text} (same wire encoding)`, {
                base: bf,
                head: hf,
            });
        }
        else if (change === "widened") {
            this.report("proto.request-field-type-widened", `${text}, a lossless widening`, { base: bf, head: hf });
        }
        if (change !== "incompatible" && bf.delimited !== hf.delimited) {
            const enc = (f) => (f.delimited ? "group (delimited)" : "length-prefixed");
            this.report("proto.field-encoding-changed", `encoding of ${name} changed from ${enc(bf)} to ${enc(hf)}`, { base: bf, head: hf });
        }
    }
    comparePresence(bf, hf) {
        const b = bf.presence;
        const h = hf.presence;
        if (b === undefined || h === undefined || b === h)
            return;
        const name = `${this.h.name}.${hf.name}`;
        if (b === "required") {
            this.report(this.clientReads ? "proto.field-required-removed" : "proto.request-field-required-removed", `${name} is no longer required`, { base: bf, head: hf });
        }
        else if (h === "required") {
            this.report(this.serverReads ? "proto.field-required-added" : "proto.response-field-required-added", `${name} became required`, { base: bf, head: hf });
        }
        else {
            this.report("proto.field-presence-changed", `${name} changed from ${b} to ${h} presence`, {
                base: bf,
                head: hf,
            });
        }
    }
    /** Whether a oneof rule judged the field (a move into, out of or between oneofs). */
    compareOneof(bf, hf) {
        const bo = bf.oneof;
        const ho = hf.oneof;
        if (bo === ho)
            return false;
        const name = `${this.h.name}.${hf.name}`;
        const bMembers = bo === undefined ? [] : (this.b.oneofs.get(bo) ?? []);
        const hMembers = ho === undefined ? [] : (this.h.oneofs.get(ho) ?? []);
        if (bo !== undefined && ho !== undefined && sameMembers(bMembers, hMembers)) {
            if (!this.renamedOneofs.has(bo)) {
                this.renamedOneofs.add(bo);
                this.report("proto.oneof-renamed", `oneof ${bo} of ${this.h.name} was renamed to ${ho}`, {
                    base: bf,
                    head: hf,
                });
            }
            return true;
        }
        // Which other members were (or become) exclusive with this field and exist on both sides.
        const otherBefore = bMembers.filter((n) => n !== bf.number && this.headByNumber.has(n));
        const otherAfter = hMembers.filter((n) => n !== hf.number && this.baseByNumber.has(n));
        if (ho !== undefined && bo === undefined && otherAfter.length === 0) {
            this.report("proto.field-moved-into-new-oneof", `${name} was wrapped in the new oneof ${ho}`, {
                base: bf,
                head: hf,
            });
            return true;
        }
        // Out of a oneof whose other members are gone: only presence can have changed.
        if (bo !== undefined && ho === undefined && otherBefore.length === 0)
            return false;
        const from = bo === undefined ? "no oneof" : `oneof ${bo}`;
        const to = ho === undefined ? "no oneof" : `oneof ${ho}`;
        this.report("proto.field-oneof-changed", `${name} moved from ${from} to ${to}`, { base: bf, head: hf });
        return true;
    }
    reservations() {
        const numbers = uncoveredRanges(this.b.reserved.numbers, this.h.reserved.numbers);
        const names = this.b.reserved.names.filter((n) => !this.h.reserved.names.includes(n));
        if (numbers.length === 0 && names.length === 0)
            return;
        const lost = [
            ...(numbers.length > 0 ? [`field numbers ${formatRanges(numbers)}`] : []),
            ...(names.length > 0 ? [`field names ${names.map((n) => `"${n}"`).join(", ")}`] : []),
        ];
        this.ctx.report("proto.reserved-removed", {
            message: `${this.h.name} no longer reserves ${lost.join(" and ")}`,
            path: this.h.name,
            group: this.h.name,
            base: this.b.location,
            head: this.h.location,
        });
    }
}
function diffMessage(ctx, base, head) {
    new MessageDiff(ctx, base, head).run();
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/limits.ts
const DEFAULT_PROTO_LIMITS = Object.freeze({
    // descriptor.proto, one of the largest real files, is about 50 KB.
    maxFileBytes: 2 * 1024 * 1024,
    maxTotalBytes: 16 * 1024 * 1024,
    maxFiles: 2000,
    // protoc refuses message nesting beyond 32; braces of aggregate options add a little.
    maxDepth: 32,
    maxDeclarations: 200_000,
});
/** Defaults filled in; `undefined` entries count as not given. */
function resolveProtoLimits(limits = {}) {
    const out = { ...DEFAULT_PROTO_LIMITS };
    for (const key of Object.keys(out)) {
        const value = limits[key];
        if (value === undefined)
            continue;
        if (!(value >= 0))
            throw new RangeError(`proto limit ${key} must be a number >= 0, got ${value}`);
        out[key] = value;
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/model.ts

function stripDot(name) {
    return name.startsWith(".") ? name.slice(1) : name;
}
function reservedSet(entries) {
    const out = { numbers: [], names: [] };
    for (const entry of entries ?? []) {
        if (typeof entry === "string")
            out.names.push(entry);
        else if (entry.length === 2)
            out.numbers.push([entry[0], entry[1]]);
    }
    return out;
}
function typeRef(field) {
    const resolved = field.resolvedType;
    if (resolved instanceof (protobufjs_default()).Type)
        return { kind: "message", name: stripDot(resolved.fullName) };
    if (resolved instanceof (protobufjs_default()).Enum)
        return { kind: "enum", name: stripDot(resolved.fullName) };
    return { kind: "scalar", name: field.type };
}
function isSyntheticOneof(oneof) {
    return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.proto3_optional === true;
}
function presenceOf(field) {
    if (field.required)
        return "required";
    // Singular message fields always track presence, whatever the file's presence default says.
    if (field.resolvedType instanceof (protobufjs_default()).Type)
        return "explicit";
    return field.hasPresence ? "explicit" : "implicit";
}
class Extractor {
    built;
    model = {
        files: new Map(),
        messages: new Map(),
        enums: new Map(),
        services: new Map(),
    };
    constructor(built) {
        this.built = built;
        for (const file of built.files.values()) {
            this.model.files.set(file.path, {
                path: file.path,
                display: file.display,
                package: file.package,
                syntax: file.syntax,
                location: {
                    file: file.display,
                    ...(file.packageLine === undefined ? {} : { line: file.packageLine }),
                },
            });
        }
    }
    fileOf(obj) {
        return obj.filename ? this.built.files.get(obj.filename) : undefined;
    }
    locate(file, path) {
        const line = file.lines.get(path);
        return { file: file.display, ...(line === undefined ? {} : { line }) };
    }
    walk() {
        // Breadth-first with a queue: the nesting is bounded, but no recursion is needed either.
        const queue = [...this.built.root.nestedArray];
        while (queue.length > 0) {
            const obj = queue.shift();
            const file = this.fileOf(obj);
            if (obj instanceof (protobufjs_default()).Type) {
                if (file)
                    this.message(obj, file);
            }
            else if (obj instanceof (protobufjs_default()).Enum) {
                if (file)
                    this.enumeration(obj, file);
            }
            else if (obj instanceof (protobufjs_default()).Service) {
                if (file)
                    this.service(obj, file);
            }
            if (obj instanceof (protobufjs_default()).Namespace)
                queue.push(...obj.nestedArray);
        }
        return this.model;
    }
    message(type, file) {
        const name = stripDot(type.fullName);
        const oneofs = new Map();
        for (const oneof of type.oneofsArray) {
            if (!isSyntheticOneof(oneof))
                oneofs.set(oneof.name, oneof.fieldsArray.map((f) => f.id));
        }
        const fields = [];
        for (const field of type.fieldsArray) {
            // Extension fields declared elsewhere show up on the extended type; extensions are not compared.
            if (field.declaringField || field.extensionField || field.name.startsWith("."))
                continue;
            const map = field instanceof (protobufjs_default()).MapField;
            const cardinality = map ? "map" : field.repeated ? "repeated" : "singular";
            const oneof = field.partOf && !isSyntheticOneof(field.partOf) ? field.partOf.name : undefined;
            const explicitDefault = field.options?.default;
            fields.push({
                name: field.name,
                number: field.id,
                jsonName: field.jsonName ?? field.name,
                type: typeRef(field),
                ...(map ? { mapKey: field.keyType } : {}),
                cardinality,
                ...(cardinality === "singular" ? { presence: presenceOf(field) } : {}),
                ...(oneof === undefined ? {} : { oneof }),
                ...(explicitDefault === undefined ? {} : { defaultValue: JSON.stringify(explicitDefault) }),
                delimited: field.delimited,
                location: this.locate(file, `${name}.${field.name}`),
            });
        }
        this.model.messages.set(name, {
            name,
            file: file.path,
            location: this.locate(file, name),
            fields,
            oneofs,
            reserved: reservedSet(type.reserved),
        });
    }
    enumeration(enm, file) {
        const name = stripDot(enm.fullName);
        this.model.enums.set(name, {
            name,
            file: file.path,
            location: this.locate(file, name),
            values: Object.entries(enm.values).map(([valueName, number]) => ({
                name: valueName,
                number,
                location: this.locate(file, `${name}.${valueName}`),
            })),
            reserved: reservedSet(enm.reserved),
            closed: enm._features?.enum_type === "CLOSED",
        });
    }
    service(service, file) {
        const name = stripDot(service.fullName);
        this.model.services.set(name, {
            name,
            file: file.path,
            location: this.locate(file, name),
            methods: service.methodsArray.map((m) => ({
                name: m.name,
                requestType: stripDot(m.resolvedRequestType?.fullName ?? m.requestType),
                responseType: stripDot(m.resolvedResponseType?.fullName ?? m.responseType),
                clientStreaming: m.requestStream === true,
                serverStreaming: m.responseStream === true,
                location: this.locate(file, `${name}.${m.name}`),
            })),
        });
    }
}
/** Reduce a parsed, resolved set of files to the comparable model (only declarations of the given files). */
function extractModel(built) {
    return new Extractor(built).walk();
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/diff.ts






/** Parse one side into the comparable model; every failure is a GateError naming the file and line. */
function readProtoModel(source, limits) {
    return extractModel(buildProto(source, resolveProtoLimits(limits)));
}
/**
 * Every change from the base contract to the head, classified by the rules in PROTO_RULES.
 * Declarations are matched by full name; a file that moved to another package is reported once,
 * and its declarations are then matched under the new package.
 */
function diffProto(base, head, options = {}) {
    return diffProtoModels(readProtoModel(base, options.limits), readProtoModel(head, options.limits));
}
function diffProtoModels(base, head) {
    const moves = new Map();
    const fileChanges = [];
    for (const [path, bf] of base.files) {
        const hf = head.files.get(path);
        if (!hf)
            continue;
        if (bf.package !== hf.package) {
            moves.set(path, { from: bf.package, to: hf.package });
            fileChanges.push({
                rule: "proto.package-changed",
                args: {
                    message: `package of ${path} changed from ${bf.package || "(none)"} to ${hf.package || "(none)"}`,
                    path,
                    group: path,
                    base: bf.location,
                    head: hf.location,
                },
            });
        }
        if (bf.syntax !== hf.syntax) {
            fileChanges.push({
                rule: "proto.file-syntax-changed",
                args: {
                    message: `${path} changed from ${bf.syntax} to ${hf.syntax}`,
                    path,
                    group: path,
                    base: bf.location,
                    head: hf.location,
                },
            });
        }
    }
    const ctx = new DiffContext(base, head, moves);
    for (const { rule, args } of fileChanges)
        ctx.report(rule, args);
    diffServices(ctx);
    const removedMessages = new Set();
    const matchedMessages = new Set();
    for (const [name, bm] of base.messages) {
        const headName = ctx.canon(name);
        const hm = head.messages.get(headName);
        if (!hm) {
            removedMessages.add(name);
            // A message nested in a removed message goes with it.
            if (removedMessages.has(parentOf(name)))
                continue;
            ctx.report("proto.message-removed", {
                message: `message ${name} was removed`,
                path: name,
                group: name,
                base: bm.location,
            });
            continue;
        }
        matchedMessages.add(headName);
        diffMessage(ctx, bm, hm);
    }
    for (const [name, hm] of head.messages) {
        if (matchedMessages.has(name) ||
            (head.messages.has(parentOf(name)) && !matchedMessages.has(parentOf(name))))
            continue;
        ctx.report("proto.message-added", {
            message: `message ${name} was added`,
            path: name,
            group: name,
            head: hm.location,
        });
    }
    const matchedEnums = new Set();
    for (const [name, be] of base.enums) {
        const headName = ctx.canon(name);
        const he = head.enums.get(headName);
        if (!he) {
            if (removedMessages.has(parentOf(name)))
                continue;
            ctx.report("proto.enum-removed", {
                message: `enum ${name} was removed`,
                path: name,
                group: name,
                base: be.location,
            });
            continue;
        }
        matchedEnums.add(headName);
        diffEnum(ctx, be, he);
    }
    for (const [name, he] of head.enums) {
        if (matchedEnums.has(name) || (head.messages.has(parentOf(name)) && !matchedMessages.has(parentOf(name))))
            continue;
        ctx.report("proto.enum-added", {
            message: `enum ${name} was added`,
            path: name,
            group: name,
            head: he.location,
        });
    }
    return ctx.changes;
}
function parentOf(name) {
    const dot = name.lastIndexOf(".");
    return dot === -1 ? "" : name.slice(0, dot);
}
function diffServices(ctx) {
    const matched = new Set();
    for (const [name, bs] of ctx.base.services) {
        const headName = ctx.canon(name);
        const hs = ctx.head.services.get(headName);
        if (!hs) {
            const rpcs = bs.methods.map((m) => m.name).join(", ");
            ctx.report("proto.service-removed", {
                message: `service ${name} was removed${rpcs ? ` (RPCs ${rpcs})` : ""}`,
                path: name,
                group: name,
                base: bs.location,
            });
            continue;
        }
        matched.add(headName);
        diffService(ctx, bs, hs);
    }
    for (const [name, hs] of ctx.head.services) {
        if (matched.has(name))
            continue;
        ctx.report("proto.service-added", {
            message: `service ${name} was added`,
            path: name,
            group: name,
            head: hs.location,
        });
    }
}
function diffService(ctx, bs, hs) {
    const headMethods = new Map(hs.methods.map((m) => [m.name, m]));
    const baseNames = new Set(bs.methods.map((m) => m.name));
    for (const bm of bs.methods) {
        const rpc = `${hs.name}.${bm.name}`;
        const hm = headMethods.get(bm.name);
        const at = { path: rpc, group: rpc, base: bm.location, head: hm?.location };
        if (!hm) {
            ctx.report("proto.rpc-removed", { ...at, message: `RPC ${rpc} was removed`, head: hs.location });
            continue;
        }
        const request = ctx.canon(bm.requestType);
        if (request !== hm.requestType) {
            ctx.report("proto.rpc-request-type-changed", {
                ...at,
                message: `request type of ${rpc} changed from ${bm.requestType} to ${hm.requestType}`,
            });
        }
        const response = ctx.canon(bm.responseType);
        if (response !== hm.responseType) {
            ctx.report("proto.rpc-response-type-changed", {
                ...at,
                message: `response type of ${rpc} changed from ${bm.responseType} to ${hm.responseType}`,
            });
        }
        const stream = (s) => (s ? "a stream" : "a single message");
        if (bm.clientStreaming !== hm.clientStreaming) {
            ctx.report("proto.rpc-client-streaming-changed", {
                ...at,
                message: `${rpc} now takes ${stream(hm.clientStreaming)} instead of ${stream(bm.clientStreaming)}`,
            });
        }
        if (bm.serverStreaming !== hm.serverStreaming) {
            ctx.report("proto.rpc-server-streaming-changed", {
                ...at,
                message: `${rpc} now returns ${stream(hm.serverStreaming)} instead of ${stream(bm.serverStreaming)}`,
            });
        }
    }
    for (const hm of hs.methods) {
        if (baseNames.has(hm.name))
            continue;
        const rpc = `${hs.name}.${hm.name}`;
        ctx.report("proto.rpc-added", {
            message: `RPC ${rpc} was added`,
            path: rpc,
            group: rpc,
            head: hm.location,
        });
    }
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./packages/contract/src/proto/load.ts







const SKIP_DIRS = new Set(["node_modules", ".git"]);
function toPosix(path) {
    return path.split(external_node_path_.sep).join("/");
}
/** A filesystem reader confined to `root`: symbolic links that lead outside are refused. */
function fsReader(root, limits) {
    let realRoot;
    return async (path) => {
        const full = (0,external_node_path_.resolve)(root, path);
        let real;
        try {
            real = await (0,promises_.realpath)(full);
        }
        catch (e) {
            if (e.code === "ENOENT")
                return undefined;
            throw new errors/* GateError */.ue(`cannot read ${full}: ${e.code ?? String(e)}`, {
                cause: e,
            });
        }
        realRoot ??= (0,promises_.realpath)(root);
        const inside = (0,external_node_path_.relative)(await realRoot, real);
        if (inside.startsWith("..") || (0,external_node_path_.resolve)(await realRoot, inside) !== real) {
            throw new errors/* GateError */.ue(`${full} leads outside the import root ${root}`, {
                location: { file: full },
                hint: "a symbolic link points out of the import root; copy the file in or widen the root",
            });
        }
        return readCapped(full, limits.maxFileBytes);
    };
}
async function readCapped(path, maxBytes) {
    const handle = await (0,promises_.open)(path, "r").catch((e) => {
        throw new errors/* GateError */.ue(`cannot read ${path}: ${e.code ?? String(e)}`, { cause: e });
    });
    try {
        const info = await handle.stat();
        if (!info.isFile())
            throw new errors/* GateError */.ue(`${path} is not a regular file`, { location: { file: path } });
        if (info.size > maxBytes) {
            throw new errors/* GateError */.ue(`${path} is ${info.size} bytes, over the limit of ${maxBytes} bytes for a .proto file`, {
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
        const text = new TextDecoder("utf-8", { fatal: false }).decode(buffer.subarray(0, length));
        if (text.includes("\uFFFD") || text.includes("\0")) {
            throw new errors/* GateError */.ue(`${path} is not UTF-8 text`, { location: { file: path } });
        }
        return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    }
    finally {
        await handle.close();
    }
}
/** Every .proto file under `dir` (breadth-first, bounded), as paths relative to `root`. */
async function listProtoFiles(dir, root, limits) {
    const out = [];
    const queue = [dir];
    let visited = 0;
    while (queue.length > 0) {
        const current = queue.shift();
        if (++visited > limits.maxFiles * 10) {
            throw new errors/* GateError */.ue(`${dir} has too many directories to search for .proto files`, {
                location: { file: dir },
            });
        }
        const entries = await (0,promises_.readdir)(current, { withFileTypes: true });
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
            const full = (0,external_node_path_.resolve)(current, entry.name);
            if (entry.isDirectory()) {
                if (!SKIP_DIRS.has(entry.name))
                    queue.push(full);
            }
            else if (entry.isFile() && entry.name.endsWith(".proto")) {
                out.push(toPosix((0,external_node_path_.relative)(root, full)));
                if (out.length > limits.maxFiles) {
                    throw new errors/* GateError */.ue(`${dir} holds more than ${limits.maxFiles} .proto files`, {
                        location: { file: dir },
                    });
                }
            }
        }
    }
    if (out.length === 0) {
        throw new errors/* GateError */.ue(`no .proto files under ${dir}`, { location: { file: dir } });
    }
    return out;
}
/**
 * Load a .proto file (or every .proto file of a directory) and, transitively, the files they
 * import, relative to the import root. Well-known google/protobuf and google/api imports are
 * bundled. An import that escapes the root, a missing import, or too many or too large files is a
 * GateError naming the importing file and line.
 */
async function loadProtoSource(pathOrDir, options = {}) {
    const limits = resolveProtoLimits(options.limits);
    let entries;
    let root;
    let read;
    if (options.read) {
        root = options.root ?? ".";
        read = options.read;
        entries = [normalizeImportPath(pathOrDir, undefined)];
    }
    else {
        const info = await (0,promises_.stat)(pathOrDir).catch((e) => {
            throw new errors/* GateError */.ue(e.code === "ENOENT"
                ? `proto contract not found: ${pathOrDir}`
                : `cannot read ${pathOrDir}: ${e.code}`, { hint: "check the path (relative paths start at the working directory)", cause: e });
        });
        root = options.root ?? (info.isDirectory() ? pathOrDir : external_node_path_.posix.dirname(toPosix(pathOrDir)));
        const inRoot = toPosix((0,external_node_path_.relative)((0,external_node_path_.resolve)(root), (0,external_node_path_.resolve)(pathOrDir)));
        if (inRoot.startsWith("..") || (0,external_node_path_.resolve)(root, inRoot) !== (0,external_node_path_.resolve)(pathOrDir)) {
            throw new errors/* GateError */.ue(`${pathOrDir} is not under the import root ${root}`, {
                hint: "the root must be a directory that contains the contract",
            });
        }
        entries = info.isDirectory()
            ? await listProtoFiles((0,external_node_path_.resolve)(pathOrDir), (0,external_node_path_.resolve)(root), limits)
            : [normalizeImportPath(inRoot, undefined)];
        read = fsReader(root, limits);
    }
    const files = [];
    const seen = new Set();
    const queue = entries.map((path) => ({ path }));
    let total = 0;
    while (queue.length > 0) {
        const { path, from } = queue.shift();
        if (seen.has(path))
            continue;
        seen.add(path);
        if (seen.size > limits.maxFiles) {
            throw new errors/* GateError */.ue(`the contract imports more than ${limits.maxFiles} .proto files`, {
                ...(from ? { location: from } : {}),
            });
        }
        const text = await read(path);
        if (text === undefined) {
            const display = external_node_path_.posix.join(toPosix(root), path);
            throw new errors/* GateError */.ue(from
                ? `${from.file} imports "${path}", which does not exist under the import root ${root}`
                : `not found: ${display}`, {
                ...(from ? { location: from } : {}),
                hint: "imports are resolved against the import root; set the root to the directory they are relative to",
            });
        }
        total += Buffer.byteLength(text, "utf8");
        if (total > limits.maxTotalBytes) {
            throw new errors/* GateError */.ue(`the .proto files add up to more than ${limits.maxTotalBytes} bytes`);
        }
        files.push({ path, text });
        const display = external_node_path_.posix.join(toPosix(root), path);
        for (const imp of scanProtoFile(text, display, limits).imports) {
            const where = { file: display, line: imp.line };
            const target = normalizeImportPath(imp.path, where);
            if (seen.has(target) || bundledDefinitions(target))
                continue;
            if (imp.weak && (await read(target)) === undefined)
                continue;
            queue.push({ path: target, from: where });
        }
    }
    return { files, root: toPosix(root) };
}

;// CONCATENATED MODULE: ./packages/contract/src/proto/index.ts






/***/ })

};
