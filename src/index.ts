/**
 * pybase's public library API. The command-line interface imports only from here.
 */

export * from './catalog/catalog.js';
export * from './catalog/describe.js';
export * from './catalog/list.js';
export * from './catalog/reference.js';
export * from './catalog/tag.js';
export * from './check/index.js';
export * from './config/index.js';
export * from './deps/index.js';
export * from './files/extract.js';
export * from './files/lockfiles/index.js';
export * from './files/output.js';
export * from './fix/index.js';
export * from './integrations/actions.js';
export * from './integrations/init.js';
export * from './integrations/renovate.js';
export * from './model/date.js';
export * from './model/dependencies.js';
export * from './model/diagnostic.js';
export * from './model/image-ref.js';
export * from './model/platform.js';
export * from './model/project.js';
export * from './model/stage.js';
export * from './recommend/index.js';
export * from './report/html.js';
export * from './report/index.js';
export * from './report/matrix.js';
export * from './report/matrix-bake.js';
export * from './report/report-data.js';
export * from './rules/index.js';
export * from './sources/data-update.js';
export * from './sources/docker-config.js';
export * from './sources/index.js';
export * from './sources/registry.js';
export * from './sources/registry-auth.js';
export * from './wheels/index.js';
