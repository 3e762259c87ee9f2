// Keeps the inputs/outputs tables in each action's README in step with its action.yml.

/** @typedef {import("./action-meta.mjs").Input} Input */
/** @typedef {import("./action-meta.mjs").Output} Output */

/** @param {Input[]} inputs */
export function inputsTable(inputs) {
  if (inputs.length === 0) return "This action has no inputs.";
  const rows = inputs.map((input) =>
    row([
      code(input.name),
      cellText(input.description),
      input.required ? "yes" : "no",
      input.hasDefault ? defaultCell(input.default) : "",
    ]),
  );
  return [row(["Input", "Description", "Required", "Default"]), "|---|---|---|---|", ...rows].join("\n");
}

/** @param {Output[]} outputs */
export function outputsTable(outputs) {
  if (outputs.length === 0) return "This action has no outputs.";
  const rows = outputs.map((output) => row([code(output.name), cellText(output.description)]));
  return [row(["Output", "Description"]), "|---|---|", ...rows].join("\n");
}

/**
 * Replaces what lies between the `<!-- NAME:start -->` and `<!-- NAME:end -->` markers.
 * @returns {{ text: string } | { error: string }}
 */
export function replaceSection(text, name, content) {
  const start = new RegExp(`<!--\\s*${name}:start\\s*-->`, "g");
  const end = new RegExp(`<!--\\s*${name}:end\\s*-->`, "g");
  const starts = [...text.matchAll(start)];
  const ends = [...text.matchAll(end)];
  const hint = `add "<!-- ${name}:start -->" and "<!-- ${name}:end -->" on their own lines where the ${name} table belongs (e.g. under "## ${capitalize(name)}")`;
  if (starts.length === 0 || ends.length === 0) return { error: `has no ${name} table markers: ${hint}` };
  if (starts.length > 1 || ends.length > 1)
    return { error: `has more than one set of ${name} markers: keep one pair` };
  const [open] = starts;
  const [close] = ends;
  if (close.index < open.index)
    return { error: `has "<!-- ${name}:end -->" before "<!-- ${name}:start -->"` };
  const head = text.slice(0, open.index + open[0].length);
  const tail = text.slice(close.index);
  return { text: `${head}\n${content}\n${tail}` };
}

/**
 * @param {string} readme current README text
 * @param {{ inputs: Input[], outputs: Output[] }} meta
 * @returns {{ text: string } | { error: string }}
 */
export function renderReadme(readme, meta) {
  const withInputs = replaceSection(readme, "inputs", inputsTable(meta.inputs));
  if ("error" in withInputs) return withInputs;
  return replaceSection(withInputs.text, "outputs", outputsTable(meta.outputs));
}

function row(cells) {
  return `| ${cells.join(" | ")} |`;
}

// Markdown table cells are one line, and a bare pipe would start a new cell.
export function cellText(text) {
  return text
    .trim()
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, "<br>");
}

function defaultCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  if (text === "") return '`""`';
  return text.replace(/\r\n?/g, "\n").split("\n").map(code).join("<br>");
}

// A code span whose fence is longer than any backtick run inside it; pipes stay escaped (GFM tables).
function code(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text.replace(/\|/g, "\\|")}${pad}${fence}`;
}

function capitalize(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
