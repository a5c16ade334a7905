import type { ExtractedReference } from '../model/project.js';
import { levels, makeFinding } from './finding.js';
import type { Rule } from './types.js';

export const pb009: Rule = {
  code: 'PB009',
  name: 'unresolved-reference',
  summary: 'image reference with a variable that has no value, so it cannot be judged',
  defaultSeverity: levels('warning', { dev: 'info' }),
  docs: {
    whatItDoes:
      'Reports image references that may name the python image but use a variable without a value: an ' +
      '`ARG` with no default, a CI variable defined elsewhere. Nothing else can be said about them.',
    whyIsThisBad:
      'The image is decided outside the repository, so neither a reader nor pybase knows which Python ' +
      'runs. A default documents the expected value and lets every rule check it.',
    example: 'ARG PYTHON_VERSION\nFROM python:${PYTHON_VERSION}-slim',
    useInstead: 'ARG PYTHON_VERSION=3.13.9\nFROM python:${PYTHON_VERSION}-slim-trixie',
    fix:
      'Dockerfile: give the `ARG` a default, or tell pybase its value with `build-args` in the configuration. ' +
      'Compose: set it in the `.env` file beside the compose file, or write a default (`${PY:-3.12}`). ' +
      'A Dockerfile written in a compose file (`dockerfile_inline`) is interpolated by compose first: ' +
      "`${PY}` there is compose's variable (a blank when it is not set), `$${PY}` the Dockerfile's `ARG`. " +
      'GitLab CI: give it a value under `variables:`. GitHub Actions: `vars.*` and `secrets.*` are settings ' +
      'pybase cannot read; take the version from `strategy.matrix` or a workflow input default. The hint ' +
      'of each finding says which applies.',
    options: [
      { key: 'build-args', description: 'values for Dockerfile ARGs without a default', default: '{}' },
    ],
  },
  check(ctx) {
    return ctx.unresolved.map((ref) => {
      const vars = ref.unresolved ?? [];
      const written = writtenPlaceholders(ref);
      return makeFinding(pb009, {
        stage: ref.stage,
        location: ref.range,
        message: `'${ref.text}' uses ${written.join(', ') || 'a variable'} without a value: the image cannot be judged`,
        hint: hintFor(ref),
        data: { variables: vars },
      });
    });
  },
};

const githubKinds = new Set<ExtractedReference['kind']>(['gha-container', 'gha-service', 'gha-action-image']);

/**
 * The placeholders of the variables without a value, as the reference writes them (`$GPY`,
 * `${PYV}`, `${{ vars.PYV }}`); a variable reached through another one (`FROM $IMAGE`, IMAGE set from
 * `${PY}`) is named in the syntax of its file.
 */
function writtenPlaceholders(ref: ExtractedReference): string[] {
  const names = ref.unresolved ?? [];
  const out: string[] = [];
  const found = new Set<string>();
  const placeholder =
    /\$\{\{\s*([^}]*?)\s*\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  for (const m of ref.text.matchAll(placeholder)) {
    const name = m[1] ?? m[2] ?? m[3] ?? '';
    if (!names.includes(name) || out.includes(m[0])) continue;
    out.push(m[0]);
    found.add(name);
  }
  for (const name of names) {
    if (found.has(name)) continue;
    out.push(githubKinds.has(ref.kind) ? `\${{ ${name} }}` : `\${${name}}`);
  }
  return out;
}

/** Where a value would be picked up, for the kind of file the reference is in. */
function hintFor(ref: ExtractedReference): string {
  const names = ref.unresolved ?? [];
  const list = names.join(', ');
  if (ref.embedded) {
    // Compose interpolates a dockerfile_inline before the build: `$NAME` there is compose's variable.
    const composeNames = [...ref.text.replace(/\$\$/g, '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map(
      (m) => m[1],
    );
    const first = names.find((n) => composeNames.includes(n));
    if (first !== undefined) {
      return `compose replaces \${${first}} in a dockerfile_inline before the build (with a blank when it is not set): set it in the .env beside the compose file, or write $\${${first}} to use the Dockerfile's ARG`;
    }
    return "give the ARG a default, or set it in the service's build.args";
  }
  if (ref.kind.startsWith('dockerfile')) {
    return 'give the ARG a default, or set it under build-args in the pybase configuration';
  }
  if (ref.kind === 'compose-image') {
    const dir = ref.file.includes('/') ? ref.file.slice(0, ref.file.lastIndexOf('/') + 1) : '';
    return `set ${list} in ${dir}.env beside the compose file (compose reads it), or write a default in the reference (\${${names[0] ?? 'NAME'}:-<version>}); shell variables are invisible to pybase`;
  }
  if (ref.kind === 'gitlab-image' || ref.kind === 'gitlab-service') {
    return `give ${list} a value under variables: (global or the job's); variables from the project's CI/CD settings are invisible to pybase`;
  }
  if (githubKinds.has(ref.kind)) {
    const settings = names.filter((n) => /^(?:vars|secrets)\./.test(n));
    if (settings.length > 0) {
      return `${settings.join(', ')} ${settings.length === 1 ? 'is a repository or organization setting' : 'are repository or organization settings'} pybase cannot read: write the version in the workflow (a strategy.matrix value) to have it judged, or silence the line with # pybase: ignore=PB009`;
    }
    const matrix = names.filter((n) => n.startsWith('matrix.'));
    if (matrix.length > 0)
      return `give strategy.matrix a value for ${matrix.map((n) => n.slice(7)).join(', ')}`;
    const inputs = names.filter((n) => n.startsWith('inputs.'));
    if (inputs.length > 0) return `give the input ${inputs.map((n) => n.slice(7)).join(', ')} a default`;
    return 'write the version in the workflow, or take it from strategy.matrix (GitHub does not expand env.* in container: and services:)';
  }
  return 'define the variable in this file';
}
