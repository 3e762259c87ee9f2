import { extname } from "node:path";
import { readHead } from "./file-access.js";
import type { ItemFormat } from "./types.js";

/** How to read a file: line by line as JSON, as delimited text, or as one JSON document. */
export type ReadPlan =
  | { reader: "json-lines"; format?: "jsonl" | "lm-eval-samples" }
  | { reader: "csv"; delimiter: string }
  | { reader: "document"; format?: "promptfoo" | "mlflow-eval" };

const HEAD_BYTES = 64 * 1024;

/**
 * The extension decides where it is unambiguous; `.json` and unknown extensions are told apart by
 * their first bytes. Which JSON Lines or document format it is waits for the first record.
 */
export async function planRead(path: string, format: ItemFormat | undefined): Promise<ReadPlan> {
  const ext = extname(path).toLowerCase();
  switch (format) {
    case "jsonl":
    case "lm-eval-samples":
      return { reader: "json-lines", format };
    case "promptfoo":
    case "mlflow-eval":
      return { reader: "document", format };
    case "csv":
      return { reader: "csv", delimiter: ext === ".tsv" ? "\t" : sniffDelimiter(await head(path)) };
  }
  // lm-eval's samples_<task>_<date>.jsonl is told from other JSON Lines by its first line, whatever its name.
  if (ext === ".jsonl" || ext === ".ndjson") return { reader: "json-lines" };
  if (ext === ".csv") return { reader: "csv", delimiter: "," };
  if (ext === ".tsv" || ext === ".tab") return { reader: "csv", delimiter: "\t" };
  const text = await head(path);
  const start = text.trimStart()[0];
  if (start === "{") return isJsonLines(text) ? { reader: "json-lines" } : { reader: "document" };
  if (start === "[" || ext === ".json") return { reader: "document" };
  return { reader: "csv", delimiter: sniffDelimiter(text) };
}

async function head(path: string): Promise<string> {
  return (await readHead(path, HEAD_BYTES)).toString("utf8");
}

/** A first line that is a whole object, followed by another object: JSON Lines under another name. */
function isJsonLines(text: string): boolean {
  const lines = text.trimStart().split("\n");
  if (lines.length < 2) return false;
  try {
    const first: unknown = JSON.parse(lines[0] ?? "");
    return (
      first !== null && typeof first === "object" && lines.slice(1).some((l) => l.trimStart().startsWith("{"))
    );
  } catch {
    return false;
  }
}

function sniffDelimiter(text: string): string {
  const header = text.split("\n", 1)[0] ?? "";
  const count = (c: string) => header.split(c).length - 1;
  return count("\t") > count(",") ? "\t" : ",";
}
