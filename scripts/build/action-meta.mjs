// Reads an action.yml and checks the conventions every mlgate action follows. Problems are collected,
// not thrown, so one run lists all of them.
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";

const REQUIRED_USING = "node24";
const REQUIRED_MAIN = "dist/index.js";

/**
 * @typedef {{ name: string, description: string, required: boolean, hasDefault: boolean, default: unknown }} Input
 * @typedef {{ name: string, description: string }} Output
 * @typedef {{ inputs: Input[], outputs: Output[], problems: string[] }} ActionMeta
 */

/**
 * @param {string} text contents of action.yml
 * @param {string} file path shown in messages (relative to the repository root)
 * @returns {ActionMeta}
 */
export function readActionMeta(text, file) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const problems = [];
  const at = (node) => {
    const offset = node?.range?.[0];
    return offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`;
  };

  for (const error of doc.errors) {
    problems.push(
      `${file}:${error.linePos?.[0]?.line ?? "?"}: invalid YAML: ${error.message.split("\n")[0]}`,
    );
  }
  if (problems.length > 0) return { inputs: [], outputs: [], problems };
  if (!isMap(doc.contents)) {
    return { inputs: [], outputs: [], problems: [`${file}: expected a mapping at the top level`] };
  }

  for (const key of ["name", "description"]) {
    if (!nonEmptyString(doc.get(key))) problems.push(`${file}: "${key}" is missing or empty`);
  }
  const branding = doc.get("branding", true);
  if (!isMap(branding)) {
    problems.push(`${at(branding)}: "branding" (icon and color) is missing`);
  } else {
    for (const key of ["icon", "color"]) {
      if (!nonEmptyString(branding.get(key))) problems.push(`${at(branding)}: "branding.${key}" is missing`);
    }
  }
  const using = doc.getIn(["runs", "using"]);
  if (using !== REQUIRED_USING) {
    problems.push(
      `${at(doc.getIn(["runs", "using"], true))}: runs.using must be "${REQUIRED_USING}", found ${show(using)}`,
    );
  }
  const main = doc.getIn(["runs", "main"]);
  if (main !== REQUIRED_MAIN) {
    problems.push(
      `${at(doc.getIn(["runs", "main"], true))}: runs.main must be "${REQUIRED_MAIN}", found ${show(main)}`,
    );
  }

  const inputs = entries(doc.get("inputs", true), "inputs", at, problems).map(({ name, node, keyNode }) => {
    const description = isMap(node) ? node.get("description") : undefined;
    if (!nonEmptyString(description)) problems.push(`${at(keyNode)}: input "${name}" has no description`);
    const hasRequired = isMap(node) && node.has("required");
    const hasDefault = isMap(node) && node.has("default");
    if (!hasRequired && !hasDefault) {
      problems.push(`${at(keyNode)}: input "${name}" must state "required" or "default" explicitly`);
    }
    const required = isMap(node) ? node.get("required") : undefined;
    return {
      name,
      description: typeof description === "string" ? description : "",
      required: required === true || required === "true",
      hasDefault,
      default: hasDefault ? node.get("default") : undefined,
    };
  });

  const outputs = entries(doc.get("outputs", true), "outputs", at, problems).map(
    ({ name, node, keyNode }) => {
      const description = isMap(node) ? node.get("description") : undefined;
      if (!nonEmptyString(description)) problems.push(`${at(keyNode)}: output "${name}" has no description`);
      return { name, description: typeof description === "string" ? description : "" };
    },
  );

  return { inputs, outputs, problems };
}

// The pairs of an optional mapping such as `inputs:`, in file order.
function entries(map, section, at, problems) {
  if (map === undefined || (isScalar(map) && map.value === null)) return [];
  if (!isMap(map)) {
    problems.push(`${at(map)}: "${section}" must be a mapping`);
    return [];
  }
  return map.items.map((pair) => ({
    name: String(isScalar(pair.key) ? pair.key.value : pair.key),
    keyNode: pair.key,
    node: pair.value,
  }));
}

function nonEmptyString(value) {
  return typeof value === "string" && value.trim() !== "";
}

function show(value) {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
