/**
 * `recommend` and `check` agree: the production image `recommend` picks for a lock of the corpus,
 * written into a Dockerfile beside that lock, gets no PB203 (python-unsupported-by-deps) from
 * `check`. When no image installs every package from wheels, `recommend` takes the one with the
 * fewest source builds, and PB203 must not then blame that image's Python. Offline, embedded data,
 * the dates of the recommend corpus test.
 */
import { copyFileSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalog, dependencySourceKind, type IsoDate, recommendProject, runCheck } from '../index.js';

const corpus = resolve(import.meta.dirname, '../../../shared/corpus/lockfiles');
const dates: IsoDate[] = ['2024-02-16', '2025-08-15', '2026-11-27'];

const lockfiles = readdirSync(corpus)
  .filter((d) => statSync(join(corpus, d)).isDirectory())
  .flatMap((d) => readdirSync(join(corpus, d)).map((f) => join(corpus, d, f)))
  .filter((f) => dependencySourceKind(f) !== undefined);

describe('recommend and check agree on the corpus locks', () => {
  it('the production image recommend picks gets no PB203', async () => {
    const catalog = createCatalog();
    const bad: string[] = [];
    let judged = 0;
    for (const lock of lockfiles) {
      // A requirements file is found under its usual name (the corpus keeps e.g. warehouse's main.txt).
      const name = dependencySourceKind(lock) === 'requirements' ? 'requirements.txt' : basename(lock);
      for (const date of dates) {
        const root = mkdtempSync(join(tmpdir(), 'pybase-coherence-'));
        copyFileSync(lock, join(root, name));
        const result = await recommendProject(root, { catalog, date, offline: true, stages: ['prod'] });
        const tag = result.recommendations[0]?.tag;
        if (!tag) continue;
        writeFileSync(join(root, 'Dockerfile'), `FROM python:${tag}\n`);
        const check = await runCheck(root, { date, catalog });
        const where = `${basename(resolve(lock, '..'))} ${date} python:${tag}`;
        // The lock must have been read, or the rule would judge nothing.
        for (const f of check.findings.filter((f) => f.code.startsWith('PBE')))
          bad.push(`${where}: ${f.code} ${f.message}`);
        for (const f of check.findings.filter((f) => f.code === 'PB203')) bad.push(`${where}: ${f.message}`);
        judged++;
      }
    }
    expect(lockfiles.length).toBeGreaterThanOrEqual(20);
    expect(judged).toBeGreaterThan(lockfiles.length * 2);
    expect(bad).toEqual([]);
  }, 120_000);
});
