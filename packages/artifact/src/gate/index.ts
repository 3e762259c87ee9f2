export {
  parseAllowGlobal,
  type ResolvedValidateArtifact,
  resolveValidateArtifact,
  VALIDATE_ARTIFACT,
  type ValidateArtifactOverrides,
  type ValidateArtifactSection,
  validateArtifactSection,
} from "./config.js";
export type { RuntimeSettings, ValidateArtifactInput } from "./input.js";
export { runValidateArtifact } from "./run.js";
