import { GateError } from "@mlgate/core";
import type { ItemRecord, ItemTable } from "./types.js";

/** Candidate and baseline results of the same items, side by side. */
export interface PairedItems {
  /** Ids present in both, in the candidate file's order. */
  ids: string[];
  candidate: ItemRecord[];
  /** Same order as `candidate`; slices are the candidate's. */
  baseline: ItemRecord[];
  onlyInCandidate: string[];
  onlyInBaseline: string[];
  sliceColumns: string[];
  /** Unpaired ids and disagreements on slices or labels, summarised. */
  warnings: string[];
}

/** How many examples a warning names. */
const EXAMPLES = 3;

/**
 * Join on item id. Items only one side has are listed, not dropped silently; a comparison with no
 * item in common, or of tables of different kinds, is refused because it cannot mean anything.
 */
export function pairItems(candidate: ItemTable, baseline: ItemTable): PairedItems {
  if (candidate.kind !== baseline.kind) {
    throw new GateError(`candidate items are ${candidate.kind} but baseline items are ${baseline.kind}`, {
      location: { file: baseline.file },
      hint: "read both with the same kind option and column mapping",
    });
  }
  const byId = new Map<string, ItemRecord>();
  for (const r of baseline.records) byId.set(r.id, r);

  const paired: PairedItems = {
    ids: [],
    candidate: [],
    baseline: [],
    onlyInCandidate: [],
    onlyInBaseline: [],
    sliceColumns: [...candidate.sliceColumns],
    warnings: [],
  };
  const sliceDiffs: string[] = [];
  const labelDiffs: string[] = [];
  let sliceDiffCount = 0;
  let labelDiffCount = 0;

  for (const c of candidate.records) {
    const b = byId.get(c.id);
    if (b === undefined) {
      paired.onlyInCandidate.push(c.id);
      continue;
    }
    byId.delete(c.id);
    const sliceDiff = differentSlice(c, b, paired.sliceColumns);
    if (sliceDiff !== undefined) {
      if (sliceDiffCount++ < EXAMPLES) sliceDiffs.push(`${JSON.stringify(c.id)} ${sliceDiff}`);
    }
    if (c.label !== undefined && b.label !== undefined && c.label !== b.label) {
      if (labelDiffCount++ < EXAMPLES) {
        labelDiffs.push(`${JSON.stringify(c.id)}: ${JSON.stringify(c.label)} vs ${JSON.stringify(b.label)}`);
      }
    }
    paired.ids.push(c.id);
    paired.candidate.push(c);
    const sameSlices = paired.sliceColumns.every((column) => b.slices[column] === c.slices[column]);
    paired.baseline.push(sameSlices ? b : { ...b, slices: c.slices });
  }
  for (const r of baseline.records) if (byId.has(r.id)) paired.onlyInBaseline.push(r.id);

  if (paired.ids.length === 0) {
    throw new GateError(
      `candidate and baseline have no item id in common (candidate ids such as ${examples(candidate.records.map((r) => r.id))}; baseline ids such as ${examples(baseline.records.map((r) => r.id))})`,
      {
        location: { file: baseline.file },
        hint: "map the same id column in both files with --column id=NAME",
      },
    );
  }
  const { warnings } = paired;
  if (paired.onlyInCandidate.length > 0) {
    warnings.push(
      `${count(paired.onlyInCandidate.length)} only in the candidate (${examples(paired.onlyInCandidate)}) ${be(paired.onlyInCandidate.length)} not compared`,
    );
  }
  if (paired.onlyInBaseline.length > 0) {
    warnings.push(
      `${count(paired.onlyInBaseline.length)} only in the baseline (${examples(paired.onlyInBaseline)}) ${be(paired.onlyInBaseline.length)} not compared`,
    );
  }
  if (sliceDiffCount > 0) {
    warnings.push(
      `${count(sliceDiffCount)} in a different slice in the baseline, the candidate's slice is used (${sliceDiffs.join("; ")})`,
    );
  }
  if (labelDiffCount > 0) {
    warnings.push(
      `${count(labelDiffCount)} with a different label in the baseline, candidate vs baseline (${labelDiffs.join("; ")}): were both evaluated on the same data?`,
    );
  }
  return paired;
}

/** The first slice column the baseline gives another value, said for a message. */
function differentSlice(c: ItemRecord, b: ItemRecord, columns: string[]): string | undefined {
  if (c.slices === b.slices) return undefined;
  for (const column of columns) {
    const theirs = b.slices[column];
    const ours = c.slices[column];
    if (theirs !== undefined && theirs !== ours) {
      return `${column}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`;
    }
  }
  return undefined;
}

const be = (n: number): string => (n === 1 ? "is" : "are");

const count = (n: number): string => (n === 1 ? "1 item" : `${n} items`);

function examples(ids: string[]): string {
  const shown = ids.slice(0, EXAMPLES).map((id) => JSON.stringify(id));
  return shown.join(", ") + (ids.length > EXAMPLES ? ", ..." : "");
}
