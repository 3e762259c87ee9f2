/**
 * OpenAPI and JSON Schema contracts from file to changes: load (with every reference checked),
 * normalise, compare, and turn places into lines.
 */
import { GateError } from "@mlgate/core";
import type { Change } from "./change.js";
import { diffSchemaModels, type SchemaRole } from "./json-schema/diff.js";
import { type ContractLimits, contractLimits } from "./limits.js";
import { LoadedContract } from "./load/contract.js";
import type { ContractFiles } from "./load/files.js";
import { buildModel } from "./model/build.js";
import type { ApiModel, SchemaModel } from "./model/types.js";
import { diffApiModels } from "./openapi/diff.js";
import { ChangeCollector, type CounterExampleStats } from "./rules/collector.js";

export interface LoadedSide {
  contract: LoadedContract;
  model: ApiModel | SchemaModel;
}

export interface LoadSideOptions {
  limits?: Partial<ContractLimits>;
  /** Hosts a `$ref` may fetch from; none by default. */
  allowUrls?: readonly string[];
}

/** Read one side: every file it references, parsed and checked, and its normalised model. */
export async function loadSchemaContract(
  entry: string,
  files: ContractFiles,
  options: LoadSideOptions = {},
): Promise<LoadedSide> {
  const contract = await LoadedContract.load(entry, files, {
    limits: contractLimits(options.limits),
    ...(options.allowUrls ? { allowUrls: options.allowUrls } : {}),
  });
  return { contract, model: buildModel(contract) };
}

export interface SchemaDiffOptions {
  /** What a standalone JSON Schema describes (default `request`). */
  role?: SchemaRole;
  /** How a standalone JSON Schema's changes are grouped (default: the head file). */
  group?: string;
  /** Build and verify counter-examples for breaking changes (default true). */
  counterExamples?: boolean;
}

export interface SchemaDiffResult {
  changes: Change[];
  counterExamples: CounterExampleStats;
}

/** Every change between two loaded sides, each classified and placed. */
export function diffLoadedSides(
  base: LoadedSide,
  head: LoadedSide,
  options: SchemaDiffOptions = {},
): SchemaDiffResult {
  const out = new ChangeCollector();
  const b = base.model;
  const h = head.model;
  if (b.kind === "openapi" && h.kind === "openapi") diffApiModels(b, h, out);
  else if (b.kind === "json-schema" && h.kind === "json-schema") {
    diffSchemaModels(b, h, out, {
      role: options.role ?? "request",
      group: options.group ?? head.contract.root.display,
    });
  } else {
    throw new GateError(
      `cannot compare ${base.contract.root.display} (${describeKind(b)}) with ${head.contract.root.display} (${describeKind(h)})`,
      { hint: "both sides must be the same kind of contract" },
    );
  }
  const { changes, stats } = out.finish({ counterExamples: options.counterExamples !== false });
  return { changes, counterExamples: stats };
}

function describeKind(model: ApiModel | SchemaModel): string {
  return model.kind === "openapi" ? `OpenAPI ${model.specVersion}` : "JSON Schema";
}
