/**
 * Which globals a pickle may import. The allowlist decides: a global on the built-in list or
 * on the repository's own list (each entry with a reason) passes, every other global fails.
 * The denylist only names known-dangerous globals so the report says why a failure matters;
 * it never lets anything through.
 */
import { GateError } from "@mlgate/core";
import { mapPython2Name } from "./compat.js";

export interface AllowEntry {
  /** A module (`torch._utils`), or a package and all its submodules (`sklearn.*`). */
  module: string;
  /** An attribute of the module, or `*` for any plain (undotted, non-dunder) attribute. */
  name: string;
  /** Why importing it is safe: required, shown in reviews of the allowlist. */
  reason: string;
}

export type GlobalStatus = "allowed" | "user-allowed" | "dangerous" | "unknown";

const entries = (module: string, names: string[], reason: string): AllowEntry[] =>
  names.map((name) => ({ module, name, reason }));

const TORCH_STORAGES = [
  "FloatStorage",
  "DoubleStorage",
  "HalfStorage",
  "BFloat16Storage",
  "LongStorage",
  "IntStorage",
  "ShortStorage",
  "CharStorage",
  "ByteStorage",
  "BoolStorage",
  "ComplexFloatStorage",
  "ComplexDoubleStorage",
  "QUInt8Storage",
  "QInt8Storage",
  "QInt32Storage",
  "QUInt4x2Storage",
  "QUInt2x4Storage",
  "UntypedStorage",
];

const TORCH_DTYPES = [
  "float32",
  "float",
  "float64",
  "double",
  "float16",
  "half",
  "bfloat16",
  "complex32",
  "chalf",
  "complex64",
  "cfloat",
  "complex128",
  "cdouble",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "int8",
  "int16",
  "short",
  "int32",
  "int",
  "int64",
  "long",
  "bool",
  "qint8",
  "quint8",
  "qint32",
  "quint4x2",
  "quint2x4",
  "float8_e4m3fn",
  "float8_e5m2",
  "float8_e4m3fnuz",
  "float8_e5m2fnuz",
];

const TORCH_TENSOR_TYPES = [
  "Tensor",
  "FloatTensor",
  "DoubleTensor",
  "HalfTensor",
  "BFloat16Tensor",
  "LongTensor",
  "IntTensor",
  "ShortTensor",
  "CharTensor",
  "ByteTensor",
  "BoolTensor",
];

/** Known-safe constructors of ML weight files: they build tensors, arrays and plain containers. */
export const DEFAULT_ALLOWLIST: readonly AllowEntry[] = Object.freeze([
  ...entries(
    "collections",
    ["OrderedDict", "Counter"],
    "plain mapping types; torch state dicts are OrderedDicts",
  ),
  ...entries(
    "builtins",
    ["set", "frozenset", "complex", "slice", "bytearray", "bytes", "range", "object"],
    "built-in value types that protocols 0-2 pickle by reference; constructing them runs no user code",
  ),
  ...entries(
    "builtins",
    ["list", "dict", "tuple", "int", "float", "bool", "str"],
    "built-in container and number types, used as bases by copyreg._reconstructor",
  ),
  {
    module: "copyreg",
    name: "_reconstructor",
    reason:
      "protocol 0-1 instance reconstruction; the class it builds is itself a global that must be allowed",
  },
  {
    module: "_codecs",
    name: "encode",
    reason: "how protocols 0-2 pickle bytes (str to bytes through a text codec; numpy and torch use it)",
  },
  ...entries(
    "torch._utils",
    [
      "_rebuild_tensor",
      "_rebuild_tensor_v2",
      "_rebuild_tensor_v3",
      "_rebuild_parameter",
      "_rebuild_parameter_with_state",
      "_rebuild_qtensor",
      "_rebuild_sparse_tensor",
      "_rebuild_meta_tensor_no_storage",
      "_rebuild_wrapper_subclass",
      "_rebuild_device_tensor_from_cpu_tensor",
      "_rebuild_device_tensor_from_numpy",
    ],
    "torch tensor rebuild functions: build a tensor view over a storage the loader reads from the archive",
  ),
  {
    module: "torch._tensor",
    name: "_rebuild_from_type_v2",
    reason: "tensor subclass rebuild; the function and type it receives are globals that must be allowed too",
  },
  { module: "torch.nn.parameter", name: "Parameter", reason: "a tensor marked as a module parameter" },
  {
    module: "torch.serialization",
    name: "_get_layout",
    reason: "maps a layout name to a torch layout object",
  },
  ...entries("torch", ["Size", "device"], "torch shape and device value types"),
  ...entries("torch", TORCH_STORAGES, "typed storage classes named by persistent ids; never called"),
  ...entries("torch.storage", ["UntypedStorage", "TypedStorage"], "storage classes named by persistent ids"),
  ...entries("torch", TORCH_DTYPES, "torch dtype objects, pickled by name"),
  ...entries(
    "torch",
    [
      "per_tensor_affine",
      "per_tensor_symmetric",
      "per_channel_affine",
      "per_channel_symmetric",
      "per_channel_affine_float_qparams",
      "contiguous_format",
      "channels_last",
      "channels_last_3d",
      "preserve_format",
    ],
    "torch quantization schemes and memory formats, pickled by name",
  ),
  ...entries("torch", TORCH_TENSOR_TYPES, "tensor classes used as types by tensor rebuild functions"),
  ...["numpy.core.multiarray", "numpy._core.multiarray"].flatMap((m) =>
    entries(m, ["_reconstruct", "scalar"], "numpy array and scalar reconstruction from dtype and raw bytes"),
  ),
  ...["numpy.core.numeric", "numpy._core.numeric"].flatMap((m) =>
    entries(m, ["_frombuffer"], "numpy array reconstruction from a buffer (protocol 5)"),
  ),
  ...entries("numpy", ["ndarray", "dtype"], "numpy array type and dtype descriptors"),
  ...["joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle"].flatMap((m) =>
    entries(
      m,
      ["NumpyArrayWrapper"],
      "joblib's array header; the raw array bytes that follow it are checked by the scanner",
    ),
  ),
]);

interface Deny {
  module: string;
  /** `*` for the whole module and its submodules. */
  name: string;
  reason: string;
}

const deny = (module: string, names: string[] | "*", reason: string): Deny[] =>
  names === "*" ? [{ module, name: "*", reason }] : names.map((name) => ({ module, name, reason }));

/** Globals known to run code, touch the system or deserialize more data. Naming only. */
export const DANGEROUS_GLOBALS: readonly Deny[] = Object.freeze([
  ...deny("builtins", ["eval", "exec", "compile", "__import__", "execfile"], "runs arbitrary Python code"),
  ...deny(
    "builtins",
    ["getattr", "setattr", "delattr", "globals", "locals", "vars", "__builtins__"],
    "reaches any attribute of any object, so any function",
  ),
  ...deny(
    "builtins",
    ["open", "input", "breakpoint", "help", "exit", "quit"],
    "file, terminal or debugger access",
  ),
  ...deny("os", "*", "operating system access (os.system, os.popen, os.exec*)"),
  ...deny("posix", "*", "operating system access"),
  ...deny("nt", "*", "operating system access"),
  ...deny("subprocess", "*", "starts processes"),
  ...deny("_posixsubprocess", "*", "starts processes"),
  ...deny("pty", "*", "starts processes on a pseudo-terminal"),
  ...deny("runpy", "*", "runs Python modules and code"),
  ...deny("code", "*", "runs Python code"),
  ...deny("codeop", "*", "compiles Python code"),
  ...deny("importlib", "*", "imports arbitrary modules"),
  ...deny("imp", "*", "imports arbitrary modules"),
  ...deny("pkgutil", "*", "resolves arbitrary names (pkgutil.resolve_name) and imports modules"),
  ...deny("marshal", "*", "loads Python bytecode"),
  ...deny("types", "*", "builds code objects and functions (types.CodeType, types.FunctionType)"),
  ...deny("pickle", "*", "deserializes more data with the full, unrestricted unpickler"),
  ...deny("_pickle", "*", "deserializes more data with the full, unrestricted unpickler"),
  ...deny("dill", "*", "deserializes code"),
  ...deny("cloudpickle", "*", "deserializes code"),
  ...deny("shelve", "*", "opens pickle databases"),
  ...deny("jsonpickle", "*", "deserializes arbitrary objects"),
  ...deny(
    "yaml",
    ["load", "unsafe_load", "full_load", "load_all", "unsafe_load_all"],
    "deserializes arbitrary objects",
  ),
  ...deny("joblib", ["load"], "deserializes another pickle file"),
  ...deny("joblib.numpy_pickle", ["load"], "deserializes another pickle file"),
  ...deny("pandas", ["read_pickle"], "deserializes another pickle file"),
  ...deny("pandas.io.pickle", ["read_pickle"], "deserializes another pickle file"),
  ...deny(
    "operator",
    ["attrgetter", "itemgetter", "methodcaller"],
    "turns attribute names into calls, reaching any function",
  ),
  ...deny("_operator", ["attrgetter", "itemgetter", "methodcaller"], "turns attribute names into calls"),
  ...deny(
    "functools",
    ["partial", "reduce", "partialmethod"],
    "calls another callable with chosen arguments",
  ),
  ...deny("_functools", ["partial", "reduce"], "calls another callable with chosen arguments"),
  ...deny(
    "copyreg",
    ["add_extension", "_extension_registry", "_inverted_registry"],
    "rewires extension codes",
  ),
  ...deny("ctypes", "*", "calls native code"),
  ...deny("_ctypes", "*", "calls native code"),
  ...deny("cffi", "*", "calls native code"),
  ...deny("sys", "*", "interpreter state (sys.modules, sys.path)"),
  ...deny("shutil", "*", "copies, moves and deletes files"),
  ...deny("tempfile", "*", "creates files"),
  ...deny("io", ["open", "open_code", "FileIO"], "file access"),
  ...deny("_io", ["open", "open_code", "FileIO"], "file access"),
  ...deny("pathlib", "*", "file access"),
  ...deny("glob", "*", "file system access"),
  ...deny("webbrowser", "*", "starts a browser (a process)"),
  ...deny("socket", "*", "network access"),
  ...deny("_socket", "*", "network access"),
  ...deny("ssl", "*", "network access"),
  ...deny("http", "*", "network access"),
  ...deny("urllib", "*", "network access"),
  ...deny("requests", "*", "network access"),
  ...deny("httpx", "*", "network access"),
  ...deny("ftplib", "*", "network access"),
  ...deny("smtplib", "*", "network access"),
  ...deny("telnetlib", "*", "network access"),
  ...deny("xmlrpc", "*", "network access"),
  ...deny("asyncio", ["create_subprocess_exec", "create_subprocess_shell", "subprocess"], "starts processes"),
  ...deny("asyncio.subprocess", "*", "starts processes"),
  ...deny("multiprocessing", "*", "starts processes"),
  ...deny("threading", "*", "starts threads running chosen callables"),
  ...deny("_thread", "*", "starts threads running chosen callables"),
  ...deny("signal", "*", "installs signal handlers"),
  ...deny("timeit", "*", "runs Python code given as text"),
  ...deny("cProfile", "*", "runs Python code given as text"),
  ...deny("profile", "*", "runs Python code given as text"),
  ...deny("pdb", "*", "runs Python code given as text"),
  ...deny("bdb", "*", "runs Python code"),
  ...deny("trace", "*", "runs Python code"),
  ...deny("doctest", "*", "runs Python code"),
  ...deny("pydoc", "*", "starts pagers and servers (processes)"),
  ...deny("platform", ["popen", "_syscmd_ver", "_syscmd_file", "_syscmd_uname"], "starts processes"),
  ...deny("distutils", "*", "runs build commands"),
  ...deny("setuptools", "*", "runs build commands"),
  ...deny("venv", "*", "creates environments and runs pip"),
  ...deny("ensurepip", "*", "runs pip"),
  ...deny("site", "*", "interpreter start-up hooks"),
  ...deny("gc", "*", "reaches every live object"),
  ...deny("inspect", "*", "reaches frames and globals"),
  ...deny("logging.config", "*", "instantiates chosen factories and listens on sockets"),
  ...deny("zipimport", "*", "imports code from archives"),
  ...deny("torch", ["load", "hub", "jit", "_C", "ops", "classes", "compile"], "loads code or more pickles"),
  ...deny("torch.serialization", ["load", "_load", "_legacy_load"], "deserializes more pickles"),
  ...deny("torch.storage", ["_load_from_bytes"], "calls torch.load on embedded bytes, unrestricted"),
  ...deny("torch.hub", "*", "downloads and runs code"),
  ...deny("torch.jit", "*", "loads TorchScript code"),
  ...deny("torch.utils.cpp_extension", "*", "compiles and loads native code"),
  ...deny("torch._C", "*", "native internals"),
  ...deny("torch._dynamo", "*", "compiles code"),
  ...deny("torch._inductor", "*", "compiles code"),
  ...deny("numpy", ["load", "loadtxt", "fromfile", "genfromtxt"], "reads more files, pickles included"),
  ...deny("numpy.lib.npyio", "*", "reads more files, pickles included"),
  ...deny("numpy.testing._private.utils", ["runstring"], "runs Python code given as text"),
  ...deny("numpy.f2py", "*", "compiles and runs code"),
  ...deny("numpy.distutils", "*", "runs build commands"),
  ...deny("numpy.ctypeslib", "*", "calls native code"),
  ...deny("keras.saving", "*", "deserializes models, Lambda layers included"),
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Check the repository's allowlist; an entry without a reason, or one that allows everything, is a config error. */
export function validateAllowEntries(list: readonly unknown[], where = "allowlist"): AllowEntry[] {
  const out: AllowEntry[] = [];
  list.forEach((raw, i) => {
    const at = `${where} entry ${i + 1}`;
    if (typeof raw !== "object" || raw === null) throw new GateError(`${at} is not an object`);
    const e = raw as Record<string, unknown>;
    const { module, name, reason } = e;
    if (typeof module !== "string" || module.trim() === "") {
      throw new GateError(`${at} has no module`, {
        hint: "write the Python module, e.g. module: sklearn.linear_model._logistic",
      });
    }
    if (typeof name !== "string" || name.trim() === "") {
      throw new GateError(`${at} (${module}) has no name`, {
        hint: 'write the attribute, e.g. name: LogisticRegression, or name: "*" for every plain attribute',
      });
    }
    if (typeof reason !== "string" || reason.trim() === "") {
      throw new GateError(`${at} (${module}.${name}) has no reason`, {
        hint: "say why importing it from a model file is safe; reviewers read it",
      });
    }
    const base = module.endsWith(".*") ? module.slice(0, -2) : module;
    if (!DOTTED.test(base)) {
      throw new GateError(`${at}: module ${JSON.stringify(module)} is not a Python module path`, {
        hint: 'use a dotted module name, optionally ending in ".*" for its submodules; "*" alone is not allowed',
      });
    }
    if (name !== "*" && !DOTTED.test(name)) {
      throw new GateError(`${at}: name ${JSON.stringify(name)} is not a Python attribute name`);
    }
    out.push({ module, name, reason: reason.trim() });
  });
  return out;
}

function moduleMatches(pattern: string, module: string): boolean {
  if (pattern.endsWith(".*")) {
    const base = pattern.slice(0, -2);
    return module === base || module.startsWith(`${base}.`);
  }
  return pattern === module;
}

/** `*` covers plain attributes only: never dotted paths (protocol 4 attribute chains) or dunders. */
function nameMatches(pattern: string, name: string): boolean {
  if (pattern === "*") return IDENTIFIER.test(name) && !name.startsWith("__");
  return pattern === name;
}

const isWildcard = (e: AllowEntry) => e.name === "*" || e.module.endsWith(".*");

export function dangerOf(module: string, name: string): string | undefined {
  const [m, n] = mapPython2Name(module, name);
  return dangerOfExact(m, n) ?? dangerOfExact(module, name);
}

function dangerOfExact(module: string, name: string): string | undefined {
  const first = name.split(".", 1)[0] ?? name;
  for (const d of DANGEROUS_GLOBALS) {
    const inModule = module === d.module || module.startsWith(`${d.module}.`);
    if (!inModule) continue;
    if (d.name === "*" || d.name === name || d.name === first) return d.reason;
  }
  return undefined;
}

export interface Classification {
  status: GlobalStatus;
  /** Set when a user entry allows a global the denylist names. */
  dangerousButAllowed?: string;
  reason?: string;
}

export function classifyGlobal(
  module: string,
  name: string,
  userAllow: readonly AllowEntry[],
): Classification {
  const danger = dangerOf(module, name);
  for (const e of DEFAULT_ALLOWLIST) {
    if (e.module === module && e.name === name) return { status: "allowed", reason: e.reason };
  }
  for (const e of userAllow) {
    if (!moduleMatches(e.module, module) || !nameMatches(e.name, name)) continue;
    if (danger && isWildcard(e)) continue; // a wildcard never covers a named danger
    return danger
      ? { status: "user-allowed", dangerousButAllowed: danger, reason: e.reason }
      : { status: "user-allowed", reason: e.reason };
  }
  return danger ? { status: "dangerous", reason: danger } : { status: "unknown" };
}
