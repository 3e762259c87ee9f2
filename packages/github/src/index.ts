export { ANNOTATIONS_PER_LEVEL, annotateFindings } from "./annotations.js";
export * from "./baseline/index.js";
export {
  type CommentTarget,
  type StickyCommentOptions,
  type StickyCommentResult,
  upsertStickyComment,
} from "./comment.js";
export { connectGitHub } from "./connect.js";
export {
  type CreateDeploymentOptions,
  createDeployment,
  type DeploymentInfo,
  type DeploymentState,
  type DeploymentStatusInfo,
  latestDeployment,
  latestDeploymentStatus,
  MAX_STATUS_DESCRIPTION,
  type RepositoryTarget,
  repositoryFromEnv,
  type StatusOptions,
  saveStepState,
  setDeploymentStatus,
  stepState,
} from "./deployments.js";
export { type PullRequestContext, pullRequestFromEvent } from "./event.js";
export {
  configLocation,
  GATE_ACTION_INPUTS,
  type GateActionInputs,
  publishFromInputs,
} from "./gate-inputs.js";
export { inputName, readInputs } from "./inputs.js";
export { createOctokit, type Octokit } from "./octokit.js";
export { defaultReportPath, type PublishOptions, publishReport, runUrl } from "./publish.js";
export { type GateOutcome, runGateAction } from "./run.js";
export * as runner from "./runner.js";
