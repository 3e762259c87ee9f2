/**
 * The GitHub Actions runner protocol, the part the gates use: inputs from `INPUT_*`, workflow
 * commands on stdout, and the file commands (`GITHUB_OUTPUT`, `GITHUB_STATE`,
 * `GITHUB_STEP_SUMMARY`). It is written here rather than taken from `@actions/core` because that
 * package loads an HTTP client (undici) for OIDC tokens at start-up, which cost every action about
 * 120 ms before its first line ran; none of the gates asks for an OIDC token.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync } from "node:fs";
import { EOL } from "node:os";

/** Where an annotation points, as GitHub's `::error file=…,line=…::` properties take it. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export interface InputOptions {
  /** Throw when the input is empty. */
  required?: boolean;
  /** Trim surrounding whitespace (the default). */
  trimWhitespace?: boolean;
}

function commandValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A command's message cannot hold raw line breaks or the runner would read a new command. */
function escapeData(value: unknown): string {
  return commandValue(value).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Property values additionally cannot hold the `:` and `,` that separate them. */
function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** Write `::name key=value,…::message` on a line of its own. */
export function issueCommand(name: string, properties: Record<string, unknown>, message: unknown): void {
  let text = `::${name}`;
  const set = Object.entries(properties).filter(([, v]) => v !== undefined && v !== null && v !== "");
  if (set.length > 0) text += ` ${set.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(",")}`;
  process.stdout.write(`${text}::${escapeData(message)}${EOL}`);
}

/**
 * Append `name<<DELIMITER\nvalue\nDELIMITER` to a file command. The delimiter is random per call,
 * and refused if the value contains it, so a value cannot end the block early and set other keys.
 */
function appendKeyValue(envName: string, name: string, value: unknown): void {
  const file = process.env[envName]!;
  if (!existsSync(file)) throw new Error(`the runner's ${envName} file does not exist: ${file}`);
  const text = commandValue(value);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || text.includes(delimiter)) {
    throw new Error(`a value for ${name} contains the delimiter ${delimiter}`);
  }
  appendFileSync(file, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, "utf8");
}

export function getInput(name: string, options: InputOptions = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "";
  if (options.required && value === "") throw new Error(`Input required and not supplied: ${name}`);
  return options.trimWhitespace === false ? value : value.trim();
}

/** The input's non-empty lines. */
export function getMultilineInput(name: string, options: InputOptions = {}): string[] {
  const lines = getInput(name, options)
    .split("\n")
    .filter((line) => line !== "");
  return options.trimWhitespace === false ? lines : lines.map((line) => line.trim());
}

export function setOutput(name: string, value: unknown): void {
  if (process.env.GITHUB_OUTPUT) appendKeyValue("GITHUB_OUTPUT", name, value);
  else {
    process.stdout.write(EOL);
    issueCommand("set-output", { name }, value);
  }
}

/** Kept for the post step of the same action, which reads it with `getState`. */
export function saveState(name: string, value: unknown): void {
  if (process.env.GITHUB_STATE) appendKeyValue("GITHUB_STATE", name, value);
  else issueCommand("save-state", { name }, value);
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? "";
}

/** Ask the runner to mask `secret` wherever it would appear in the log from now on. */
export function setSecret(secret: string): void {
  issueCommand("add-mask", {}, secret);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function debug(message: string): void {
  issueCommand("debug", {}, message);
}

function annotate(level: "error" | "warning" | "notice", message: unknown, p: AnnotationProperties): void {
  const text = message instanceof Error ? message.toString() : message;
  issueCommand(
    level,
    {
      title: p.title,
      file: p.file,
      line: p.startLine,
      endLine: p.endLine,
      col: p.startColumn,
      endColumn: p.endColumn,
    },
    text,
  );
}

export function error(message: string | Error, properties: AnnotationProperties = {}): void {
  annotate("error", message, properties);
}

export function warning(message: string | Error, properties: AnnotationProperties = {}): void {
  annotate("warning", message, properties);
}

export function notice(message: string | Error, properties: AnnotationProperties = {}): void {
  annotate("notice", message, properties);
}

/** Fail the step (exit code 1) with an error annotation. */
export function setFailed(message: string | Error): void {
  process.exitCode = 1;
  error(message);
}

/** Run `fn` inside a collapsible group of the log. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issueCommand("group", {}, name);
  try {
    return await fn();
  } finally {
    issueCommand("endgroup", {}, "");
  }
}

/** Append markdown to the job summary; false when the runner offers none (a local run). */
export function appendSummary(markdown: string): boolean {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown + EOL, "utf8");
  return true;
}
