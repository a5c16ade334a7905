export { ruleCatalogOf } from './catalog-view.js';
export {
  type CheckCounts,
  type CheckDataAge,
  type CheckOptions,
  type CheckResult,
  countFindings,
  exceedsThreshold,
  type JudgedReferences,
  judgeReferences,
  levelFor,
  mayBePython,
  runCheck,
  selectRules,
} from './check.js';
export { applySuppressions, type Suppression, type SuppressOptions } from './suppress.js';
