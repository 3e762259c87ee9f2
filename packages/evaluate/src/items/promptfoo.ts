import { GateError } from "@mlgate/core";
import { listColumns, type Roles } from "./columns.js";
import { isObject } from "./json-document.js";
import { type RowReader, TableBuilder } from "./table-builder.js";
import type { ItemLimits, ItemTable, ReadItemsOptions } from "./types.js";

type Entry = Record<string, unknown>;

/** The per-test results of a promptfoo `output.json`, and the JSON path they sit at. */
export function promptfooResults(doc: unknown): { path: string; results: unknown[] } | undefined {
  if (!isObject(doc)) return undefined;
  if (isObject(doc.results) && Array.isArray(doc.results.results)) {
    return { path: "results.results", results: doc.results.results };
  }
  // Output of promptfoo versions before the `results` object held the list itself.
  if (Array.isArray(doc.results) && doc.results.every((r) => isObject(r) && "success" in r)) {
    return { path: "results", results: doc.results };
  }
  return undefined;
}

/**
 * Items from promptfoo: id = testIdx, or `testIdx:promptIdx` when the run had several prompts or
 * providers (each is a column of promptfoo's table); score = success as 1/0, or `score` or a named
 * score with the metric option. Columns mapped by the user are test variables (`vars`), then test metadata.
 */
export function promptfooItems(
  file: string,
  found: { path: string; results: unknown[] },
  options: ReadItemsOptions,
  limits: ItemLimits,
): ItemTable {
  const { path, results } = found;
  const describe = (i: number) => `${path}[${i}]`;
  const entries = results.map((r, i) => {
    if (!isObject(r)) throw new GateError(`${describe(i)} is not an object`, { location: { file } });
    return r;
  });
  const columns = options.columns ?? {};
  const metric = options.metric ?? "success";
  const firstVars = entries[0] === undefined ? {} : varsOf(entries[0]);
  const defaultSlice = "slice" in firstVars ? ["slice"] : [];
  const roles: Roles = {
    id: columns.id ?? "testIdx",
    score: metric,
    slices: columns.slice ? [...new Set(columns.slice)] : defaultSlice,
    scoreByDefault: false,
    ...(columns.label ? { label: columns.label } : {}),
    ...(columns.prediction ? { prediction: columns.prediction } : {}),
  };
  const severalPrompts = new Set(entries.map((e) => e.promptIdx)).size > 1;
  // Rows are indices into `entries`; the id and score come from promptfoo's fields, the rest from vars.
  const reader: RowReader<number> = {
    read: (i, column) => {
      const entry = entries[i]!;
      if (column === roles.id && columns.id === undefined)
        return idOf(entry, severalPrompts, file, describe(i));
      if (column === roles.score) return scoreOf(entry, metric, file, describe(i));
      return varsOf(entry)[column] ?? metadataOf(entry)[column];
    },
    locate: () => ({ file }),
    describe,
  };
  const builder = new TableBuilder(file, roles, limits, reader, {
    ...(options.kind ? { kind: options.kind } : {}),
    preferScore: true,
  });
  let errors = 0;
  entries.forEach((entry, i) => {
    if (isProviderError(entry)) errors++;
    builder.add(i, i);
  });
  const warnings =
    errors === 0
      ? []
      : [
          errors === 1
            ? "1 promptfoo result is a provider error, counted as a failure"
            : `${errors} promptfoo results are provider errors, counted as failures`,
        ];
  return builder.finish("promptfoo", warnings);
}

/** promptfoo's failureReason 2 is an error (1 is a failed assertion); older output only has `error`. */
function isProviderError(entry: Entry): boolean {
  if (entry.failureReason !== undefined) return entry.failureReason === 2;
  return Boolean(entry.error) && !entry.gradingResult;
}

function varsOf(entry: Entry): Record<string, unknown> {
  if (isObject(entry.vars)) return entry.vars;
  if (isObject(entry.testCase) && isObject(entry.testCase.vars)) return entry.testCase.vars;
  return {};
}

function metadataOf(entry: Entry): Record<string, unknown> {
  if (isObject(entry.testCase) && isObject(entry.testCase.metadata)) return entry.testCase.metadata;
  if (isObject(entry.metadata)) return entry.metadata;
  return {};
}

function idOf(entry: Entry, severalPrompts: boolean, file: string, where: string): unknown {
  const { testIdx, promptIdx } = entry;
  if (!Number.isInteger(testIdx)) {
    throw new GateError(`${where} has no testIdx to identify its test`, {
      location: { file },
      hint: "map the id to a test variable with --column id=VAR",
    });
  }
  if (!severalPrompts) return testIdx;
  if (!Number.isInteger(promptIdx)) {
    throw new GateError(`${where} has no promptIdx, and the run has several prompts`, { location: { file } });
  }
  return `${testIdx}:${promptIdx}`;
}

function scoreOf(entry: Entry, metric: string, file: string, where: string): unknown {
  if (metric === "success" || metric === "score") {
    if (entry[metric] === undefined) {
      throw new GateError(`${where} has no "${metric}"`, { location: { file } });
    }
    return entry[metric];
  }
  const named = isObject(entry.namedScores) ? entry.namedScores : {};
  if (!(metric in named)) {
    throw new GateError(
      `${where} has no named score "${metric}"; named scores found: ${listColumns(Object.keys(named))}`,
      {
        location: { file },
        hint: 'the promptfoo metric is "success" (1/0), "score" or the name of an assertion metric',
      },
    );
  }
  return named[metric];
}
