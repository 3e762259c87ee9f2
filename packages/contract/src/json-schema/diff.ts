import { instanceEnvelope } from "../counter-example/envelope.js";
import type { Direction } from "../counter-example/plan.js";
import { unconstrainedSchema } from "../model/schema.js";
import type { SchemaModel } from "../model/types.js";
import type { ChangeCollector } from "../rules/collector.js";
import { SchemaComparer } from "./compare.js";

/** What a standalone schema describes: what clients send, what they receive, or both. */
export type SchemaRole = "request" | "response" | "both";

/** Compare two standalone JSON Schemas, judged as `role`. */
export function diffSchemaModels(
  base: SchemaModel,
  head: SchemaModel,
  out: ChangeCollector,
  options: { role: SchemaRole; group: string },
): void {
  const schemas = new SchemaComparer(out, (place) => unconstrainedSchema(place, head.dialect));
  const directions: Direction[] = options.role === "both" ? ["request", "response"] : [options.role];
  for (const dir of directions) {
    schemas.compareRoot(base.root, head.root, dir, {
      path: head.root.home ?? "",
      group: options.group,
      envelope: instanceEnvelope(
        base.root,
        head.root,
        dir,
        `${dir === "request" ? "instance sent as" : "instance returned as"} ${options.group}`,
      ),
      rootLabel: dir === "request" ? "input" : "output",
    });
  }
  schemas.drain();
}
