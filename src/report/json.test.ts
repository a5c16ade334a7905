import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CheckResult, countFindings, runCheck } from '../check/check.js';
import { writeProject } from '../check/test-project.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { formatJson, formatJsonChunks } from './json.js';

const joined = (result: CheckResult, options?: { version?: string }) =>
  [...formatJsonChunks(result, options)].join('');

describe('formatJsonChunks', () => {
  it('joins to the text of formatJson for a real check, with and without a version', async () => {
    const root = writeProject({
      Dockerfile: '# pybase: ignore=PB002\nFROM python:latest AS build\nFROM python:3.9-alpine\n',
      '.gitlab-ci.yml': 'test:\n  image: python:3.12-slim\n  script: [pytest]\n',
      'docker-compose.yml': 'services:\n  a: [unclosed\n',
    });
    const result = await runCheck(root, { date: '2026-11-27' });
    expect(result.findings.length).toBeGreaterThan(0);
    expect(joined(result)).toBe(formatJson(result));
    expect(joined(result, { version: '1.2.3' })).toBe(formatJson(result, { version: '1.2.3' }));
  });

  it('joins to the same text for generated findings, in pieces of bounded size', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const diagnostic = fc.record(
      {
        code: fc.constantFrom('PB001', 'PB302', 'PBE009'),
        severity: fc.constantFrom('error', 'warning', 'info'),
        message: text,
        hint: text,
        location: fc.record({
          file: text,
          startLine: fc.nat(),
          startColumn: fc.nat(),
          endLine: fc.nat(),
          endColumn: fc.nat(),
        }),
        data: fc.dictionary(
          text,
          fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 3 }), fc.constant(null), fc.constant({})),
        ),
      },
      { requiredKeys: ['code', 'severity', 'message'] },
    ) as fc.Arbitrary<Diagnostic>;
    fc.assert(
      fc.property(
        fc.array(diagnostic, { maxLength: 30 }),
        fc.array(diagnostic, { maxLength: 3 }),
        fc.array(text, { maxLength: 5 }),
        (findings, suppressed, files) => {
          const result = {
            root: '/p',
            date: '2026-11-27',
            findings,
            suppressed,
            notices: [],
            counts: countFindings(findings),
            rulesRun: ['PB001'],
            dataAge: { dataDate: '2026-08-22', ageDays: 97, stale: true },
            extraction: { files, references: [], stageBases: [], versions: [], pragmas: [], diagnostics: [] },
          } as unknown as CheckResult;
          expect(joined(result)).toBe(formatJson(result));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands a huge result out in many pieces, none far over 64 KiB plus one finding', () => {
    const long = 'services/team-00/svc-0000/Dockerfile:1, '.repeat(500);
    const findings: Diagnostic[] = Array.from({ length: 2000 }, (_, i) => ({
      code: 'PB302',
      severity: 'warning',
      message: `statement ${i} (${long})`,
    }));
    const result = {
      root: '/p',
      date: '2026-11-27',
      findings,
      suppressed: [],
      notices: [],
      counts: countFindings(findings),
      rulesRun: [],
      dataAge: { dataDate: '2026-08-22', ageDays: 97, stale: true },
      extraction: { files: [], references: [], stageBases: [], versions: [], pragmas: [], diagnostics: [] },
    } as unknown as CheckResult;
    const pieces = [...formatJsonChunks(result)];
    expect(pieces.length).toBeGreaterThan(100);
    for (const p of pieces) expect(p.length).toBeLessThan((1 << 16) + 2 * long.length);
    expect(pieces.join('')).toBe(formatJson(result));
  });
});
