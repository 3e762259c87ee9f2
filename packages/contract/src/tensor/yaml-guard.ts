import { GateError } from "@mlgate/core";

const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][-+1-9]*$/;

/**
 * The YAML parser takes quadratic time on pathologically deep input (`[[[[…`, `- - - …`, ever
 * deeper indentation), so nesting is measured first by a linear scan: flow brackets outside quoted
 * scalars and comments, dashes that open sequences on one line, and the stack of indentations.
 * Block scalars (`|`, `>`) are skipped. Each measure is a lower bound of the real depth, so nothing
 * the parser would accept within the limit is refused.
 */
export function checkYamlNesting(text: string, file: string, maxDepth: number, lineOffset = 0): void {
  let flow = 0;
  let quote: '"' | "'" | null = null;
  const indents: number[] = [];
  let blockScalarIndent = -1;
  let lineNumber = 0;
  const fail = (column: number): never => {
    throw new GateError(`${file} nests deeper than ${maxDepth} levels`, {
      location: { file, line: lineNumber + lineOffset, column },
      hint: "manifests and signature files are shallow; this limit stops runaway or malicious files",
    });
  };

  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    lineNumber++;
    let indent = 0;
    while (line[indent] === " ") indent++;
    const blank = indent === line.length || line[indent] === "#" || line[indent] === "\r";
    if (blockScalarIndent >= 0) {
      if (blank || indent > blockScalarIndent) continue;
      blockScalarIndent = -1;
    }
    if (!blank && flow === 0 && quote === null) {
      while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
      indents.push(indent);
      if (indents.length > maxDepth) fail(indent + 1);
      // `- - - x` opens one sequence per dash.
      let dashes = 0;
      for (let i = indent; i < line.length - 1; i += 2) {
        if ((line[i] === "-" || line[i] === "?") && (line[i + 1] === " " || line[i + 1] === "\t")) {
          if (++dashes > maxDepth) fail(i + 1);
          while (line[i + 2] === " ") i++;
        } else break;
      }
    }
    // Characters: quotes (which may span lines), comments, flow brackets.
    let previous = " ";
    // End of the line's content before any comment, to spot a block scalar header.
    let contentEnd = line.length;
    for (let i: number = quote === null ? indent : 0; i < line.length; i++) {
      const c: string = line[i]!;
      if (quote) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = null;
        }
        previous = c;
        continue;
      }
      if (c === "#" && (previous === " " || previous === "\t")) {
        contentEnd = i;
        break;
      }
      if ((c === '"' || c === "'") && " \t:-[{,?".includes(previous)) quote = c;
      else if (c === "[" || c === "{") {
        if (++flow > maxDepth) fail(i + 1);
      } else if (c === "]" || c === "}") flow = Math.max(0, flow - 1);
      previous = c;
    }
    const tail = line.slice(Math.max(indent, contentEnd - 12), contentEnd).trimEnd();
    if (quote === null && flow === 0 && BLOCK_SCALAR_HEADER.test(tail)) blockScalarIndent = indent;
  }
}
