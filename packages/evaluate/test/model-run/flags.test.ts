import { describe, expect, it } from "vitest";
import {
  parseBatchSize,
  parseClassLabels,
  parseFeatureColumns,
  parseModelOutputs,
} from "../../src/model-run/index.js";

describe("command-line values of a model run", () => {
  it("reads feature columns for one input, appending repeats, or per input", () => {
    expect(parseFeatureColumns(["age, income", "visits"])).toEqual({ features: ["age", "income", "visits"] });
    expect(parseFeatureColumns(["features"])).toEqual({ features: ["features"] });
    expect(parseFeatureColumns(["input_ids=ids", "mask=m1,m2"])).toEqual({
      inputs: { input_ids: ["ids"], mask: ["m1", "m2"] },
    });
    expect(parseFeatureColumns([])).toEqual({});
    expect(() => parseFeatureColumns(["a,,b"])).toThrow(/not a comma-separated list of column names/);
    expect(() => parseFeatureColumns(["=a"])).toThrow(/name no model input before "="/);
    expect(() => parseFeatureColumns(["x=a", "x=b"])).toThrow(
      /model input "x" is given feature columns twice/,
    );
  });

  it("reads model outputs by role", () => {
    expect(parseModelOutputs(["probabilities=output_probability", "label=output_label"])).toEqual({
      probabilities: "output_probability",
      label: "output_label",
    });
    expect(parseModelOutputs(["score = y"])).toEqual({ score: "y" });
    expect(() => parseModelOutputs(["y"])).toThrow(
      /not ROLE=NAME with ROLE one of label, probabilities, score/,
    );
    expect(() => parseModelOutputs(["logits=z"])).toThrow(/not ROLE=NAME/);
    expect(() => parseModelOutputs(["score=a", "score=b"])).toThrow(/the score output is named twice/);
  });

  it("reads class labels and batch sizes", () => {
    expect(parseClassLabels("stay, churn")).toEqual(["stay", "churn"]);
    expect(() => parseClassLabels("stay,,churn")).toThrow(/not a comma-separated list/);
    expect(parseBatchSize("64")).toBe(64);
    for (const bad of ["0", "1.5", "", "2000000", "x"])
      expect(() => parseBatchSize(bad)).toThrow(/--batch-size/);
  });
});
