export { BUDGET_METRICS, type BudgetMetric, budgetList, checkBudgets, expandCountSuffix } from "./budgets.js";
export { checkManifestFiles, type FileCheckInput } from "./files.js";
export { loadModelCard, parseModelCard } from "./load.js";
export { checkRequiredMetadata, DEFAULT_REQUIRED_METADATA } from "./metadata.js";
export { artifactPath, type ModelCard, modelCardSchema, samplesSchema, tensorSpecSchema } from "./schema.js";
export { compareSignature, declaredSignature, type SignatureComparison } from "./signature.js";
