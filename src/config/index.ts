export {
  defaultConfig,
  extractOptionsOf,
  type FailOn,
  type LoadConfigOptions,
  lineOfKey,
  loadConfig,
  type PybaseConfig,
  recommendPolicyOf,
} from './load.js';
export { configJsonSchema, configSchema, type ParsedConfig, type RawConfig } from './schema.js';
export { parseConfigText, validateConfig } from './validate.js';
