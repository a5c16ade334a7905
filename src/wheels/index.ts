/**
 * The wheel engine: PEP 427 file names, PEP 425/600/656 tags, PEP 508 markers and per-package
 * verdicts ("can distribution set D install on target T?").
 *
 * Everything here is hand-written: there is no maintained npm library for wheel tags or
 * environment markers. The semantics are pip's (its vendored pypa/packaging), checked against
 * packaging itself by `test/oracle/`.
 */
export {
  filenameFromUrl,
  isPep440Version,
  normalizeName,
  type ParseResult,
  parseDistributionFilename,
  parseSdistFilename,
  parseWheelFilename,
  requireWheelFilename,
  type SdistExtension,
  type SdistFilename,
  sdistExtension,
  sdistExtensions,
  type WheelFilename,
  type WheelTag,
  wheelFilenameOf,
} from './filename.js';
export {
  evaluateMarker,
  formatMarker,
  type Marker,
  type MarkerEnvironment,
  type MarkerOp,
  type MarkerOperand,
  type MarkerParseResult,
  type MarkerSyntaxError,
  type MarkerVariable,
  markerEnvironment,
  markerVariables,
  parseMarker,
  requireMarker,
} from './markers.js';
export {
  compareLibc,
  defaultManylinuxFloor,
  formatLibc,
  type LegacyManylinuxAlias,
  type LibcVersion,
  legacyManylinuxAliases,
  manylinuxFloor,
  manylinuxMachines,
  x86ManylinuxFloor,
} from './policy.js';
export {
  bestTagMatch,
  cpythonAbis,
  isWheelCompatible,
  platformTags,
  type SupportedTags,
  supportedTags,
  type TagMatch,
} from './tags.js';
export {
  describeTarget,
  type LibcFamily,
  makeWheelTarget,
  pythonFullVersion,
  targetKey,
  type WheelTarget,
} from './target.js';
export {
  type DistributionFile as CandidateFile,
  type JudgeOptions,
  judgeAcrossTargets,
  judgePackage,
  type LibcNeeds,
  type PackageFiles,
  type PackageJudgement,
  type PackageSupport,
  platformLibcRequirement,
  requiresPythonAllows,
  type TargetResult,
  type Verdict,
  wheelLibcNeeds,
} from './verdict.js';
