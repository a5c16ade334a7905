import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { writeGeneratedJson, writeProject } from '../check/test-project.js';
import { isPybaseError } from '../model/diagnostic.js';
import { defaultConfig, lineOfKey, loadConfig, recommendPolicyOf } from './load.js';
import { configJsonSchema, configSchema } from './schema.js';
import { fromParsed, parseConfigText } from './validate.js';

const schemaFile = new URL('../../schemas/config.schema.json', import.meta.url);

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isPybaseError(e)) return e.diagnostic;
    throw e;
  }
  throw new Error('expected a PybaseError');
}

describe('configuration', () => {
  it('reads [tool.pybase] of pyproject.toml with kebab-case keys', () => {
    const c = parseConfigText(
      [
        '[project]',
        'name = "x"',
        '[tool.pybase]',
        'ignore = ["PB005"]',
        'eol-window-days = 90',
        'debian-eol-policy = "lts"',
        'allowed-registries = ["registry.example.com"]',
        'fail-on = "warning"',
        '[tool.pybase.stages]',
        'prod = ["deploy/**"]',
        '[tool.pybase.build-args]',
        'PYTHON_VERSION = "3.12"',
      ].join('\n'),
      'pyproject.toml',
    );
    expect(c).toMatchObject({
      ignore: ['PB005'],
      eolWindowDays: 90,
      debianEolPolicy: 'lts',
      allowedRegistries: ['registry.example.com'],
      failOn: 'warning',
      stages: { prod: ['deploy/**'] },
      buildArgs: { PYTHON_VERSION: '3.12' },
      source: 'pyproject.toml',
    });
  });

  it('a pyproject.toml without [tool.pybase] gives no configuration, even when broken', () => {
    expect(parseConfigText('[project]\nname = "x"\n', 'pyproject.toml')).toBeUndefined();
    expect(parseConfigText('[project\n', 'pyproject.toml')).toBeUndefined();
  });

  it('names the file, the key and its line on a bad value', () => {
    const text = '[project]\nname = "x"\n\n[tool.pybase]\nignore = ["PB005"]\neol-window-days = -3\n';
    const d = errorOf(() => parseConfigText(text, 'pyproject.toml'));
    expect(d.code).toBe('PBE004');
    expect(d.message).toContain('pyproject.toml');
    expect(d.message).toContain('eol-window-days');
    expect(d.location?.startLine).toBe(6);
  });

  it('names unknown keys, also in sub-tables', () => {
    const d = errorOf(() => parseConfigText('fail-on = "error"\n\n[stages]\nprd = ["x"]\n', 'pybase.toml'));
    expect(d.message).toContain("'stages.prd'");
    expect(d.location?.startLine).toBe(4);
    const e = errorOf(() => parseConfigText('[severity]\nPB004 = "loud"\n', 'pybase.toml'));
    expect(e.message).toContain('severity.PB004');
    expect(e.location?.startLine).toBe(2);
  });

  it('refuses codes that name no rule, unknown architectures and malformed mirrors, at their line', () => {
    const cases: [string, number, string][] = [
      ['fail-on = "error"\n[severity]\nPB999 = "error"\n', 3, "'PB999' is not a rule code"],
      ['select = ["PB9"]\n', 1, "'PB9' matches no rule code"],
      ['ignore = ["PB005", "PB77"]\n', 1, "'PB77' matches no rule code"],
      ['archs = ["amd64", "sparc"]\n', 1, "'sparc' is not an architecture"],
      ['mirrors = ["registry.example.com"]\n', 1, 'host[/path]/python'],
      ['mirrors = ["registry.example.com/python:3.12"]\n', 1, 'without a scheme, tag or digest'],
      ['mirrors = ["registry.example.com/library/node"]\n', 1, 'host[/path]/python'],
      ['mirrors = ["https://reg.example.com/python"]\n', 1, 'host[/path]/python'],
    ];
    for (const [text, line, message] of cases) {
      const d = errorOf(() => parseConfigText(text, 'pybase.toml'));
      expect(d.code, text).toBe('PBE004');
      expect(d.message, text).toContain(message);
      expect(d.location?.startLine, text).toBe(line);
    }
    // Prefixes that match rules, input codes, platforms and registry mirrors with ports are fine.
    const ok = parseConfigText(
      'select = ["PB1", "PB3"]\nignore = ["PBE010"]\narchs = ["linux/arm64", "amd64"]\nmirrors = ["registry.local:5000/base/python"]\n',
      'pybase.toml',
    );
    expect(ok?.select).toEqual(['PB1', 'PB3']);
  });

  it('names the allowed levels when a severity is not one', () => {
    const d = errorOf(() => parseConfigText('[severity]\nPB003 = "fatal"\n', 'pybase.toml'));
    expect(d.message).toContain("'severity.PB003': must be error, warning, info or off");
    const e = errorOf(() => parseConfigText('[severity.PB003]\nprod = "loud"\n', 'pybase.toml'));
    expect(e.message).toContain('severity.PB003');
    // The table's header: the value that fails is the whole table.
    expect(e.location?.startLine).toBe(1);
  });

  it('reports invalid TOML with its line', () => {
    const d = errorOf(() => parseConfigText('ignore = ["PB005"\nselect = 1\n', 'pybase.toml'));
    expect(d.message).toMatch(/pybase\.toml: cannot read TOML/);
    expect(d.location?.startLine).toBeGreaterThanOrEqual(1);
    const p = errorOf(() => parseConfigText('[tool.pybase]\nignore = [\n', 'pyproject.toml'));
    expect(p.location?.file).toBe('pyproject.toml');
    // Cut short: the last line of the file, not the line after its final line break.
    expect(p.location?.startLine).toBe(2);
  });

  it('loads pybase.toml before pyproject.toml, explicit files first, defaults otherwise', async () => {
    const root = writeProject({
      'pybase.toml': 'fail-on = "info"\n',
      'pyproject.toml': '[tool.pybase]\nfail-on = "warning"\n',
      'conf/other.toml': 'fail-on = "never"\n',
    });
    expect((await loadConfig(root)).failOn).toBe('info');
    expect((await loadConfig(root, { configFile: 'conf/other.toml' })).failOn).toBe('never');
    expect(await loadConfig(writeProject({ 'a.txt': '' }))).toEqual(defaultConfig);
    const missing = await loadConfig(root, { configFile: 'nope.toml' }).catch((e: unknown) => e);
    expect(isPybaseError(missing) && missing.diagnostic.code).toBe('PBE004');
  });

  it('lineOfKey finds dotted keys, table headers and falls back to the section', () => {
    const text = '[tool.pybase]\nfail-on = "x"\nseverity.PB001 = "info"\n[tool.pybase.stages]\nci = []\n';
    expect(lineOfKey(text, ['tool', 'pybase'], ['severity', 'PB001'])).toBe(3);
    expect(lineOfKey(text, ['tool', 'pybase'], ['stages', 'ci', 0])).toBe(5);
    expect(lineOfKey(text, ['tool', 'pybase'], ['mirrors'])).toBe(1);
  });
});

describe('[tool.pybase.policy]', () => {
  it('reads the recommendation policy, with glibc-only and debian-eol-policy from the top level', () => {
    const c = parseConfigText(
      [
        '[tool.pybase]',
        'glibc-only = ["oracledb"]',
        'debian-eol-policy = "lts"',
        '[tool.pybase.policy]',
        'libc = "glibc"',
        'appetite = "patch"',
        'prefer-small = true',
        'allow-build = false',
        'prereleases = true',
        'max-critical = 0',
        'max-high = 3',
        '[tool.pybase.policy.min-support-months]',
        'prod = 18',
        'prod-ai = 24',
      ].join('\n'),
      'pyproject.toml',
    );
    expect(c?.policy).toEqual({
      minSupportMonths: { prod: 18, 'prod-ai': 24 },
      libc: 'glibc',
      appetite: 'patch',
      prereleases: true,
      preferSmall: true,
      allowBuild: false,
      vulnLimits: { critical: 0, high: 3 },
    });
    expect(recommendPolicyOf(c!)).toMatchObject({
      libc: 'glibc',
      glibcOnly: ['oracledb'],
      debianEol: 'lts',
      minSupportMonths: { prod: 18, 'prod-ai': 24 },
    });
  });

  it('one number of months serves every stage; no table means no policy keys', () => {
    const c = parseConfigText('[policy]\nmin-support-months = 3\n', 'pybase.toml');
    expect(c?.policy).toEqual({ minSupportMonths: 3 });
    expect(parseConfigText('fail-on = "error"\n', 'pybase.toml')?.policy).toBeUndefined();
    expect(recommendPolicyOf(defaultConfig)).toEqual({ debianEol: 'security' });
  });

  it('names the file, the key and its line on a bad policy value or an unknown policy key', () => {
    const text = '[project]\nname = "x"\n[tool.pybase.policy]\nappetite = "patch"\nlibc = "bionic"\n';
    const d = errorOf(() => parseConfigText(text, 'pyproject.toml'));
    expect(d.code).toBe('PBE004');
    expect(d.message).toContain('pyproject.toml');
    expect(d.message).toContain('policy.libc');
    expect(d.location?.startLine).toBe(5);
    const u = errorOf(() => parseConfigText('[policy]\nlibc = "any"\nmax-severe = 1\n', 'pybase.toml'));
    expect(u.message).toContain("'policy.max-severe'");
    expect(u.location?.startLine).toBe(3);
    const m = errorOf(() => parseConfigText('[policy.min-support-months]\nstaging = 3\n', 'pybase.toml'));
    expect(m.message).toMatch(/policy\.min-support-months/);
    expect(m.location?.startLine).toBeGreaterThanOrEqual(1);
  });
});

describe('schemas/config.schema.json', () => {
  it('is generated from the zod schema (UPDATE_SCHEMAS=1 rewrites it)', () => {
    const schema = configJsonSchema();
    if (process.env.UPDATE_SCHEMAS === '1') writeGeneratedJson(schemaFile, schema);
    // Compared as data: the file is laid out by the project's formatter.
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(schema);
  });

  it('accepts a full configuration and rejects a wrong one', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    expect(validate({ ignore: ['PB005'], severity: { PB001: { dev: 'info' } }, 'fail-on': 'warning' })).toBe(
      true,
    );
    expect(validate({ 'fail-on': 'sometimes' })).toBe(false);
    expect(validate({ unknown: 1 })).toBe(false);
  });
});

describe('defaultConfig', () => {
  it('is what the schema gives for an empty configuration', () => {
    expect(defaultConfig).toEqual(fromParsed(configSchema.parse({})));
  });
});
