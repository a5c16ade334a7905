/**
 * pybase's public library API. The command-line interface imports only from here.
 */

export * from './model/date.js';
export * from './model/diagnostic.js';
export * from './model/image-ref.js';
export * from './model/platform.js';
export * from './model/stage.js';
export * from './rules/index.js';
export * from './config/index.js';
export * from './check/index.js';
export * from './report/index.js';
