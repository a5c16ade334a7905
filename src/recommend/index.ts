export {
  type DecideInput,
  decideStage,
  isMlPackage,
  tagOfReference,
} from './decide.js';
export { fixTagsOf } from './fix-tags.js';
export { currentMinorOf, type MoveOptions, planMoves, recommendStageOf } from './moves.js';
export { defaultPolicy, type PolicyInput, resolvePolicy } from './policy.js';
export { stagePrecision, tagAtPrecision } from './precision.js';
export {
  type ProjectInputs,
  type RecommendProjectOptions,
  readProjectInputs,
  readProjectPythonConstraints,
  recommendInputOf,
  recommendProject,
} from './project.js';
export {
  constraintAllows,
  type PythonConstraint,
  projectPythonConstraints,
  pythonAllowed,
} from './python-constraints.js';
export { defaultStages, type RecommendInput, recommend } from './recommend.js';
export { renderRecommendJson, renderRecommendMarkdown, renderRecommendText } from './render.js';
export * from './types.js';
export { exceededLimits, parseVulnerabilityReportAsync } from './vuln-limits.js';
export { parseVulnerabilityReport } from './vulns.js';
