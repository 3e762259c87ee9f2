/**
 * The example model: a logistic regression over four customer features with fixed weights, so the
 * demo's predictions are reproducible without a training step.
 */
export const FEATURES = ["tenure_years", "monthly_spend", "support_tickets", "discount"] as const;

const WEIGHTS = [-0.9, 0.015, 0.6, -1.2];
const BIAS = -0.4;

export interface Prediction {
  label: 0 | 1;
  probabilities: [number, number];
}

/** Why `features` is not a valid input, or undefined when it is. */
export function featureProblem(features: unknown): string | undefined {
  if (!Array.isArray(features)) return "features must be an array of numbers";
  if (features.length !== FEATURES.length)
    return `features must hold ${FEATURES.length} numbers (${FEATURES.join(", ")})`;
  if (!features.every((x) => typeof x === "number" && Number.isFinite(x)))
    return "features must be finite numbers";
  return undefined;
}

export function predict(features: readonly number[]): Prediction {
  let z = BIAS;
  for (let i = 0; i < WEIGHTS.length; i++) z += WEIGHTS[i]! * (features[i] ?? 0);
  const p = 1 / (1 + Math.exp(-z));
  const rounded = Number(p.toFixed(6));
  return { label: p >= 0.5 ? 1 : 0, probabilities: [Number((1 - rounded).toFixed(6)), rounded] };
}

/** JSON Schema of the /v1/predict answer, for response validation in the demo. */
export const PREDICT_RESPONSE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  required: ["label", "probabilities"],
  properties: {
    label: { enum: [0, 1] },
    probabilities: {
      type: "array",
      items: { type: "number", minimum: 0, maximum: 1 },
      minItems: 2,
      maxItems: 2,
    },
  },
} as const;

/** `count` request bodies with varied but deterministic features (a small linear congruential sequence). */
export function exampleBodies(count: number): { features: number[] }[] {
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => ({
    features: [
      Number((next() * 10).toFixed(2)),
      Number((20 + next() * 180).toFixed(2)),
      Math.floor(next() * 6),
      Number(next().toFixed(2)),
    ],
  }));
}
