import type { SchemaNode } from "../model/types.js";

export type Direction = "request" | "response";

/** One step from a container schema down to the position a change sits at. */
export type Step =
  | { kind: "property"; name: string }
  | { kind: "items" }
  | { kind: "prefix"; index: number }
  | { kind: "extra"; name: string }
  | { kind: "variant" }
  | { kind: "member"; index: number };

/** The container on the side whose payloads are valid (base for requests, head for responses). */
export interface TrailEntry {
  node: SchemaNode;
  step: Step;
}

/**
 * The whole message a counter-example is: a request (parameters, content type and body) or a
 * response (status, headers, body), or a bare JSON Schema instance. It puts a local payload in
 * place and checks the result against both sides.
 */
export interface Envelope {
  direction: Direction;
  /** What the payload is, e.g. `request to POST /predict (application/json)`. */
  describes: string;
  /** The full payload around `local`, placed where the root of the trail sits. */
  wrap(local: unknown): unknown;
  /** True when the payload is valid on the valid side and invalid on the other. */
  verify(payload: unknown): boolean;
}
