/**
 * Python 2 names that Python 3's unpickler maps to their new homes for protocols 0-2
 * (`fix_imports`). Only the mappings that reach modules the scanner judges are listed: any
 * other Python 2 module stays unmapped and therefore unknown, which fails closed.
 */
const MODULES: Record<string, string> = {
  __builtin__: "builtins",
  copy_reg: "copyreg",
  cPickle: "pickle",
  commands: "subprocess",
  exceptions: "builtins",
  UserDict: "collections",
  UserList: "collections",
  UserString: "collections",
  cStringIO: "io",
  StringIO: "io",
  urllib2: "urllib.request",
  httplib: "http.client",
  SocketServer: "socketserver",
  Queue: "queue",
  thread: "_thread",
};

const NAMES: Record<string, [string, string]> = {
  "__builtin__.reduce": ["functools", "reduce"],
  "__builtin__.xrange": ["builtins", "range"],
  "__builtin__.unicode": ["builtins", "str"],
  "__builtin__.basestring": ["builtins", "str"],
  "__builtin__.long": ["builtins", "int"],
  "__builtin__.unichr": ["builtins", "chr"],
  "__builtin__.intern": ["sys", "intern"],
  "itertools.izip": ["builtins", "zip"],
  "itertools.imap": ["builtins", "map"],
  "itertools.ifilter": ["builtins", "filter"],
  "UserDict.UserDict": ["collections", "UserDict"],
  "UserDict.IterableUserDict": ["collections", "UserDict"],
  "exceptions.StandardError": ["builtins", "Exception"],
};

/** The (module, name) a protocol < 3 load actually imports for what the stream names. */
export function mapPython2Name(module: string, name: string): [string, string] {
  const exact = NAMES[`${module}.${name}`];
  if (exact) return exact;
  const mapped = MODULES[module];
  return mapped ? [mapped, name] : [module, name];
}
