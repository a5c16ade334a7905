import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir, requireShared } from '../../../test/support/paths.js';
import type { DependencySourceKind } from '../../model/dependencies.js';
import { readDependencies } from './index.js';

interface ManifestEntry {
  kind: string;
  local_file: string;
  package_count: number;
  lock_format_version?: string | number;
  requires_python?: string | null;
  package_indexes?: string[];
}

const lockDir = join(corpusDir, 'lockfiles');
const haveCorpus = requireShared();
const manifest: ManifestEntry[] = haveCorpus
  ? (JSON.parse(readFileSync(join(lockDir, 'MANIFEST.json'), 'utf8')) as { files: ManifestEntry[] }).files
  : [];

const kindOf = (k: string): DependencySourceKind =>
  k === 'requirements.txt' ? 'requirements' : (k as DependencySourceKind);
const distributionFile = /\.(whl|tar\.gz|zip|tar\.bz2|tgz|egg|exe|msi|tar\.xz)$/;

describe.runIf(haveCorpus)('every corpus lockfile', () => {
  it('is listed', () => expect(manifest.length).toBeGreaterThanOrEqual(20));

  for (const entry of manifest) {
    const file = join(lockDir, entry.local_file);
    const kind = kindOf(entry.kind);
    describe(entry.local_file, () => {
      const all = readDependencies(file, { with: ['*'], kind });
      const runtime = readDependencies(file, { kind });

      it('parses without an error diagnostic', () => {
        expect(all.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(all.source.kind).toBe(kind);
      });

      it('has as many packages as the manifest counts', () => {
        if (kind === 'uv.lock') {
          // uv lists the project itself (editable/virtual root) as a [[package]]; it is not a dependency.
          expect(all.projectPackages?.length).toBeGreaterThan(0);
          expect(all.dependencies.length + (all.projectPackages?.length ?? 0)).toBe(entry.package_count);
        } else if (kind === 'Pipfile.lock') {
          // The manifest counts names in default ∪ develop; a name locked at two versions is two dependencies.
          expect(new Set(all.dependencies.map((d) => d.name)).size).toBe(entry.package_count);
        } else if (kind === 'requirements') {
          // The manifest counts `name==version` lines; ranges (`numpy<2; marker`) are dependencies too.
          expect(all.dependencies.filter((d) => d.version !== undefined).length).toBe(entry.package_count);
        } else {
          expect(all.dependencies.length).toBe(entry.package_count);
        }
      });

      it('reads the runtime dependencies as a subset of all of them', () => {
        expect(runtime.dependencies.length).toBeGreaterThan(0);
        expect(runtime.dependencies.length).toBeLessThanOrEqual(all.dependencies.length);
        const keys = new Set(all.dependencies.map((d) => `${d.name}@${d.version}@${d.location?.line}`));
        for (const d of runtime.dependencies) {
          expect(keys.has(`${d.name}@${d.version}@${d.location?.line}`)).toBe(true);
          expect(d.groups).toContain('main');
        }
        for (const d of all.dependencies) expect(d.groups.length).toBeGreaterThan(0);
      });

      it('lists distribution files where the format has them, and hashes where it has only those', () => {
        const registry = all.dependencies.filter((d) => d.kind === 'registry');
        if (
          kind === 'uv.lock' ||
          kind === 'pdm.lock' ||
          (kind === 'poetry.lock' && entry.lock_format_version !== '1.1')
        ) {
          for (const d of registry) expect(d.files?.length ?? 0, d.name).toBeGreaterThan(0);
        }
        if (kind === 'Pipfile.lock')
          for (const d of registry) expect(d.hashes?.length ?? 0, d.name).toBeGreaterThan(0);
        for (const d of all.dependencies) {
          for (const f of d.files ?? []) expect(f.filename, d.name).toMatch(distributionFile);
        }
      });

      it('reads the Python range the lock states', () => {
        expect(all.source.requiresPythonAsWritten ?? null).toBe(entry.requires_python ?? null);
        if (entry.requires_python) expect(all.requiresPython).toBeTruthy();
        if (entry.package_indexes) expect(all.indexUrls).toEqual(entry.package_indexes);
        if (entry.lock_format_version !== undefined) {
          expect(all.source.formatVersion).toBe(String(entry.lock_format_version));
        }
      });

      it('gives every dependency a normalised name and a line in the file', () => {
        for (const d of all.dependencies) {
          expect(d.name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
          expect(d.location?.file).toBe(file);
          expect(d.location?.line).toBeGreaterThan(0);
        }
      });
    });
  }
});

describe.runIf(haveCorpus)('facts read from particular corpus locks', () => {
  it('uv: lerobot installs the CUDA torch on Linux and the PyPI torch elsewhere', () => {
    const set = readDependencies(join(lockDir, 'huggingface__lerobot/uv.lock'));
    const torch = set.dependencies.filter((d) => d.name === 'torch');
    expect(torch.map((t) => t.version).sort()).toEqual(['2.11.0', '2.11.0+cu128']);
    expect(torch.find((t) => t.version === '2.11.0+cu128')?.marker).toContain("sys_platform == 'linux'");
    expect(torch.find((t) => t.version === '2.11.0+cu128')?.index).toBe(
      'https://download.pytorch.org/whl/cu128',
    );
    expect(set.indexUrls).toContain('https://download.pytorch.org/whl/cu128');
  });

  it('uv: dev tools of prefect are not runtime dependencies', () => {
    const runtime = readDependencies(join(lockDir, 'PrefectHQ__prefect/uv.lock'));
    const names = new Set(runtime.dependencies.map((d) => d.name));
    expect(names.has('pydantic')).toBe(true);
    expect(names.has('pytest')).toBe(false);
    const dev = readDependencies(join(lockDir, 'PrefectHQ__prefect/uv.lock'), { with: ['dev'] });
    expect(dev.dependencies.some((d) => d.name === 'pytest')).toBe(true);
  });

  it('poetry 1.1: normandy names its files in [metadata.files]', () => {
    const set = readDependencies(join(lockDir, 'mozilla__normandy/poetry.lock'), { with: ['*'] });
    const aiohttp = set.dependencies.find((d) => d.name === 'aiohttp');
    expect(aiohttp?.files?.some((f) => f.filename === 'aiohttp-3.7.4.post0.tar.gz')).toBe(true);
    expect(set.dependencies.filter((d) => d.groups.includes('dev')).length).toBeGreaterThan(0);
  });

  it('Pipfile: paperless-ng lists piwheels as a second index', () => {
    const set = readDependencies(join(lockDir, 'jonaswinkler__paperless-ng/Pipfile.lock'));
    expect(set.indexUrls).toEqual(['https://pypi.python.org/simple', 'https://www.piwheels.org/simple']);
  });

  it('requirements: warehouse pins carry their --hash continuation lines', () => {
    const set = readDependencies(join(lockDir, 'pypa__warehouse/main.txt'), { kind: 'requirements' });
    const alembic = set.dependencies.find((d) => d.name === 'alembic');
    expect(alembic?.version).toBe('1.4.3');
    expect(alembic?.hashes).toHaveLength(2);
    expect(alembic?.location?.line).toBe(7);
  });
});
