/** What an ONNX model may be, by the team's policy. */
export interface OnnxPolicy {
  /** Accepted IR versions, inclusive. */
  irVersion: { min: number; max: number };
  /** Accepted opset versions per operator domain ("ai.onnx" is also spelt ""). */
  opsets: Record<string, { min?: number; max?: number }>;
  /** Operator domains nodes may use; anything else (contrib, custom) fails. */
  domains: string[];
  /** NaN or infinite values in initializers. */
  nonFinite: "fail" | "warn" | "off";
}

/**
 * Defaults: what current ONNX Runtime releases load. IR 3 is ONNX 1.0's; IR 11 and opset 23 are
 * ONNX 1.18's. `com.microsoft` contrib operators tie a model to one runtime, so they are opt-in.
 */
export const DEFAULT_ONNX_POLICY: Readonly<OnnxPolicy> = Object.freeze({
  irVersion: { min: 3, max: 11 },
  opsets: { "ai.onnx": { min: 7, max: 23 }, "ai.onnx.ml": { min: 1, max: 5 } },
  domains: ["ai.onnx", "ai.onnx.ml"],
  nonFinite: "fail",
});

/** The default domain has two spellings. */
export function canonicalDomain(domain: string): string {
  return domain === "" ? "ai.onnx" : domain;
}

export function resolveOnnxPolicy(given: Partial<OnnxPolicy> = {}): OnnxPolicy {
  const opsets: OnnxPolicy["opsets"] = {};
  for (const [domain, range] of Object.entries({ ...DEFAULT_ONNX_POLICY.opsets, ...given.opsets })) {
    opsets[canonicalDomain(domain)] = range;
  }
  return {
    irVersion: given.irVersion ?? DEFAULT_ONNX_POLICY.irVersion,
    opsets,
    domains: [...new Set((given.domains ?? DEFAULT_ONNX_POLICY.domains).map(canonicalDomain))],
    nonFinite: given.nonFinite ?? DEFAULT_ONNX_POLICY.nonFinite,
  };
}

export function formatRange(range: { min?: number; max?: number }): string {
  if (range.min !== undefined && range.max !== undefined) return `${range.min}–${range.max}`;
  if (range.min !== undefined) return `>= ${range.min}`;
  if (range.max !== undefined) return `<= ${range.max}`;
  return "any";
}

export function inRange(value: number, range: { min?: number; max?: number }): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}
