/**
 * The symbolic values the walker keeps on its stack and in its memo. Nothing is executed:
 * a call is recorded as the callee and its arguments. Containers retain a bounded number of
 * items (enough to read torch persistent ids and joblib array headers) and count the rest.
 */

/** One import of a global by GLOBAL, STACK_GLOBAL, INST or an EXT opcode. */
export interface GlobalRef {
  readonly k: "global";
  /** Module and name as the loader resolves them (Python 2 names mapped as protocol < 3 does). */
  readonly module: string;
  readonly name: string;
  /** Module and name as written in the stream, when the mapping changed them. */
  readonly written?: { module: string; name: string };
  /** Byte offset of the first importing opcode within its source. */
  readonly offset: number;
  readonly opcode: "GLOBAL" | "STACK_GLOBAL" | "INST";
  /** How often the stream imports it (one shared reference per distinct global). */
  count: number;
  /** How often the stream calls it (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ) or sets its instances' state (BUILD). */
  calls: number;
}

export interface Call {
  readonly k: "call";
  readonly callee: GlobalRef;
  readonly args: Value;
  readonly via: "REDUCE" | "NEWOBJ" | "NEWOBJ_EX" | "INST" | "OBJ";
  /** The state given to it by BUILD, when one was. */
  state?: Value;
}

export interface Seq {
  readonly k: "tuple" | "list" | "set" | "frozenset";
  readonly items: Value[];
  /** Items appended in total (may exceed what is retained). */
  size: number;
}

export interface Dict {
  readonly k: "dict";
  readonly entries: [Value, Value][];
  size: number;
}

/** bytes / bytearray, or a protocol-0 STRING that is not ASCII (its type depends on the loader's encoding). */
export interface Bytes {
  readonly k: "bytes" | "bytearray" | "bytestring";
  readonly length: number;
  /** The bytes themselves when short enough to keep. */
  readonly data?: Uint8Array;
}

/** A str too long to keep: never a usable module or attribute name. */
export interface LongStr {
  readonly k: "longstr";
  readonly length: number;
}

export interface Persistent {
  readonly k: "persistent";
  readonly pid: Value;
  readonly offset: number;
}

/** Something the walker cannot know statically (an out-of-band buffer, an extension code). */
export interface Opaque {
  readonly k: "opaque";
  readonly what: string;
}

export type Obj = GlobalRef | Call | Seq | Dict | Bytes | LongStr | Persistent | Opaque;
export type Value = string | number | bigint | boolean | null | Obj;

export function isObj(v: Value): v is Obj {
  return typeof v === "object" && v !== null;
}

export function isGlobal(v: Value | undefined): v is GlobalRef {
  return typeof v === "object" && v !== null && v.k === "global";
}

export function isCall(v: Value | undefined): v is Call {
  return typeof v === "object" && v !== null && v.k === "call";
}

export function isSeq(v: Value | undefined, kind?: Seq["k"]): v is Seq {
  return (
    typeof v === "object" &&
    v !== null &&
    (v.k === "tuple" || v.k === "list" || v.k === "set" || v.k === "frozenset") &&
    (kind === undefined || v.k === kind)
  );
}

export function isDict(v: Value | undefined): v is Dict {
  return typeof v === "object" && v !== null && v.k === "dict";
}

export function asInt(v: Value | undefined): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n) return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** Look a string key up in a retained dict. */
export function dictGet(d: Dict, key: string): Value | undefined {
  for (const [k, v] of d.entries) if (k === key) return v;
  return undefined;
}

/** A short, printable description of a value, for messages. */
export function describe(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "None";
  if (typeof v === "string") return v.length > 40 ? `str of ${v.length} chars` : JSON.stringify(v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  switch (v.k) {
    case "global":
      return `global ${v.module}.${v.name}`;
    case "call":
      return `result of ${v.callee.module}.${v.callee.name}(...)`;
    case "tuple":
    case "list":
    case "set":
    case "frozenset":
      return `${v.k} of ${v.size}`;
    case "dict":
      return `dict of ${v.size}`;
    case "bytes":
    case "bytearray":
    case "bytestring":
      return `${v.k} of ${v.length}`;
    case "longstr":
      return `str of ${v.length} bytes`;
    case "persistent":
      return "persistent object";
    case "opaque":
      return v.what;
  }
}
