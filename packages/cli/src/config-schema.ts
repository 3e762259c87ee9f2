import { validateArtifactSection } from "@mlgate/artifact";
import { canarySection } from "@mlgate/canary";
import { contractDiffSection } from "@mlgate/contract";
import { configFileSchema, configJsonSchema } from "@mlgate/core";
import { evalGateSection } from "@mlgate/evaluate";
import { loadTestSection } from "@mlgate/load";
import { scanImageSection } from "@mlgate/scan";

/** Every gate's section of mlgate.yml; a gate joins here when its command does. */
export const mlgateConfigSchema = configFileSchema({
  "validate-artifact": validateArtifactSection,
  "eval-gate": evalGateSection,
  "contract-diff": contractDiffSection,
  "scan-image": scanImageSection,
  "load-test": loadTestSection,
  canary: canarySection,
});

/** The JSON Schema committed at schema/mlgate.schema.json for editors. */
export function mlgateJsonSchema(): Record<string, unknown> {
  return configJsonSchema(mlgateConfigSchema, {
    id: "https://raw.githubusercontent.com/mlgate/mlgate/main/schema/mlgate.schema.json",
    title: "mlgate configuration (mlgate.yml)",
  });
}
