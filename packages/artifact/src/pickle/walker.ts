/**
 * A bounded static interpreter of pickle opcode streams (protocols 0-5). It executes nothing:
 * it keeps a symbolic stack and memo so that every global the stream imports is known exactly
 * as CPython's unpickler would resolve it (STACK_GLOBAL operands followed through the memo,
 * protocol-0 escapes decoded, Python 2 names mapped), and it records which globals are called.
 * Anything it cannot follow, and anything CPython would reject, is an issue; issues marked
 * fatal stop the walk, as the real unpickler would stop there too.
 */
import { mapPython2Name } from "./compat.js";
import { type Cursor, StreamError } from "./cursor.js";
import type { Deadline, ScanLimits } from "./limits.js";
import {
  decodeLong,
  decodeUtf8Strict,
  decodeUtf8SurrogatePass,
  escapeDecode,
  isAscii,
  latin1,
  parsePythonFloat,
  parsePythonInt,
  rawUnicodeEscapeDecode,
} from "./text.js";
import {
  type Call,
  type Dict,
  describe,
  type GlobalRef,
  isCall,
  isGlobal,
  type Persistent,
  type Seq,
  type Value,
} from "./values.js";

export interface WalkIssue {
  rule: string;
  message: string;
  /** Byte offset within the walked source. */
  offset: number;
  /** The walk stopped here. */
  fatal: boolean;
  properties?: Record<string, unknown>;
}

export interface WalkResult {
  start: number;
  /** Offset just after STOP, or where the walk stopped. */
  end: number;
  /** STOP was reached. */
  stopped: boolean;
  /** The last protocol the stream declared (0 when it declared none). */
  protocol: number;
  /** The unpickled value, as far as it is known. */
  value?: Value;
  globals: GlobalRef[];
  issues: WalkIssue[];
  persistentIds: Persistent[];
  opcodes: number;
  /** Pickles the stream embeds and a loader reads inline (joblib object arrays). */
  nested: WalkResult[];
}

/** A hook run after BUILD gives an instance its state; it may consume raw bytes that follow. */
export type BuildHook = (call: Call, ctx: BuildContext) => void;

export interface BuildContext {
  cursor: Cursor;
  issue(rule: string, message: string, fatal: boolean, properties?: Record<string, unknown>): void;
  /** Walk a complete pickle that starts at the cursor (a loader calling pickle.load on the same file). */
  walkNested(): WalkResult;
}

export interface WalkOptions {
  limits: ScanLimits;
  deadline: Deadline;
  onBuild?: BuildHook;
  /** Nesting level of this walk (joblib object arrays nest pickles). */
  depth?: number;
}

/** Offsets reported to the user are file offsets; a member inside an archive adds its own base. */
export function walkPickle(cursor: Cursor, options: WalkOptions): WalkResult {
  return new Walker(cursor, options).run();
}

const KEEP_STRING = 4096;
const KEEP_BYTES = 256;
/** Non-fatal issues recorded per stream; the rest are counted in one closing issue. */
const MAX_ISSUES = 100;
/** Container items retained across the whole stream (each container also has its own cap). */
const RETAINED_BUDGET = 4_000_000;

const OPCODE_NAMES: Record<number, string> = {
  40: "MARK",
  46: "STOP",
  48: "POP",
  49: "POP_MARK",
  50: "DUP",
  70: "FLOAT",
  73: "INT",
  74: "BININT",
  75: "BININT1",
  76: "LONG",
  77: "BININT2",
  78: "NONE",
  80: "PERSID",
  81: "BINPERSID",
  82: "REDUCE",
  83: "STRING",
  84: "BINSTRING",
  85: "SHORT_BINSTRING",
  86: "UNICODE",
  88: "BINUNICODE",
  97: "APPEND",
  98: "BUILD",
  99: "GLOBAL",
  100: "DICT",
  125: "EMPTY_DICT",
  101: "APPENDS",
  103: "GET",
  104: "BINGET",
  105: "INST",
  106: "LONG_BINGET",
  108: "LIST",
  93: "EMPTY_LIST",
  111: "OBJ",
  112: "PUT",
  113: "BINPUT",
  114: "LONG_BINPUT",
  115: "SETITEM",
  116: "TUPLE",
  41: "EMPTY_TUPLE",
  117: "SETITEMS",
  71: "BINFLOAT",
  128: "PROTO",
  129: "NEWOBJ",
  130: "EXT1",
  131: "EXT2",
  132: "EXT4",
  133: "TUPLE1",
  134: "TUPLE2",
  135: "TUPLE3",
  136: "NEWTRUE",
  137: "NEWFALSE",
  138: "LONG1",
  139: "LONG4",
  66: "BINBYTES",
  67: "SHORT_BINBYTES",
  140: "SHORT_BINUNICODE",
  141: "BINUNICODE8",
  142: "BINBYTES8",
  143: "EMPTY_SET",
  144: "ADDITEMS",
  145: "FROZENSET",
  146: "NEWOBJ_EX",
  147: "STACK_GLOBAL",
  148: "MEMOIZE",
  149: "FRAME",
  150: "BYTEARRAY8",
  151: "NEXT_BUFFER",
  152: "READONLY_BUFFER",
};

export function opcodeName(byte: number): string | undefined {
  return OPCODE_NAMES[byte];
}

/** Thrown inside the loop to stop the walk after an issue has been recorded. */
class Stop extends Error {}

class Walker {
  private readonly stack: Value[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, Value>();
  private readonly limits: ScanLimits;
  private readonly result: WalkResult;
  private proto = 0;
  private opStart = 0;
  private opName = "";
  private readonly interned = new Map<string, GlobalRef>();
  private retained = 0;
  private suppressed = 0;

  constructor(
    private readonly cursor: Cursor,
    private readonly options: WalkOptions,
  ) {
    this.limits = options.limits;
    this.result = {
      start: cursor.pos,
      end: cursor.pos,
      stopped: false,
      protocol: 0,
      globals: [],
      issues: [],
      persistentIds: [],
      opcodes: 0,
      nested: [],
    };
  }

  run(): WalkResult {
    try {
      this.loop();
    } catch (e) {
      if (e instanceof StreamError) {
        this.issue(e.rule, e.message, true, e.offset);
      } else if (!(e instanceof Stop)) {
        throw e;
      }
    }
    if (this.suppressed > 0) {
      this.result.issues.push({
        rule: this.result.issues[this.result.issues.length - 1]?.rule ?? "pickle.malformed",
        message: `${this.suppressed} more issue(s) of this stream are not listed`,
        offset: this.cursor.pos,
        fatal: false,
      });
    }
    this.result.end = this.cursor.pos;
    this.result.protocol = this.proto;
    return this.result;
  }

  private issue(
    rule: string,
    message: string,
    fatal: boolean,
    offset = this.opStart,
    properties?: Record<string, unknown>,
  ): void {
    if (!fatal && this.result.issues.length >= MAX_ISSUES) {
      this.suppressed++;
      return;
    }
    this.result.issues.push({
      rule,
      message,
      offset,
      fatal,
      properties: { opcode: this.opName || undefined, ...properties },
    });
  }

  private fail(rule: string, message: string, properties?: Record<string, unknown>): never {
    this.issue(rule, message, true, this.opStart, properties);
    throw new Stop();
  }

  private underflow(): never {
    this.fail("pickle.malformed", `stack underflow at ${this.opName} (offset ${this.opStart})`);
  }

  private push(v: Value): void {
    this.stack.push(v);
    if (this.stack.length + this.marks.length > this.limits.maxStackDepth) {
      this.fail("pickle.limit", `stack deeper than ${this.limits.maxStackDepth} values`);
    }
  }

  private fence(): number {
    return this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
  }

  private pop(): Value {
    if (this.stack.length <= this.fence()) this.underflow();
    return this.stack.pop() as Value;
  }

  private top(): Value {
    if (this.stack.length <= this.fence()) this.underflow();
    return this.stack[this.stack.length - 1] as Value;
  }

  private popMark(): Value[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail("pickle.malformed", `${this.opName} without a MARK`);
    return this.stack.splice(mark);
  }

  /** How many more items a container holding `held` may retain. */
  private room(held: number): number {
    return Math.max(0, Math.min(this.limits.maxRetainedItems - held, RETAINED_BUDGET - this.retained));
  }

  private seq(k: Seq["k"], items: Value[]): Seq {
    const keep = this.room(0);
    const kept = items.length > keep ? items.slice(0, keep) : items;
    this.retained += kept.length;
    return { k, items: kept, size: items.length };
  }

  private addItems(target: Seq, items: Value[]): void {
    const room = this.room(target.items.length);
    for (let i = 0; i < items.length && i < room; i++) target.items.push(items[i] as Value);
    this.retained += Math.min(room, items.length);
    target.size += items.length;
  }

  private setItems(target: Dict, items: Value[]): void {
    for (let i = 0; i + 1 < items.length; i += 2) {
      if (this.room(target.entries.length) > 0) {
        target.entries.push([items[i] as Value, items[i + 1] as Value]);
        this.retained++;
      }
      target.size++;
    }
  }

  private memoPut(index: number): void {
    const value = this.top();
    if (this.memo.has(index)) {
      this.issue(
        "pickle.memo-confusion",
        `${this.opName} overwrites memo entry ${index} (held ${describe(this.memo.get(index))}, now ${describe(value)})`,
        false,
        this.opStart,
        { index },
      );
    } else if (this.memo.size >= this.limits.maxMemo) {
      this.fail("pickle.limit", `more than ${this.limits.maxMemo} memo entries`);
    }
    this.memo.set(index, value);
  }

  private memoGet(index: number): void {
    if (!this.memo.has(index)) {
      this.fail("pickle.memo-confusion", `${this.opName} reads memo entry ${index}, which was never set`, {
        index,
      });
    }
    this.push(this.memo.get(index) as Value);
  }

  private textIndex(what: string): number {
    const raw = this.cursor.line(this.limits.maxLineBytes, what);
    const parsed = parsePythonInt(raw, 10);
    if (!parsed)
      this.fail(
        "pickle.malformed",
        `${this.opName} argument ${JSON.stringify(latin1(raw))} is not an integer`,
      );
    const index = Number(parsed.value);
    if (index < 0) this.fail("pickle.malformed", `negative ${this.opName} argument ${index}`);
    if (!parsed.canonical) {
      this.issue(
        "pickle.memo-confusion",
        `${this.opName} argument ${JSON.stringify(latin1(raw))} is not written the way a pickler writes it (read as ${index})`,
        false,
      );
    }
    return index;
  }

  /** One shared reference per distinct global, so memory follows distinct names, not imports. */
  private importGlobal(module: string, name: string, opcode: GlobalRef["opcode"]): GlobalRef {
    const [m, n] = this.proto < 3 ? mapPython2Name(module, name) : [module, name];
    const key = `${m}\u0000${n}\u0000${module}\u0000${name}`;
    const known = this.interned.get(key);
    if (known) {
      known.count++;
      return known;
    }
    if (this.interned.size >= this.limits.maxGlobals) {
      this.fail("pickle.limit", `more than ${this.limits.maxGlobals} distinct globals in one pickle`);
    }
    const ref: GlobalRef = {
      k: "global",
      module: m,
      name: n,
      ...(m !== module || n !== name ? { written: { module, name } } : {}),
      offset: this.opStart,
      opcode,
      count: 1,
      calls: 0,
    };
    this.interned.set(key, ref);
    this.result.globals.push(ref);
    return ref;
  }

  private persistent(pid: Value): Persistent {
    const p: Persistent = { k: "persistent", pid, offset: this.opStart };
    if (this.result.persistentIds.length >= this.limits.maxMemo) {
      this.fail("pickle.limit", `more than ${this.limits.maxMemo} persistent ids in one pickle`);
    }
    this.result.persistentIds.push(p);
    return p;
  }

  private textGlobal(): GlobalRef {
    const what = `${this.opName} name`;
    const moduleBytes = this.cursor.line(this.limits.maxLineBytes, what);
    const nameBytes = this.cursor.line(this.limits.maxLineBytes, what);
    const module = decodeUtf8Strict(moduleBytes);
    const name = decodeUtf8Strict(nameBytes);
    if (module === undefined || name === undefined) {
      this.fail("pickle.malformed", `${this.opName} module or name is not valid UTF-8`);
    }
    return this.importGlobal(module, name, this.opName === "INST" ? "INST" : "GLOBAL");
  }

  /** A callee must be an imported global; anything else is a call the scanner cannot judge. */
  private callee(v: Value, how: Call["via"]): GlobalRef | undefined {
    if (isGlobal(v)) {
      v.calls++;
      return v;
    }
    if (typeof v === "object" && v !== null && v.k === "opaque") return undefined;
    this.issue(
      "pickle.indirect-call",
      `${how} calls ${describe(v)}, not an imported global: what it runs cannot be known statically`,
      false,
    );
    return undefined;
  }

  private called(callee: GlobalRef | undefined, args: Value, via: Call["via"]): Value {
    return callee ? { k: "call", callee, args, via } : { k: "opaque", what: `result of ${via}` };
  }

  private mutation(target: Value, how: string): void {
    if (isGlobal(target)) {
      this.issue(
        "pickle.global-mutation",
        `${how} modifies the imported global ${target.module}.${target.name} itself, not an instance of it`,
        false,
        this.opStart,
        { module: target.module, name: target.name },
      );
    }
  }

  private str(bytes: Uint8Array | undefined, length: number, how: "utf8" | "raw"): Value {
    if (bytes === undefined) return { k: "longstr", length };
    const s = how === "utf8" ? decodeUtf8SurrogatePass(bytes) : rawUnicodeEscapeDecode(bytes);
    if (s === undefined) this.fail("pickle.malformed", `${this.opName} argument is not validly encoded text`);
    return s;
  }

  /** STRING, BINSTRING, SHORT_BINSTRING: a str when ASCII (every loader agrees), otherwise loader-dependent. */
  private legacyString(bytes: Uint8Array | undefined, length: number): Value {
    if (bytes === undefined) return { k: "bytestring", length };
    if (isAscii(bytes)) return latin1(bytes);
    return { k: "bytestring", length, data: bytes.length <= KEEP_BYTES ? bytes : undefined };
  }

  private counted(n: number, what: string): Uint8Array | undefined {
    if (n > this.limits.maxStringBytes) {
      this.fail(
        "pickle.limit",
        `${what} of ${n} bytes is longer than the limit of ${this.limits.maxStringBytes}`,
      );
    }
    if (n <= KEEP_STRING) return this.cursor.take(n, what);
    this.cursor.skip(n, what);
    return undefined;
  }

  private bytesValue(k: "bytes" | "bytearray", n: number, what: string): Value {
    if (n > this.limits.maxStringBytes) {
      this.fail(
        "pickle.limit",
        `${what} of ${n} bytes is longer than the limit of ${this.limits.maxStringBytes}`,
      );
    }
    if (n <= KEEP_BYTES) return { k, length: n, data: this.cursor.take(n, what) };
    this.cursor.skip(n, what);
    return { k, length: n };
  }

  private loop(): void {
    const c = this.cursor;
    const limits = this.limits;
    let ops = 0;
    for (;;) {
      if ((ops & 0xffff) === 0 && ops > 0) {
        if (this.options.deadline.expired()) {
          this.fail("pickle.limit", `scan time limit of ${this.options.deadline.ms} ms reached`);
        }
      }
      if (ops >= limits.maxOpcodes) {
        this.fail("pickle.limit", `more than ${limits.maxOpcodes} opcodes in one pickle`);
      }
      ops++;
      this.result.opcodes = ops;
      this.opStart = c.pos;
      if (c.atEnd()) {
        this.opName = "";
        this.fail("pickle.malformed", `the pickle ends at offset ${c.pos} without a STOP opcode`);
      }
      const op = c.u8();
      this.opName = OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, "0")}`;
      switch (op) {
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          if (this.stack.length + this.marks.length > limits.maxStackDepth) {
            this.fail("pickle.limit", `stack deeper than ${limits.maxStackDepth} values`);
          }
          break;
        case 0x2e: {
          // STOP
          const value = this.pop();
          this.result.value = value;
          this.result.stopped = true;
          if (this.stack.length > 0 || this.marks.length > 0) {
            this.issue(
              "pickle.malformed",
              `STOP leaves ${this.stack.length} value(s) and ${this.marks.length} MARK(s) behind: a pickler never does`,
              false,
            );
          }
          return;
        }
        case 0x30: // POP: removes a MARK when the stack above it is empty (as CPython does)
          if (this.marks.length > 0 && this.marks[this.marks.length - 1] === this.stack.length)
            this.marks.pop();
          else this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.push(this.top());
          break;
        case 0x46: {
          // FLOAT
          const raw = c.line(limits.maxLineBytes, "FLOAT argument");
          const v = parsePythonFloat(raw);
          if (v === undefined)
            this.fail("pickle.malformed", `FLOAT argument ${JSON.stringify(latin1(raw))} is not a number`);
          this.push(v);
          break;
        }
        case 0x49: {
          // INT ("00"/"01" are the protocol-0 booleans)
          const raw = c.line(limits.maxLineBytes, "INT argument");
          const text = latin1(raw);
          if (text === "00" || text === "01") {
            this.push(text === "01");
            break;
          }
          const v = parsePythonInt(raw, 0);
          if (!v) this.fail("pickle.malformed", `INT argument ${JSON.stringify(text)} is not an integer`);
          this.push(v.value);
          break;
        }
        case 0x4c: {
          // LONG
          let raw = c.line(limits.maxLineBytes, "LONG argument");
          if (raw.length > 0 && raw[raw.length - 1] === 0x4c) raw = raw.subarray(0, raw.length - 1);
          const v = parsePythonInt(raw, 0);
          if (!v)
            this.fail("pickle.malformed", `LONG argument ${JSON.stringify(latin1(raw))} is not an integer`);
          this.push(v.value);
          break;
        }
        case 0x4a: // BININT
          this.push(c.int32("BININT argument"));
          break;
        case 0x4b: // BININT1
          this.push(c.u8("BININT1 argument"));
          break;
        case 0x4d: // BININT2
          this.push(c.uint(2, "BININT2 argument"));
          break;
        case 0x8a: {
          // LONG1
          const n = c.u8("LONG1 length");
          this.push(decodeLong(c.view(n, "LONG1 argument")));
          break;
        }
        case 0x8b: {
          // LONG4
          const n = c.int32("LONG4 length");
          if (n < 0) this.fail("pickle.malformed", `LONG4 has a negative length ${n}`);
          const bytes = this.counted(n, "LONG4 argument");
          this.push(bytes ? decodeLong(bytes) : { k: "opaque", what: `integer of ${n} bytes` });
          break;
        }
        case 0x47: // BINFLOAT
          this.push(c.float64be("BINFLOAT argument"));
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x53: {
          // STRING: a quoted Python literal with escapes
          const raw = c.line(limits.maxLineBytes, "STRING argument");
          const q = raw[0];
          if (raw.length < 2 || (q !== 0x22 && q !== 0x27) || raw[raw.length - 1] !== q) {
            this.fail("pickle.malformed", "the STRING opcode argument must be quoted");
          }
          const decoded = escapeDecode(raw.subarray(1, raw.length - 1));
          if (!decoded) this.fail("pickle.malformed", "STRING argument has an invalid escape");
          this.push(this.legacyString(decoded, decoded.length));
          break;
        }
        case 0x54: {
          // BINSTRING
          const n = c.int32("BINSTRING length");
          if (n < 0) this.fail("pickle.malformed", `BINSTRING has a negative length ${n}`);
          this.push(this.legacyString(this.counted(n, "BINSTRING argument"), n));
          break;
        }
        case 0x55: {
          // SHORT_BINSTRING
          const n = c.u8("SHORT_BINSTRING length");
          this.push(this.legacyString(c.take(n, "SHORT_BINSTRING argument"), n));
          break;
        }
        case 0x56: {
          // UNICODE: raw-unicode-escape text
          const raw = c.line(limits.maxLineBytes, "UNICODE argument");
          this.push(this.str(raw, raw.length, "raw"));
          break;
        }
        case 0x58: {
          // BINUNICODE
          const n = c.uint(4, "BINUNICODE length");
          this.push(this.str(this.counted(n, "BINUNICODE argument"), n, "utf8"));
          break;
        }
        case 0x8c: {
          // SHORT_BINUNICODE
          const n = c.u8("SHORT_BINUNICODE length");
          this.push(this.str(c.take(n, "SHORT_BINUNICODE argument"), n, "utf8"));
          break;
        }
        case 0x8d: {
          // BINUNICODE8
          const n = c.uint64("BINUNICODE8 length");
          this.push(this.str(this.counted(n, "BINUNICODE8 argument"), n, "utf8"));
          break;
        }
        case 0x42: // BINBYTES
          this.push(this.bytesValue("bytes", c.uint(4, "BINBYTES length"), "BINBYTES argument"));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push(this.bytesValue("bytes", c.u8("SHORT_BINBYTES length"), "SHORT_BINBYTES argument"));
          break;
        case 0x8e: // BINBYTES8
          this.push(this.bytesValue("bytes", c.uint64("BINBYTES8 length"), "BINBYTES8 argument"));
          break;
        case 0x96: // BYTEARRAY8
          this.push(this.bytesValue("bytearray", c.uint64("BYTEARRAY8 length"), "BYTEARRAY8 argument"));
          break;
        case 0x97: // NEXT_BUFFER
          this.fail(
            "pickle.malformed",
            "NEXT_BUFFER refers to out-of-band data, which a model file cannot carry",
          );
          break;
        case 0x98: // READONLY_BUFFER
          this.top();
          break;
        case 0x29: // EMPTY_TUPLE
          this.push(this.seq("tuple", []));
          break;
        case 0x85: // TUPLE1
          this.push(this.seq("tuple", [this.pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          const a = this.pop();
          this.push(this.seq("tuple", [a, b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const z = this.pop();
          const y = this.pop();
          const x = this.pop();
          this.push(this.seq("tuple", [x, y, z]));
          break;
        }
        case 0x74: // TUPLE
          this.push(this.seq("tuple", this.popMark()));
          break;
        case 0x5d: // EMPTY_LIST
          this.push(this.seq("list", []));
          break;
        case 0x6c: // LIST
          this.push(this.seq("list", this.popMark()));
          break;
        case 0x7d: // EMPTY_DICT
          this.push({ k: "dict", entries: [], size: 0 });
          break;
        case 0x64: {
          // DICT
          const items = this.popMark();
          if (items.length % 2 !== 0) this.fail("pickle.malformed", "odd number of items for DICT");
          const d: Dict = { k: "dict", entries: [], size: 0 };
          this.setItems(d, items);
          this.push(d);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.push(this.seq("set", []));
          break;
        case 0x91: // FROZENSET
          this.push(this.seq("frozenset", this.popMark()));
          break;
        case 0x61: {
          // APPEND
          const value = this.pop();
          const target = this.top();
          this.mutation(target, "APPEND");
          if (typeof target === "object" && target !== null && target.k === "list")
            this.addItems(target, [value]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          const target = this.top();
          this.mutation(target, "APPENDS");
          if (typeof target === "object" && target !== null && target.k === "list")
            this.addItems(target, items);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = this.pop();
          const key = this.pop();
          const target = this.top();
          this.mutation(target, "SETITEM");
          if (typeof target === "object" && target !== null && target.k === "dict")
            this.setItems(target, [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          if (items.length % 2 !== 0) this.fail("pickle.malformed", "odd number of items for SETITEMS");
          const target = this.top();
          this.mutation(target, "SETITEMS");
          if (typeof target === "object" && target !== null && target.k === "dict")
            this.setItems(target, items);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          const target = this.top();
          this.mutation(target, "ADDITEMS");
          if (typeof target === "object" && target !== null && target.k === "set")
            this.addItems(target, items);
          break;
        }
        case 0x63: // GLOBAL
          this.push(this.textGlobal());
          break;
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== "string" || typeof name !== "string") {
            this.issue(
              "pickle.unresolved-global",
              `STACK_GLOBAL operands are ${describe(module)} and ${describe(name)}, not two literal str values: the global cannot be named`,
              false,
            );
            this.push({ k: "opaque", what: "an unresolved global" });
            break;
          }
          this.push(this.importGlobal(module, name, "STACK_GLOBAL"));
          break;
        }
        case 0x82:
        case 0x83:
        case 0x84: {
          // EXT1, EXT2, EXT4: the copyreg extension registry of whichever process loads the file
          const code =
            op === 0x82 ? c.u8("EXT1 code") : op === 0x83 ? c.uint(2, "EXT2 code") : c.int32("EXT4 code");
          this.issue(
            "pickle.extension-registry",
            `${this.opName} ${code} imports whatever the loading process registered under that extension code: it cannot be checked`,
            false,
            this.opStart,
            { code },
          );
          this.push({ k: "opaque", what: `extension ${code}` });
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          const fn = this.pop();
          this.push(this.called(this.callee(fn, "REDUCE"), args, "REDUCE"));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          this.push(this.called(this.callee(cls, "NEWOBJ"), args, "NEWOBJ"));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          this.push(
            this.called(this.callee(cls, "NEWOBJ_EX"), this.seq("tuple", [args, kwargs]), "NEWOBJ_EX"),
          );
          break;
        }
        case 0x69: {
          // INST: import and call with the items above the MARK
          const ref = this.textGlobal();
          const args = this.popMark();
          ref.calls++;
          this.push({ k: "call", callee: ref, args: this.seq("tuple", args), via: "INST" });
          break;
        }
        case 0x6f: {
          // OBJ: the first item above the MARK is the class
          const items = this.popMark();
          if (items.length === 0) this.underflow();
          const cls = items[0] as Value;
          this.push(this.called(this.callee(cls, "OBJ"), this.seq("tuple", items.slice(1)), "OBJ"));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          const inst = this.top();
          this.mutation(inst, "BUILD");
          if (isCall(inst)) {
            inst.callee.calls++;
            inst.state = state;
            this.options.onBuild?.(inst, this.buildContext());
          }
          break;
        }
        case 0x50: {
          // PERSID
          const raw = c.line(limits.maxLineBytes, "PERSID argument");
          if (!isAscii(raw)) this.fail("pickle.malformed", "PERSID argument is not ASCII");
          this.push(this.persistent(latin1(raw)));
          break;
        }
        case 0x51: {
          // BINPERSID
          this.push(this.persistent(this.pop()));
          break;
        }
        case 0x67: // GET
          this.memoGet(this.textIndex("GET argument"));
          break;
        case 0x68: // BINGET
          this.memoGet(c.u8("BINGET argument"));
          break;
        case 0x6a: // LONG_BINGET
          this.memoGet(c.uint(4, "LONG_BINGET argument"));
          break;
        case 0x70: // PUT
          this.memoPut(this.textIndex("PUT argument"));
          break;
        case 0x71: // BINPUT
          this.memoPut(c.u8("BINPUT argument"));
          break;
        case 0x72: {
          // LONG_BINPUT
          const i = c.int32("LONG_BINPUT argument");
          if (i < 0) this.fail("pickle.malformed", `negative LONG_BINPUT argument ${i}`);
          this.memoPut(i);
          break;
        }
        case 0x94: // MEMOIZE: the next index is the number of entries
          this.memoPut(this.memo.size);
          break;
        case 0x80: {
          // PROTO
          const p = c.u8("PROTO argument");
          if (p > 5) this.fail("pickle.malformed", `unsupported pickle protocol ${p}`);
          this.proto = p;
          break;
        }
        case 0x95: {
          // FRAME
          const n = c.uint64("FRAME length");
          if (c.frameEnd >= 0 && c.pos < c.frameEnd) {
            this.fail("pickle.malformed", "a new FRAME begins before the end of the current frame");
          }
          if (c.pos + n > c.size) {
            this.fail("pickle.malformed", `FRAME of ${n} bytes runs past the end of the stream`);
          }
          c.frameEnd = n > 0 ? c.pos + n : -1;
          break;
        }
        default:
          this.fail(
            "pickle.malformed",
            `unknown opcode 0x${op.toString(16).padStart(2, "0")} at offset ${this.opStart}`,
          );
      }
    }
  }

  private buildContext(): BuildContext {
    return {
      cursor: this.cursor,
      issue: (rule, message, fatal, properties) => {
        this.issue(rule, message, false, this.cursor.pos, properties);
        if (fatal) throw new Stop();
      },
      walkNested: () => {
        const depth = (this.options.depth ?? 0) + 1;
        if (depth > 4) this.fail("pickle.limit", "pickles nested more than 4 deep");
        const saved = this.cursor.frameEnd;
        this.cursor.frameEnd = -1;
        const nested = new Walker(this.cursor, { ...this.options, depth }).run();
        this.cursor.frameEnd = saved;
        this.result.nested.push(nested);
        return nested;
      },
    };
  }
}
