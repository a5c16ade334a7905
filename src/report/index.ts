export { formatGithub, formatGithubAnnotation } from './github.js';
export {
  type CheckResultJson,
  checkResultSchemaVersion,
  formatJson,
  formatJsonChunks,
  toCheckResultJson,
} from './json.js';
export { checkResultJsonSchema } from './json-schema.js';
export { formatSarif, sarifSchemaUri, toSarif } from './sarif.js';
export { formatDiagnosticLine, formatText, type TextStyle } from './text.js';

export type CheckFormat = 'text' | 'json' | 'sarif' | 'github';
export const checkFormats: readonly CheckFormat[] = ['text', 'json', 'sarif', 'github'];
