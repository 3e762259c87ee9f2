import { GateError, type SourceLocation } from "@mlgate/core";

/** How the dataset is named in messages. */
export const DATASET = "eval dataset";

/** Where a row sits and how it reads in a message: `line 12 (id "r7")`. */
export interface RowPlace {
  file: string;
  line: number;
  id?: string;
}

export function rowText(place: RowPlace): string {
  return place.id === undefined
    ? `line ${place.line}`
    : `line ${place.line} (id ${JSON.stringify(place.id)})`;
}

/** A problem with one row of the dataset, naming the row and the column. */
export function rowError(
  place: RowPlace,
  column: string | undefined,
  message: string,
  hint?: string,
): GateError {
  const where = column === undefined ? "" : `, column ${JSON.stringify(column)}`;
  const location: SourceLocation = { file: place.file, line: place.line };
  return new GateError(`${DATASET} ${rowText(place)}${where}: ${message}`, {
    location,
    ...(hint ? { hint } : {}),
  });
}

/** fs failures become GateErrors naming the file and its role; anything else passes through untouched. */
export function fsError(e: unknown, path: string, role: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return e;
  return new GateError(
    code === "ENOENT" ? `${role} not found: ${path}` : `cannot read ${role} ${path}: ${code}`,
    {
      location: { file: path },
      ...(code === "ENOENT"
        ? { hint: "check the path (relative paths start at the working directory)" }
        : {}),
      cause: e,
    },
  );
}

/** Short, printable form of a raw value for a message. */
export function show(raw: unknown): string {
  const text = typeof raw === "string" ? JSON.stringify(raw) : String(JSON.stringify(raw) ?? String(raw));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
