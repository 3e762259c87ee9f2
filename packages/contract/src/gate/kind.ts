import { extname } from "node:path";
import { GateError } from "@mlgate/core";

/** The contracts the gate compares. */
export type ContractKind = "openapi" | "json-schema" | "proto" | "signature";

export const CONTRACT_KINDS: readonly ContractKind[] = ["openapi", "json-schema", "proto", "signature"];

/**
 * What a contract is, from its name and first bytes: `.proto` files, ONNX models, model cards
 * and signature files, OpenAPI descriptions (an `openapi` or `swagger` key), else JSON Schema.
 */
export function sniffKind(path: string, head: Uint8Array): ContractKind {
  const ext = extname(path).toLowerCase();
  if (ext === ".proto") return "proto";
  if (ext === ".onnx" || ext === ".md" || ext === ".markdown") return "signature";
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
  if (text.includes("\u0000") || text.includes("\uFFFD")) return "signature";
  if (/^\s*["']?(openapi|swagger)["']?\s*:/m.test(text) || /"(openapi|swagger)"\s*:/.test(text))
    return "openapi";
  if (/^\s*["']?signature["']?\s*:/m.test(text) || /"signature"\s*:\s*\{/.test(text)) return "signature";
  if (
    /^\s*["']?inputs["']?\s*:/m.test(text) &&
    /^\s*["']?outputs["']?\s*:/m.test(text) &&
    !/["']?\$schema["']?\s*:/.test(text)
  ) {
    return "signature";
  }
  if (/^\s*syntax\s*=\s*"proto[23]"/m.test(text) || /^\s*edition\s*=/m.test(text)) return "proto";
  if ([".json", ".yaml", ".yml"].includes(ext) || /^\s*[{[]/.test(text)) return "json-schema";
  throw new GateError(`cannot tell what kind of contract ${path} is`, {
    hint: "set `kind` to openapi, json-schema, proto or signature",
  });
}
