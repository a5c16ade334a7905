import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
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
    // The OASIS SARIF 2.1.0 schema as shipped by @microsoft/jest-sarif (draft-04 JSON schema).
    const schemaPath = path.join(
      path.dirname(require.resolve('@microsoft/jest-sarif/package.json')),
      'lib/schemas/sarif-2.1.0-rtm.5.json',
    );
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    // The schema's 'language' pattern is not valid in unicode mode; read it as browsers did in 2019.
    const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv as unknown as Parameters<typeof addFormats.default>[0]);
    const validate = ajv.compile(schema);
    const log = toSarif(result, { version: '0.1.0' });
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
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
