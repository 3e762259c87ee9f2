import protobuf from "protobufjs";
import annotations from "protobufjs/google/api/annotations.json" with { type: "json" };
import http from "protobufjs/google/api/http.json" with { type: "json" };
import api from "protobufjs/google/protobuf/api.json" with { type: "json" };
import descriptor from "protobufjs/google/protobuf/descriptor.json" with { type: "json" };
import sourceContext from "protobufjs/google/protobuf/source_context.json" with { type: "json" };
import type_ from "protobufjs/google/protobuf/type.json" with { type: "json" };

type JsonNamespace = protobuf.INamespace;

const EXTRA: Record<string, JsonNamespace[]> = {
  "google/protobuf/descriptor.proto": [descriptor],
  "google/protobuf/api.proto": [api],
  "google/protobuf/type.proto": [type_],
  "google/protobuf/source_context.proto": [sourceContext],
  // The HTTP annotations extend MethodOptions, so the full descriptor goes in first.
  "google/api/annotations.proto": [descriptor, annotations, http],
  "google/api/http.proto": [http],
};

/** Definitions shipped with protobufjs for a well-known import, or undefined when it is not one. */
export function bundledDefinitions(importPath: string): JsonNamespace[] | undefined {
  const extra = EXTRA[importPath];
  if (extra) return extra;
  const common = (protobuf.common as unknown as Record<string, JsonNamespace | undefined>)[importPath];
  return importPath.startsWith("google/protobuf/") && common && typeof common === "object"
    ? [common]
    : undefined;
}

function isPlainNamespace(json: Record<string, unknown>): boolean {
  return Object.keys(json).every((key) => key === "nested" || key === "options");
}

/**
 * Add bundled definitions, skipping those already present: the bundled files overlap (several
 * carry their own copy of a shared type), and a user's file may be imported alongside them.
 */
export function addBundled(target: protobuf.Namespace, json: JsonNamespace): void {
  for (const [name, def] of Object.entries(json.nested ?? {})) {
    const existing = target.get(name);
    const record = def as Record<string, unknown>;
    if (isPlainNamespace(record)) {
      const child = existing instanceof protobuf.Namespace ? existing : existing ? null : target.define(name);
      if (child) addBundled(child, def as JsonNamespace);
    } else if (!existing) {
      target.addJSON({ [name]: def });
    }
  }
}
