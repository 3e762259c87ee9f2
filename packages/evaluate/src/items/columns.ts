import { GateError, type SourceLocation } from "@mlgate/core";
import { ROLE } from "./file-access.js";
import type { ColumnMap } from "./types.js";

/** The columns a reader takes each part of an item from, after defaults. */
export interface Roles {
  id: string;
  label?: string;
  prediction?: string;
  score?: string;
  positiveScore?: string;
  slices: string[];
  /** The score column was found by its default name: a classification reads it as the positive-class score. */
  scoreByDefault: boolean;
}

/** Column names tried, in order, for each part the user did not map. */
export interface DefaultColumns {
  label: string[];
  prediction: string[];
  score: string[];
  positiveScore: string[];
  slice: string[];
}

export const GENERIC_DEFAULTS: DefaultColumns = {
  label: ["label"],
  prediction: ["prediction"],
  score: ["score"],
  positiveScore: ["probability"],
  slice: ["slice"],
};

type Part = Exclude<keyof ColumnMap, "id" | "slice">;

/**
 * Decide which columns to read from those a header (or the first JSON record) offers. Columns the
 * user named must exist; default names are used when present.
 */
export function resolveRoles(
  map: Partial<ColumnMap>,
  found: readonly string[],
  has: (name: string) => boolean,
  location: SourceLocation,
  defaults: DefaultColumns = GENERIC_DEFAULTS,
): Roles {
  const need = (name: string, part: string): string => {
    if (!has(name)) throw missingColumn(name, part, found, location);
    return name;
  };
  const pick = (part: Part): string | undefined => {
    const named = map[part];
    if (named !== undefined) return need(named, part);
    return defaults[part].find(has);
  };
  const id = need(map.id ?? "id", "id");
  const roles: Roles = {
    id,
    // A column named twice is one slice column.
    slices: map.slice
      ? [...new Set(map.slice)].map((s) => need(s, "slice"))
      : defaults.slice.filter(has).slice(0, 1),
    scoreByDefault: map.score === undefined,
  };
  for (const part of ["label", "prediction", "score", "positiveScore"] as const) {
    const name = pick(part);
    if (name !== undefined) roles[part] = name;
  }
  if (roles.score === undefined) roles.scoreByDefault = false;
  requireSomethingToCompare(roles, found, location);
  return roles;
}

function requireSomethingToCompare(roles: Roles, found: readonly string[], location: SourceLocation): void {
  const pair = roles.label !== undefined && roles.prediction !== undefined;
  if (pair || roles.score !== undefined) return;
  const half =
    roles.label !== undefined
      ? "a label but no prediction"
      : roles.prediction
        ? "a prediction but no label"
        : "";
  throw new GateError(
    `${ROLE} has ${half || "no label, prediction or score"} column to compare; columns found: ${listColumns(found)}`,
    { location, hint: `${MAP_HINT} (label and prediction, or score)` },
  );
}

const MAP_HINT =
  "map columns with --column label=NAME --column prediction=NAME (action input `columns`, or `columns:` under eval-gate in mlgate.yml)";

export function missingColumn(
  name: string,
  part: string,
  found: readonly string[],
  location: SourceLocation,
  hint = `map the ${part} column with --column ${part}=NAME (action input "columns", or eval-gate columns.${part} in mlgate.yml)`,
): GateError {
  const mapped = part === name ? "" : ` (the ${part} column)`;
  return new GateError(`no column "${name}"${mapped}; columns found: ${listColumns(found)}`, {
    location,
    hint,
  });
}

export function listColumns(found: readonly string[]): string {
  if (found.length === 0) return "none";
  const shown = found.slice(0, 20).map((c) => JSON.stringify(c));
  return shown.join(", ") + (found.length > 20 ? `, and ${found.length - 20} more` : "");
}
