/**
 * Invariants of `recommend` over every lockfile of the real-world corpus, every stage and three
 * dates, offline (lock data only). The wheel claims are checked with pip's own packaging
 * (test/oracle/oracle.py), batched into one Python process.
 *
 * Locks that give only hashes or pins (Pipfile.lock, requirements) have `unknown` verdicts: for
 * them the test asserts what the catalog can (published, supported, no pre-release), not wheels.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { analyzeDependencies, candidateImages } from '../deps/index.js';
import { dependencySourceKind, readDependencies } from '../files/lockfiles/index.js';
import { addMonths, type IsoDate } from '../model/date.js';
import type { Arch } from '../model/platform.js';
import { wheelMachine } from '../model/platform.js';
import { recommendStages } from '../model/stage.js';
import { decideStage } from './decide.js';
import { resolvePolicy } from './policy.js';
import type { Recommendation } from './types.js';

const corpus = resolve('..', 'shared', 'corpus', 'lockfiles');
const dates: IsoDate[] = ['2024-02-16', '2025-08-15', '2026-11-27'];
const archs: Arch[] = ['amd64', 'arm64v8'];
const catalog = createCatalog();
const policy = resolvePolicy();

const lockfiles = readdirSync(corpus)
  .filter((d) => statSync(join(corpus, d)).isDirectory())
  .flatMap((d) => readdirSync(join(corpus, d)).map((f) => join(corpus, d, f)))
  .filter((f) => dependencySourceKind(f) !== undefined);

interface Check {
  lock: string;
  date: IsoDate;
  rec: Recommendation;
  /** Files pip would install for each dependency judged `wheel`/`pure` on the recommended image, per arch. */
  wheels: { arch: Arch; file: string; name: string }[];
  /** Verdicts on the recommended image that a recommendation must never have. */
  problems: string[];
}

const probe = spawnSync('python3', ['-c', 'import pip._vendor.packaging.tags'], { encoding: 'utf8' });
const oracleMissing = probe.error !== undefined || probe.status !== 0;

describe('recommend over the lockfile corpus', () => {
  const checks: Check[] = [];
  let oracle: { targets: { compatible: number[] }[] } | undefined;
  const files: string[] = [];
  const targets: { python: string; libc: string; libcVersion: string; machine: string }[] = [];
  const pairs: { target: number; file: number; label: string }[] = [];

  beforeAll(async () => {
    for (const lock of lockfiles) {
      const deps = readDependencies(lock);
      for (const date of dates) {
        const candidates = candidateImages(catalog, date);
        const compatibility = await analyzeDependencies({
          deps,
          images: candidates,
          archs,
          date,
          offline: true,
        });
        for (const stage of recommendStages) {
          const rec = decideStage(
            {
              catalog,
              date,
              candidates,
              compatibility,
              ...(deps.requiresPython ? { requiresPython: deps.requiresPython } : {}),
              archs,
              policy,
            },
            stage,
          );
          const wheels: Check['wheels'] = [];
          const problems: string[] = [];
          const native = new Set(compatibility.packages.filter((p) => p.hasBinaryWheels).map((p) => p.name));
          for (const ic of compatibility.images) {
            if (ic.image.tag !== rec.tag) continue;
            for (const p of ic.packages) {
              if (p.verdict === 'unavailable') problems.push(`${ic.arch} ${p.name}: unavailable`);
              if (p.verdict === 'sdist-build' && native.has(p.name) && !ic.image.hasCompiler) {
                problems.push(`${ic.arch} ${p.name}: native build without a compiler`);
              }
              if ((p.verdict === 'wheel' || p.verdict === 'pure') && p.file) {
                wheels.push({ arch: ic.arch, file: p.file, name: p.name });
              }
            }
          }
          checks.push({ lock, date, rec, wheels, problems });
        }
      }
    }
    if (oracleMissing) return;
    const fileIndex = new Map<string, number>();
    const targetIndex = new Map<string, number>();
    for (const c of checks) {
      const image = c.rec.candidates[0]?.candidate;
      if (!image) continue;
      for (const w of c.wheels) {
        const machine = wheelMachine(w.arch) ?? w.arch;
        const key = `${image.python} ${image.libc.family} ${image.libc.version} ${machine}`;
        let t = targetIndex.get(key);
        if (t === undefined) {
          t = targets.length;
          targets.push({
            python: image.python,
            libc: image.libc.family,
            libcVersion: image.libc.version,
            machine,
          });
          targetIndex.set(key, t);
        }
        let f = fileIndex.get(w.file);
        if (f === undefined) {
          f = files.length;
          files.push(w.file);
          fileIndex.set(w.file, f);
        }
        pairs.push({
          target: t,
          file: f,
          label: `${c.lock} ${c.date} ${c.rec.stage} ${image.tag} ${w.arch}: ${w.file}`,
        });
      }
    }
    const run = spawnSync('python3', [resolve('test/oracle/oracle.py')], {
      input: JSON.stringify({ files, targets }),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`oracle.py failed: ${run.stderr}`);
    oracle = JSON.parse(run.stdout);
  }, 600_000);

  it('covers every lockfile, stage and date', () => {
    expect(lockfiles.length).toBeGreaterThanOrEqual(20);
    expect(checks).toHaveLength(lockfiles.length * dates.length * recommendStages.length);
  });

  it('recommends a tag published at the date, never a pre-release, with the support the policy asks', () => {
    const bad: string[] = [];
    for (const c of checks) {
      const image = c.rec.candidates[0]?.candidate;
      if (!c.rec.tag || !image) continue;
      const where = `${c.lock} ${c.date} ${c.rec.stage} ${c.rec.tag}`;
      if (!catalog.isPublished(c.rec.tag, c.date)) bad.push(`${where}: not published`);
      if (image.prerelease) bad.push(`${where}: pre-release`);
      const need = addMonths(c.date, policy.minSupportMonths[c.rec.stage]);
      const py = catalog.pythonLifecycle(image.python, c.date)?.endOfLife;
      const ds = catalog.distroLifecycle(image.distro, c.date, policy.debianEol)?.endOfLife;
      for (const end of [py, ds]) {
        if (end === true || (typeof end === 'string' && (end < need || end <= c.date)))
          bad.push(`${where}: support ends ${end}`);
      }
      for (const a of archs) if (!image.architectures.includes(a)) bad.push(`${where}: no ${a}`);
      if (c.rec.stage === 'prod-ai' && image.libc.family !== 'glibc') bad.push(`${where}: musl for prod-ai`);
    }
    expect(bad).toEqual([]);
  });

  it('most combinations get a recommendation', () => {
    const made = checks.filter((c) => c.rec.tag !== undefined).length;
    expect(made / checks.length).toBeGreaterThan(0.5);
  });

  it.skipIf(oracleMissing)(
    'every dependency pybase says installs from a wheel does so by pip on the recommended image',
    () => {
      expect(pairs.length).toBeGreaterThan(1000);
      const compatible = (oracle?.targets ?? []).map((t) => new Set(t.compatible));
      const disagreements = pairs.filter((p) => !compatible[p.target]?.has(p.file)).map((p) => p.label);
      expect(disagreements).toEqual([]);
    },
  );

  it('no recommended image leaves a dependency unavailable or compiles native code without a compiler', () => {
    const bad = checks.flatMap((c) =>
      c.problems.map((p) => `${c.lock} ${c.date} ${c.rec.stage} ${c.rec.tag}: ${p}`),
    );
    expect(bad).toEqual([]);
  });
});
