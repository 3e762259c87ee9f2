import { loadConfigFile, parseConfigText } from "@mlgate/core";
import { type ModelCard, modelCardSchema } from "./schema.js";

/** Model cards are small; a bigger file is a mistake. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Read and validate a model card (YAML or JSON); problems are GateErrors located in the file. */
export async function loadModelCard(path: string): Promise<ModelCard> {
  return loadConfigFile(path, modelCardSchema, { maxBytes: MAX_MANIFEST_BYTES });
}

/** The same from text, for tests and for cards embedded elsewhere. */
export function parseModelCard(text: string | Uint8Array, file: string): ModelCard {
  return parseConfigText(text, file, modelCardSchema, { maxBytes: MAX_MANIFEST_BYTES });
}
