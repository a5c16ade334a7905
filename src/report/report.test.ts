import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CheckResult, runCheck } from '../check/check.js';
import { writeGeneratedJson, writeProject } from '../check/test-project.js';
import { formatGithub, formatGithubAnnotation } from './github.js';
import { formatJson } from './json.js';
import { checkResultJsonSchema } from './json-schema.js';
import { toSarif } from './sarif.js';
import { formatText } from './text.js';

const schemaFile = new URL('../../schemas/check-result.schema.json', import.meta.url);
const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS: its class is module.exports itself.
const AjvDraft04 = require('ajv-draft-04') as new (options: Record<string, unknown>) => Ajv;

let result: CheckResult;

function sarifValidator() {
  // The OASIS SARIF 2.1.0 schema as shipped by @microsoft/jest-sarif (draft-04 JSON schema).
  const schemaPath = path.join(
    path.dirname(require.resolve('@microsoft/jest-sarif/package.json')),
    'lib/schemas/sarif-2.1.0-rtm.5.json',
  );
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // The schema's 'language' pattern is not valid in unicode mode; read it as browsers did in 2019.
  const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv as unknown as Parameters<typeof addFormats.default>[0]);
  return ajv.compile(schema);
}

beforeAll(async () => {
  const root = writeProject({
    Dockerfile: '# pybase: ignore=PB002\nFROM python:latest AS build\nFROM python:3.9-alpine\n',
    '.gitlab-ci.yml': 'test:\n  image: python:3.12-slim\n  script: [pytest]\n',
    'docker-compose.yml': 'services:\n  a: [unclosed\n',
  });
  result = await runCheck(root, { date: '2026-11-27' });
});

describe('text', () => {
  it('prints file:line:col CODE severity message, an indented hint, and a summary', () => {
    const text = formatText(result);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\.gitlab-ci\.yml:2:\d+ PB\d{3} (error|warning|info) /);
    expect(lines[1]).toMatch(/^ {4}hint: /);
    expect(text).toMatch(
      /Found \d+ problems \(\d+ error, \d+ warning, \d+ info\) in 3 files of \d+ checked at 2026-11-27\./,
    );
    expect(text).toContain('PBE009');
  });
});

describe('text: files that could not be read, and input problems', () => {
  it('counts skipped files among those checked and does not repeat the location in the message', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      'Dockerfile.bin': new Uint8Array([0, 1, 2, 70, 82, 79, 77]),
      'compose.yaml': 'services: [\n',
      'pyproject.toml': '[project\nname=\n',
    });
    const r = await runCheck(root, { date: '2026-11-27' });
    const text = formatText(r);
    expect(text).toContain('Dockerfile.bin:1:1 PBE007 info skipped: binary content');
    // The unclosed '[' is reported at the end of the one line, not on a line the file does not have.
    expect(text).toMatch(/^compose\.yaml:1:12 PBE006 error cannot parse: /m);
    expect(text).not.toMatch(/PBE00\d \w+ [^ ]+:\d+: /);
    // Three files read, one skipped: the files with problems are four of four.
    expect(text).toMatch(/ in 4 files of 4 checked \(1 not read\) at 2026-11-27\.$/m);
    // The JSON keeps the whole message for callers that print it alone.
    expect(r.findings.find((f) => f.code === 'PBE007')?.message).toMatch(/^Dockerfile\.bin: skipped/);
    const annotations = formatGithub(r);
    expect(annotations).toContain('title=PBE007::skipped: binary content');
  });
});

describe('json', () => {
  it('schemas/check-result.schema.json is generated from the zod schema (UPDATE_SCHEMAS=1 rewrites it)', () => {
    const schema = checkResultJsonSchema();
    if (process.env.UPDATE_SCHEMAS === '1') writeGeneratedJson(schemaFile, schema);
    // Compared as data: the file is laid out by the project's formatter.
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(schema);
  });

  it('validates against schemas/check-result.schema.json', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    const doc = JSON.parse(formatJson(result, { version: '0.1.0' }));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.findings.length).toBe(result.findings.length);
    expect(validate({ ...doc, schemaVersion: 2 })).toBe(false);
  });
});

describe('sarif', () => {
  it('validates against the official SARIF 2.1.0 schema', () => {
    const validate = sarifValidator();
    const log = toSarif(result, { version: '0.1.0' });
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
    // With URIs relative to a working directory above the root, and absolute ones outside it.
    for (const cwd of [path.dirname(result.root), path.join(result.root, 'elsewhere')]) {
      const other = toSarif(result, { version: '0.1.0', cwd });
      expect(validate(other), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    }
  });

  it('carries rule metadata, levels, regions and fingerprints', () => {
    const log = toSarif(result) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri?: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          partialFingerprints: Record<string, string>;
          locations: { physicalLocation: { region: Record<string, number> } }[];
        }[];
      }[];
    };
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules;
    expect(rules.find((r) => r.id === 'PB001')?.helpUri).toBe(
      'https://github.com/pybase-dev/pybase/blob/main/docs/rules/PB001.md',
    );
    for (const r of run.results) {
      expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      expect(Object.values(r.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
    const pb101 = run.results.find((r) => r.ruleId === 'PB101')!;
    expect(pb101.locations[0]?.physicalLocation.region).toMatchObject({ startLine: 3, endLine: 3 });
    expect(pb101.level).toBe('error');
  });
});

describe('related places', () => {
  it('json and sarif carry where a setup-python matrix value is written', async () => {
    const root = writeProject({
      '.github/workflows/ci.yml': [
        'jobs:',
        '  t:',
        '    runs-on: ubuntu-latest',
        '    strategy:',
        '      matrix:',
        '        py: ["3.8", "3.12"]',
        '    steps:',
        '      - uses: actions/setup-python@v5',
        '        with:',
        '          python-version: ${{ matrix.py }}',
        '',
      ].join('\n'),
    });
    const r = await runCheck(root, { date: '2026-11-27' });
    const doc = JSON.parse(formatJson(r));
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const finding = doc.findings.find((f: { code: string }) => f.code === 'PB101');
    expect(finding.location.startLine).toBe(10);
    expect(finding.related).toEqual([
      expect.objectContaining({ file: '.github/workflows/ci.yml', startLine: 6, startColumn: 15 }),
    ]);
    const log = toSarif(r) as {
      runs: {
        results: {
          ruleId: string;
          relatedLocations?: { id: number; physicalLocation: { region: Record<string, number> } }[];
        }[];
      }[];
    };
    const sarifValidate = sarifValidator();
    expect(sarifValidate(log), JSON.stringify(sarifValidate.errors?.slice(0, 5))).toBe(true);
    const result = log.runs[0]!.results.find((x) => x.ruleId === 'PB101')!;
    expect(result.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: expect.objectContaining({ region: expect.objectContaining({ startLine: 6 }) }),
      },
    ]);
  });
});

type SarifRun = {
  originalUriBaseIds?: Record<string, { uri: string }>;
  results: {
    ruleId: string;
    partialFingerprints: Record<string, string>;
    locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
  }[];
};

describe('paths as seen from the working directory', () => {
  const pb101 = (run: SarifRun) => run.results.find((r) => r.ruleId === 'PB101')!;
  const parent = () => path.dirname(result.root);
  const project = () => path.basename(result.root);

  it('sarif: URIs relative to %SRCROOT%, which originalUriBaseIds names as the working directory', () => {
    const run = (toSarif(result, { cwd: parent() }) as { runs: SarifRun[] }).runs[0]!;
    expect(pb101(run).locations[0]!.physicalLocation.artifactLocation).toEqual({
      uri: `${project()}/Dockerfile`,
      uriBaseId: '%SRCROOT%',
    });
    const base = run.originalUriBaseIds?.['%SRCROOT%']?.uri;
    expect(base).toBe(`${pathToFileURL(parent()).href}/`);
    expect(new URL(`${project()}/Dockerfile`, base).href).toBe(
      pathToFileURL(path.join(result.root, 'Dockerfile')).href,
    );
  });

  it('sarif: without a working directory, URIs are relative to the checked root, and %SRCROOT% names it', () => {
    const run = (toSarif(result) as { runs: SarifRun[] }).runs[0]!;
    expect(pb101(run).locations[0]!.physicalLocation.artifactLocation.uri).toBe('Dockerfile');
    expect(run.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`${pathToFileURL(result.root).href}/`);
  });

  it('sarif: a file outside the working directory gets an absolute file URI', () => {
    const run = (toSarif(result, { cwd: path.join(result.root, 'sub') }) as { runs: SarifRun[] }).runs[0]!;
    expect(pb101(run).locations[0]!.physicalLocation.artifactLocation).toEqual({
      uri: pathToFileURL(path.join(result.root, 'Dockerfile')).href,
    });
  });

  it('sarif: the fingerprint is the same finding wherever it runs from, when the file is written the same', () => {
    const atRoot = (toSarif(result, { cwd: result.root }) as { runs: SarifRun[] }).runs[0]!;
    const plain = (toSarif(result) as { runs: SarifRun[] }).runs[0]!;
    expect(pb101(atRoot).partialFingerprints).toEqual(pb101(plain).partialFingerprints);
  });

  it('github: file= is relative to the working directory (the workspace)', () => {
    const lines = formatGithub(result, { cwd: parent() }).split('\n');
    expect(lines.find((l) => l.includes('title=PB101'))).toMatch(
      new RegExp(`^::error file=${project()}/Dockerfile,line=3,`),
    );
    const outside = formatGithub(result, { cwd: path.join(result.root, 'sub') }).split('\n');
    expect(outside.find((l) => l.includes('title=PB101'))).toContain(
      `file=${path.join(result.root, 'Dockerfile').replaceAll(':', '%3A')},`,
    );
  });

  it('text: file:line:col opens from the working directory, and input problems do not repeat their file', async () => {
    expect(formatText(result, { cwd: parent() })).toMatch(
      new RegExp(`^${project()}/Dockerfile:3:\\d+ PB101 `, 'm'),
    );
    const root = writeProject({ 'compose.yaml': 'services: [\n' });
    const r = await runCheck(root, { date: '2026-11-27' });
    const text = formatText(r, { cwd: path.dirname(root) });
    expect(text).toMatch(
      new RegExp(`^${path.basename(root)}/compose\\.yaml:1:12 PBE006 error cannot parse: `, 'm'),
    );
  });

  it('json: locations stay relative to the checked root, which the document carries', () => {
    const doc = JSON.parse(formatJson(result));
    expect(doc.root).toBe(result.root);
    expect(path.isAbsolute(doc.root)).toBe(true);
    expect(doc.findings.find((f: { code: string }) => f.code === 'PB101').location.file).toBe('Dockerfile');
  });
});

describe('github', () => {
  it('writes one workflow command per finding', () => {
    const lines = formatGithub(result).trimEnd().split('\n');
    expect(lines.length).toBe(result.findings.length + result.notices.length);
    expect(lines.find((l) => l.includes('title=PB101'))).toMatch(
      /^::error file=Dockerfile,line=3,col=\d+,.*title=PB101::/,
    );
    expect(lines.some((l) => l.startsWith('::notice '))).toBe(true);
  });
  it('escapes data and properties', () => {
    const line = formatGithubAnnotation({
      code: 'PB001',
      severity: 'warning',
      message: '100% sure\nsecond line',
      location: { file: 'a,b:c/Dockerfile', startLine: 1, startColumn: 2, endLine: 1, endColumn: 5 },
    });
    expect(line).toBe(
      '::warning file=a%2Cb%3Ac/Dockerfile,line=1,col=2,endLine=1,endColumn=5,title=PB001::100%25 sure%0Asecond line',
    );
  });
});
