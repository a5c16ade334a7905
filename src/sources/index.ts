/**
 * Network sources: the HTTP layer, its disk cache, netrc credentials and the Python package index client.
 */

export * from './cache.js';
export * from './concurrency.js';
export * from './http.js';
export * from './index-json.js';
export * from './netrc.js';
export * from './package-index.js';
export * from './progress.js';
