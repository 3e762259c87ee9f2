import type { Change, ChangeLevel, CounterExample, RuleInfo, SourceLocation } from "../change.js";

type Rule = Omit<RuleInfo, "family">;

/**
 * Inputs are what clients send (a change must keep accepting every feed the base accepted);
 * outputs are what clients receive (a change must only produce tensors the base could produce).
 */
const RULES = [
  {
    id: "tensor.input-removed",
    level: "breaking",
    summary: "A model input was removed.",
    rationale: "Clients still feed it, and runtimes reject feeds that name an input the graph does not have.",
  },
  {
    id: "tensor.input-added",
    level: "breaking",
    summary: "A model input was added.",
    rationale:
      "ONNX graph inputs without an initializer have no default, so every run must feed them; existing clients do not, and the run fails.",
  },
  {
    id: "tensor.input-renamed",
    level: "breaking",
    summary: "A model input was renamed (one removed and one added with the same dtype and shape).",
    rationale:
      "Feeds are matched by name: clients still send the old name, which the head rejects, and never send the new one.",
  },
  {
    id: "tensor.output-removed",
    level: "breaking",
    summary: "A model output was removed.",
    rationale:
      "Clients that fetch it by name get an error; clients that read outputs by position read a different tensor.",
  },
  {
    id: "tensor.output-added",
    level: "safe",
    summary: "A model output was added after the existing ones.",
    rationale: "Clients fetch the outputs they know by name (or by position, which is unchanged).",
  },
  {
    id: "tensor.output-renamed",
    level: "breaking",
    summary: "A model output was renamed (one removed and one added with the same dtype and shape).",
    rationale: "Clients fetching the old name get an error.",
  },
  {
    id: "tensor.input-dtype-changed",
    level: "breaking",
    summary: "An input's element type changed.",
    rationale:
      "Runtimes do not convert feeds (ONNX Runtime, Triton and KServe reject a tensor of another type), so even a widening such as float16 → float32 rejects what old clients send.",
  },
  {
    id: "tensor.output-dtype-changed",
    level: "breaking",
    summary: "An output's element type changed.",
    rationale: "Clients decode the buffer with the old element type and read garbage or fail.",
  },
  {
    id: "tensor.input-rank-changed",
    level: "breaking",
    summary: "An input's number of dimensions changed.",
    rationale: "Every feed shaped for the base rank is rejected.",
  },
  {
    id: "tensor.output-rank-changed",
    level: "breaking",
    summary: "An output's number of dimensions changed.",
    rationale: "Clients index and reshape the result with the old rank.",
  },
  {
    id: "tensor.input-dim-size-changed",
    level: "breaking",
    summary: "A fixed dimension of an input changed size.",
    rationale: "Feeds of the old size are rejected.",
  },
  {
    id: "tensor.output-dim-size-changed",
    level: "breaking",
    summary: "A fixed dimension of an output changed size.",
    rationale: "Clients that rely on the old size (class count, embedding width) misread the result.",
  },
  {
    id: "tensor.input-dim-relaxed",
    level: "safe",
    summary: "A fixed input dimension became symbolic or unknown.",
    rationale: "The input accepts every size it accepted before, and more.",
  },
  {
    id: "tensor.output-dim-relaxed",
    level: "breaking",
    summary: "A fixed output dimension became symbolic or unknown.",
    rationale:
      "The model may now produce sizes clients do not expect; code that relies on the fixed size breaks.",
  },
  {
    id: "tensor.input-dim-fixed",
    level: "breaking",
    summary: "A symbolic or unknown input dimension became fixed.",
    rationale: "Feeds of any other size, which the base accepted, are rejected.",
  },
  {
    id: "tensor.output-dim-fixed",
    level: "safe",
    summary: "A symbolic or unknown output dimension became fixed.",
    rationale: "Every size the head produces was possible before.",
  },
  {
    id: "tensor.dim-symbol-renamed",
    level: "safe",
    summary: "A symbolic dimension changed its name (or became unknown, or named).",
    rationale:
      "Either way the dimension takes any size; only documentation and shape inference see the name.",
  },
  {
    id: "tensor.input-order-changed",
    level: "dangerous",
    summary: "The inputs that exist on both sides come in a different order.",
    rationale:
      "Clients that feed by name are unaffected; clients that pass inputs by position (some C and Java bindings) feed the wrong tensor.",
  },
  {
    id: "tensor.output-order-changed",
    level: "dangerous",
    summary: "Outputs come in a different order, or a new output comes before existing ones.",
    rationale: "Clients that take outputs by position (session.run(None, ...)[0]) read a different tensor.",
  },
  {
    id: "tensor.shape-became-unknown",
    level: "dangerous",
    summary: "A tensor's shape is no longer declared (unknown rank).",
    rationale:
      "The contract stops saying what the model accepts or produces, so neither clients nor this gate can check it.",
  },
  {
    id: "tensor.input-shape-declared",
    level: "dangerous",
    summary: "An input whose shape was unknown now declares one.",
    rationale: "The base promised nothing, so clients may send shapes the declared one rejects.",
  },
  {
    id: "tensor.output-shape-declared",
    level: "safe",
    summary: "An output whose shape was unknown now declares one.",
    rationale: "A declared shape narrows what clients can receive.",
  },
] as const satisfies readonly Rule[];

export type TensorRuleId = (typeof RULES)[number]["id"];

/** Every tensor-signature rule, for the docs, SARIF rule metadata and exception validation. */
export const TENSOR_RULES: readonly RuleInfo[] = RULES.map((r) => ({ ...r, family: "tensor" as const }));

const LEVELS = new Map<string, ChangeLevel>(RULES.map((r) => [r.id, r.level]));

export const SIGNATURE_GROUP = "model signature";

export function tensorChange(
  rule: TensorRuleId,
  input: {
    message: string;
    path: string;
    base?: SourceLocation | undefined;
    head?: SourceLocation | undefined;
    counterExample?: CounterExample | undefined;
  },
): Change {
  return {
    rule,
    level: LEVELS.get(rule)!,
    message: input.message,
    path: input.path,
    group: SIGNATURE_GROUP,
    ...(input.base ? { base: input.base } : {}),
    ...(input.head ? { head: input.head } : {}),
    ...(input.counterExample ? { counterExample: input.counterExample } : {}),
  };
}
