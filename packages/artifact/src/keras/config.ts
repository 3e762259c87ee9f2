/**
 * Rules for a Keras model config (config.json of a `.keras` archive, or a bare config file).
 * Every object in the tree that names a class is checked, not only layers: activations,
 * initializers, losses and nested models are configs of the same shape.
 *
 * - a `Lambda` layer, a `TFOpLambda` layer or a `__lambda__` function carries Python code
 *   (marshalled bytecode, or a TensorFlow API name resolved at load time): `keras.lambda-layer`;
 * - a `module` outside `keras`/`keras.*` makes Keras import that module: `keras.foreign-module`,
 *   unless the repository allowlist names it; the same for a registered name `package>Name`
 *   (custom code the loading program must supply) and for a dotted or `>` class name in
 *   configs without modules (Keras 2);
 * - `module: "builtins"` with `class_name: "function"` is how Keras names its own functions,
 *   but when the name is also a Python builtin (eval, exec, open, ...) Keras falls through to
 *   the Python builtin: that is foreign too.
 */
import type { AllowEntry } from "../pickle/policy.js";

export interface KerasIssue {
  rule: "keras.lambda-layer" | "keras.foreign-module" | "keras.malformed" | "keras.limit";
  message: string;
  /** JSON path of the object, e.g. `config.layers[2]`. */
  path: string;
  properties?: Record<string, unknown>;
}

const PYTHON_BUILTINS = new Set(
  (
    "abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex " +
    "copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr " +
    "globals hasattr hash help hex id input int isinstance issubclass iter len license list locals map max " +
    "memoryview min next object oct open ord pow print property quit range repr reversed round set setattr " +
    "slice sorted staticmethod str sum super tuple type vars zip __import__ __build_class__ __loader__"
  ).split(" "),
);

const LAMBDA_CLASSES = new Set(["Lambda", "TFOpLambda", "__lambda__"]);

const isKerasModule = (m: string) => m === "keras" || m.startsWith("keras.");

function allowed(allow: readonly AllowEntry[], module: string, name: string): boolean {
  return allow.some((e) => {
    const moduleOk = e.module.endsWith(".*")
      ? module === e.module.slice(0, -2) || module.startsWith(e.module.slice(0, -1))
      : e.module === module;
    return moduleOk && (e.name === name || (e.name === "*" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)));
  });
}

export function checkKerasConfig(
  root: unknown,
  allow: readonly AllowEntry[],
  maxNodes: number,
): KerasIssue[] {
  const issues: KerasIssue[] = [];
  const stack: [unknown, string][] = [[root, "$"]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (++nodes > maxNodes) {
      issues.push({ rule: "keras.limit", message: `the config has more than ${maxNodes} values`, path });
      break;
    }
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
      continue;
    }
    if (typeof node !== "object" || node === null) continue;
    const obj = node as Record<string, unknown>;
    if ("class_name" in obj) checkObject(obj, path, allow, issues);
    const keys = Object.keys(obj);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      stack.push([
        obj[k],
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`,
      ]);
    }
  }
  return issues;
}

function checkObject(
  obj: Record<string, unknown>,
  path: string,
  allow: readonly AllowEntry[],
  issues: KerasIssue[],
) {
  const className = obj.class_name;
  const module = obj.module;
  const registered = obj.registered_name;
  const layerName =
    typeof obj.config === "object" && obj.config !== null
      ? (obj.config as Record<string, unknown>).name
      : undefined;
  const label = `${typeof className === "string" ? className : "object"}${typeof layerName === "string" ? ` "${layerName}"` : ""} at ${path}`;
  if (typeof className !== "string") {
    issues.push({ rule: "keras.malformed", message: `${label}: class_name is not a string`, path });
    return;
  }
  const props = { class_name: className, ...(typeof module === "string" ? { module } : {}) };
  if (LAMBDA_CLASSES.has(className)) {
    issues.push({
      rule: "keras.lambda-layer",
      message:
        className === "TFOpLambda"
          ? `${label} calls a TensorFlow function named in the config at load time`
          : `${label} carries Python code (a marshalled lambda) that runs when the model is used`,
      path,
      properties: props,
    });
  }
  const name = className === "__typespec__" && typeof obj.spec_name === "string" ? obj.spec_name : className;
  if (module !== undefined && module !== null && typeof module !== "string") {
    issues.push({
      rule: "keras.malformed",
      message: `${label}: module is not a string`,
      path,
      properties: props,
    });
  } else if (typeof module === "string" && !isKerasModule(module)) {
    if (module === "builtins" && className === "function") {
      const fn = obj.config;
      if (typeof fn !== "string" || PYTHON_BUILTINS.has(fn) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(fn)) {
        issues.push({
          rule: "keras.foreign-module",
          message: `${label} names the function ${JSON.stringify(fn)}, which Keras resolves to the Python builtin`,
          path,
          properties: { ...props, function: fn },
        });
      }
    } else if (!allowed(allow, module, name)) {
      issues.push({
        rule: "keras.foreign-module",
        message: `${label} imports ${module}.${name}: module ${module} is outside keras and not on the allowlist`,
        path,
        properties: props,
      });
    }
  } else if (
    module === undefined &&
    (/[.>]/.test(className) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(className))
  ) {
    issues.push({
      rule: "keras.foreign-module",
      message: `${label} names a class outside keras`,
      path,
      properties: props,
    });
  }
  const flagged = issues.some((i) => i.path === path && i.rule === "keras.foreign-module");
  if (!flagged && typeof registered === "string" && registered.includes(">")) {
    const owner = typeof module === "string" ? module : "";
    if (!allowed(allow, owner, name)) {
      issues.push({
        rule: "keras.foreign-module",
        message: `${label} is the registered custom object ${registered}: its code comes from outside keras`,
        path,
        properties: { ...props, registered_name: registered },
      });
    }
  }
}
