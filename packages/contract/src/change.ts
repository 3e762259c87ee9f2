/**
 * The one shape every contract engine (OpenAPI, JSON Schema, protobuf, tensor signatures) reports
 * a difference in, so one rule registry, one exception list and one report serve them all.
 */

/** `breaking`: some client that worked before fails now. `dangerous`: depends on client leniency. */
export type ChangeLevel = "breaking" | "dangerous" | "safe";

/** Which engine a rule belongs to. */
export type RuleFamily = "openapi" | "json-schema" | "proto" | "tensor";

/** A place in a contract file, for annotations and SARIF. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** A payload that shows a break: valid under one side, rejected (or unexpected) under the other. */
export interface CounterExample {
  /** `request`: the base accepted it and the head rejects it. `response`: the head may produce it and the base never did. */
  direction: "request" | "response";
  /** What the payload is: a request body, a query parameter value, a response body, a tensor feed. */
  describes: string;
  payload: unknown;
}

export interface Change {
  /** Stable rule id, e.g. `request-property-required-added`; exceptions and SARIF key on it. */
  rule: string;
  level: ChangeLevel;
  /** One line a reviewer understands. */
  message: string;
  /**
   * Where in the contract, stable across runs: a JSON pointer for OpenAPI and JSON Schema
   * (`/paths/~1predict/post/requestBody/content/application~1json/schema/properties/top_k`),
   * a dotted proto path (`inference.GRPCInferenceService.ModelInfer`, `inference.Tensor.shape`),
   * or `inputs/<name>` / `outputs/<name>` for tensor signatures.
   */
  path: string;
  /** What it is grouped under in reports: `POST /predict`, an RPC, a message, `model signature`. */
  group: string;
  base?: SourceLocation;
  head?: SourceLocation;
  counterExample?: CounterExample;
  /** Every group the change reaches when it sits in a shared definition (a `$ref`'d schema), sorted; `group` is the first. */
  usedBy?: string[];
}

/** Every rule is documented: the registry is rendered into the docs and SARIF rule metadata. */
export interface RuleInfo {
  id: string;
  family: RuleFamily;
  level: ChangeLevel;
  /** One line: what the rule detects. */
  summary: string;
  /** Why it has this level: which client breaks, and how. */
  rationale: string;
}
