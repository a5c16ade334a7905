import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusDir, requireShared } from '../../test/support/paths.js';
import { PybaseError } from '../model/diagnostic.js';
import { formatReference, parseReference, tryParseReference, withTag } from './reference.js';

const digest = `sha256:${'a1'.repeat(32)}`;

describe('parseReference', () => {
  it('recognises the python image under every Docker Hub name', () => {
    for (const text of [
      'python',
      'python:3.12',
      'library/python:3.12',
      'docker.io/python:3.12',
      'docker.io/library/python:3.12-slim',
      'index.docker.io/library/python:3.12',
      'registry-1.docker.io/library/python:3.12',
    ]) {
      const ref = parseReference(text);
      expect(ref.isPython, text).toBe(true);
      expect(ref.registryKind, text).toBe('docker-hub');
      expect(formatReference(ref)).toBe(text);
    }
  });

  it('recognises the known public mirrors and configured ones', () => {
    expect(parseReference('mirror.gcr.io/library/python:3.12').registryKind).toBe('mirror');
    expect(parseReference('public.ecr.aws/docker/library/python:3.12-slim').registryKind).toBe('mirror');
    const configured = parseReference('harbor.example.com:8443/hub/python:3.12', {
      mirrors: ['harbor.example.com:8443/hub/python'],
    });
    expect(configured).toMatchObject({
      isPython: true,
      registryKind: 'configured',
      registry: 'harbor.example.com:8443',
    });
    expect(parseReference('harbor.example.com:8443/hub/python:3.12').isPython).toBe(false);
    expect(parseReference('registry.example.com/cache/library/python:3.12').isPython).toBe(true);
  });

  it('leaves other images alone', () => {
    for (const text of [
      'node:20',
      'ghcr.io/astral-sh/uv:python3.12-bookworm',
      'tiangolo/uvicorn-gunicorn:python3.11',
      'pythonx:3',
      'gcr.io/distroless/python3',
      'scratch',
    ]) {
      const ref = parseReference(text);
      expect(ref.isPython, text).toBe(false);
      expect(ref.python).toBeUndefined();
      expect(formatReference(ref)).toBe(text);
    }
  });

  it('reads per-architecture repositories', () => {
    expect(parseReference('arm64v8/python:3.11.14-slim-bookworm')).toMatchObject({
      isPython: true,
      archNamespace: 'arm64v8',
    });
    expect(parseReference('someone/python:3.11').isPython).toBe(false);
  });

  it('reads digests with and without a tag', () => {
    const both = parseReference(`python:3.12-slim@${digest}`);
    expect(both).toMatchObject({ tag: '3.12-slim', digest });
    const only = parseReference(`python@${digest}`);
    expect(only.tag).toBeUndefined();
    expect(only.python?.latest).toBe(true);
    expect(formatReference(only)).toBe(`python@${digest}`);
  });

  it('rejects malformed digests and non-references with a typed error', () => {
    for (const bad of [
      'python@sha256:abc',
      `python@sha256:${'A'.repeat(64)}`,
      'python@md5:00',
      'python@',
      '',
      'py thon',
      'Python:3',
      'python:',
      '${X}',
    ]) {
      expect(() => parseReference(bad), bad).toThrow(PybaseError);
    }
  });

  it('keeps a python reference with an unreadable tag, for suggestions', () => {
    const ref = parseReference('python:3,12');
    expect(ref.isPython).toBe(true);
    expect(ref.python).toBeUndefined();
    expect(ref.tagError).toMatch(/3,12/);
    expect(formatReference(ref)).toBe('python:3,12');
    expect(parseReference('python:3.12-slim-bookwork').python?.distro?.name).toBe('bookwork');
  });

  it('changes the tag and keeps the registry as written', () => {
    const ref = parseReference(`docker.io/library/python:3.12-slim@${digest}`);
    expect(withTag(ref, '3.12.14-slim-trixie')).toBe('docker.io/library/python:3.12.14-slim-trixie');
  });
});

interface CorpusRecord {
  reference?: string;
  resolved_reference?: string;
  image_class?: string;
}

describe.runIf(requireShared())('the real-world corpus of image references', () => {
  const records = JSON.parse(readFileSync(resolve(corpusDir, 'image-refs.json'), 'utf8')) as CorpusRecord[];
  const pythonClasses = new Set(['official', 'official-mirror', 'official-arch-namespace']);

  it('parses every python reference and formats it back unchanged', () => {
    let checked = 0;
    const failures: string[] = [];
    for (const r of records) {
      if (!r.reference || !pythonClasses.has(r.image_class ?? '')) continue;
      const text = r.reference.includes('$') ? r.resolved_reference : r.reference;
      if (!text || text.includes('$')) continue; // a variable without a value: reported by check as PB009
      const ref = tryParseReference(text);
      if (!ref?.isPython || !ref.python || formatReference(ref) !== text) failures.push(text);
      checked++;
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it('recognises references to other images as not python', () => {
    let checked = 0;
    for (const r of records) {
      if (
        !r.reference ||
        !['other', 'python-derived'].includes(r.image_class ?? '') ||
        r.reference.includes('$')
      )
        continue;
      const ref = tryParseReference(r.reference);
      if (!ref) continue;
      expect(ref.isPython, r.reference).toBe(false);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('property: the reference parser', () => {
  it('never throws anything but PybaseError, and round-trips what it accepts', () => {
    const piece = fc.constantFrom(
      'python',
      'docker.io/',
      'library/',
      ':',
      '@',
      `sha256:${'0'.repeat(64)}`,
      '3.12',
      '-slim',
      'mirror.gcr.io/',
      '/',
      '$X',
      ' ',
      'sha256:',
    );
    const mutated = fc.array(piece, { maxLength: 7 }).map((ps) => ps.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), (text) => {
        try {
          expect(formatReference(parseReference(text))).toBe(text);
        } catch (e) {
          if (!(e instanceof PybaseError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
