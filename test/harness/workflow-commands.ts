/**
 * Parsers for what a JavaScript action hands back to the runner: `::command::` lines on stdout and
 * the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV files. They follow the runner's rules, so an action
 * that passes here is read the same way on GitHub.
 */

export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  title?: string;
}

export interface ParsedCommands {
  annotations: Annotation[];
  secretsMasked: string[];
  /** Titles of `::group::` sections, in order. */
  groups: string[];
  debug: string[];
}

// Same replacement order as the runner (ActionCommand.Unescape*).
function unescapeData(s: string): string {
  return s.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
}

function unescapeProperty(s: string): string {
  return s
    .replaceAll("%0D", "\r")
    .replaceAll("%0A", "\n")
    .replaceAll("%3A", ":")
    .replaceAll("%2C", ",")
    .replaceAll("%25", "%");
}

interface Command {
  name: string;
  properties: Record<string, string>;
  data: string;
}

function parseCommand(line: string): Command | undefined {
  // The runner trims leading whitespace, then wants `::name[ k=v,...]::data`.
  const text = line.trimStart();
  if (!text.startsWith("::")) return undefined;
  const end = text.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of info.slice(space + 1).split(",")) {
      const eq = pair.indexOf("=");
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, properties, data: unescapeData(text.slice(end + 2)) };
}

function toInt(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number.parseInt(s, 10);
  return Number.isNaN(n) ? undefined : n;
}

export function parseWorkflowCommands(stdout: string): ParsedCommands {
  const parsed: ParsedCommands = { annotations: [], secretsMasked: [], groups: [], debug: [] };
  // `::stop-commands::TOKEN` turns processing off until a `::TOKEN::` line.
  let stopToken: string | undefined;
  for (const raw of stdout.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const cmd = parseCommand(line);
    if (!cmd) continue;
    if (stopToken !== undefined) {
      if (cmd.name === stopToken) stopToken = undefined;
      continue;
    }
    switch (cmd.name) {
      case "error":
      case "warning":
      case "notice": {
        const p = cmd.properties;
        const a: Annotation = { level: cmd.name, message: cmd.data };
        if (p.file !== undefined) a.file = p.file;
        const line = toInt(p.line);
        if (line !== undefined) a.line = line;
        const col = toInt(p.col);
        if (col !== undefined) a.col = col;
        const endLine = toInt(p.endLine);
        if (endLine !== undefined) a.endLine = endLine;
        const endColumn = toInt(p.endColumn);
        if (endColumn !== undefined) a.endColumn = endColumn;
        if (p.title !== undefined) a.title = p.title;
        parsed.annotations.push(a);
        break;
      }
      case "add-mask":
        if (cmd.data) parsed.secretsMasked.push(cmd.data);
        break;
      case "stop-commands":
        if (cmd.data) stopToken = cmd.data;
        break;
      case "group":
        parsed.groups.push(cmd.data);
        break;
      case "debug":
        parsed.debug.push(cmd.data);
        break;
    }
  }
  return parsed;
}

/**
 * GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV content: `name=value` lines and `name<<DELIMITER`
 * heredocs. Throws on what the runner would reject, so a malformed file fails the test.
 */
export function parseKeyValueFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (!name) throw new Error(`invalid line ${i + 1}: empty name in ${JSON.stringify(line)}`);
      out[name] = line.slice(eq + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!name || !delimiter) throw new Error(`invalid line ${i + 1}: ${JSON.stringify(line)}`);
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i]!);
      }
      if (!closed)
        throw new Error(`matching delimiter not found: ${JSON.stringify(delimiter)} (for "${name}")`);
      out[name] = value.join("\n");
    } else {
      throw new Error(`invalid line ${i + 1}: ${JSON.stringify(line)}`);
    }
  }
  return out;
}
