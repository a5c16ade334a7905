export {
  defaultConfig,
  type FailOn,
  type LoadConfigOptions,
  lineOfKey,
  loadConfig,
  type PybaseConfig,
  parseConfigText,
  recommendPolicyOf,
  validateConfig,
} from './load.js';
export { configJsonSchema, configSchema, type ParsedConfig, type RawConfig } from './schema.js';
