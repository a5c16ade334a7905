import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { pinnedActions } from './actions.js';

const root = path.resolve(import.meta.dirname, '../..');

interface ActionStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}

interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

describe('action.yml', () => {
  const text = readFileSync(path.join(root, 'action.yml'), 'utf8');
  const action = parseYaml(text) as ActionMetadata;

  it('is composite action metadata with the documented inputs and outputs', () => {
    expect(typeof action.name).toBe('string');
    expect(typeof action.description).toBe('string');
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['config', 'fail-on', 'path', 'sarif-file', 'version']);
    for (const input of Object.values(action.inputs)) expect(typeof input.description).toBe('string');
    expect(action.inputs['sarif-file']!.default).toBe('pybase.sarif');
    expect(action.outputs['sarif-file']!.value).toBe('${{ inputs.sarif-file }}');
    // composite outputs must say where their value comes from
    for (const output of Object.values(action.outputs)) expect(output.value).toMatch(/^\$\{\{ .+ \}\}$/);
  });

  it('gives every run step a shell and pins every action to a full commit', () => {
    for (const step of action.runs.steps) {
      expect(Boolean(step.run) !== Boolean(step.uses), JSON.stringify(step)).toBe(true);
      if (step.run) expect(step.shell, step.name).toBeTruthy();
      if (step.uses) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
    }
    const node = pinnedActions.setupNode;
    expect(text).toContain(`uses: ${node.uses}@${node.commit} # ${node.version}`);
  });

  it('keeps the exit code of the SARIF run for the threshold and writes annotations', () => {
    const runs = action.runs.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/check "\$\{args\[@\]\}" --format sarif > "\$PYBASE_SARIF"\n\s*code=\$\?/);
    expect(runs).toContain('--format github');
    expect(runs).toContain('recommend "$PYBASE_PATH" --format markdown >> "$GITHUB_STEP_SUMMARY"');
    expect(runs).toContain('npx --yes "pybase@$PYBASE_VERSION"');
    const last = action.runs.steps.at(-1)!;
    expect(last.run).toContain('exit');
    expect(last.env?.PYBASE_EXIT).toBe('${{ steps.check.outputs.exit-code }}');
    // inputs reach scripts only through env (no expression inside run: script injection)
    for (const step of action.runs.steps) expect(step.run ?? '').not.toMatch(/\$\{\{/);
  });

  it('runs the version of pybase this repository describes by default', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(action.inputs.version!.default).toBe(pkg.version);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parseYaml(readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Record<
    string,
    unknown
  >[];
  const hook = hooks.find((h) => h.id === 'pybase-check')!;

  it('declares the pybase-check hook', () => {
    expect(hook).toBeDefined();
    expect(hook).toMatchObject({
      name: 'pybase check',
      entry: 'pybase check',
      language: 'node',
      pass_filenames: false,
    });
  });

  it('runs for Dockerfiles, compose files, workflows, GitLab CI and version files only', () => {
    // pre-commit reads `files` as a Python verbose regex: drop the flag and the layout whitespace.
    const source = String(hook.files)
      .replace(/^\(\?x\)/, '')
      .replace(/\s+/g, '');
    const re = new RegExp(source);
    for (const f of [
      'Dockerfile',
      'docker/Dockerfile.prod',
      'services/api/Dockerfile',
      'api.dockerfile',
      'Containerfile',
      'compose.yaml',
      'docker-compose.yml',
      'deploy/docker-compose.prod.yml',
      '.github/workflows/ci.yml',
      '.gitlab-ci.yml',
      '.python-version',
      'runtime.txt',
      '.tool-versions',
      'pyproject.toml',
      'Pipfile',
      'tox.ini',
    ])
      expect(re.test(f), f).toBe(true);
    for (const f of [
      'src/app.py',
      'README.md',
      'docs/Dockerfile-guide.md.bak/x.py',
      'requirements.txt',
      '.github/dependabot.yml',
      'mycompose.txt',
      'notes/runtime.txt.orig',
    ])
      expect(re.test(f), f).toBe(false);
  });
});
