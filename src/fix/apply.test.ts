import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractDockerfile } from '../files/dockerfile/extract.js';
import { LineIndex } from '../files/text.js';
import { applyEdits, type FileReading, writeFileAtomic } from './apply.js';
import { unifiedDiff } from './diff.js';
import { parseTemplate, solveTemplate } from './template.js';
import type { Edit } from './types.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dirWith(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-apply-'));
  temps.push(dir);
  writeFileSync(join(dir, name), content);
  return dir;
}

const reextract = (file: string, text: string): FileReading => ({
  ...extractDockerfile(file, text),
  versions: [],
});

/** An edit of the first occurrence of `before` in `text` (the text without byte-order mark). */
function editOf(text: string, before: string, after: string, expected = after): Edit {
  const start = text.indexOf(before);
  const range = new LineIndex(text).range('Dockerfile', start, start + before.length);
  return {
    file: 'Dockerfile',
    range,
    before,
    after,
    kind: 'patch',
    reason: 'test',
    expect: [{ what: 'reference', range, before, after: expected }],
  };
}

describe('applyEdits across files', () => {
  it('verifies an edit of .env by reading the compose file that uses it, and drops it when that reads otherwise', async () => {
    const dir = dirWith('.env', 'PY=3.12.8\n');
    const compose = 'services:\n  api:\n    image: python:${PY}-slim-bookworm\n';
    writeFileSync(join(dir, 'compose.yaml'), compose);
    const envRange = new LineIndex('PY=3.12.8\n').range('.env', 3, 9);
    const start = compose.indexOf('python:');
    const refRange = new LineIndex(compose).range(
      'compose.yaml',
      start,
      start + 'python:${PY}-slim-bookworm'.length,
    );
    const edit = (expected: string): Edit => ({
      file: '.env',
      range: envRange,
      before: '3.12.8',
      after: '3.12.14',
      kind: 'patch',
      reason: 'test',
      expect: [
        { what: 'reference', range: refRange, before: 'python:3.12.8-slim-bookworm', after: expected },
      ],
    });
    const readings: string[] = [];
    const reextractCompose = async (file: string, text: string, edited?: ReadonlyMap<string, string>) => {
      const { parseComposeEnv } = await import('../files/compose/env-file.js');
      const { extractCompose } = await import('../files/compose/extract.js');
      if (file === '.env') return { references: [], versions: [], diagnostics: [] };
      readings.push(file);
      const env = parseComposeEnv('.env', edited?.get('.env') ?? readFileSync(join(dir, '.env'), 'utf8'));
      return { ...extractCompose(file, text, { env: env.variables }), versions: [] };
    };
    const wrong = await applyEdits([edit('python:3.12.9-slim-bookworm')], {
      root: dir,
      reextract: reextractCompose,
    });
    expect(wrong.changes).toEqual([]);
    expect(wrong.diagnostics[0]?.message).toContain(
      'compose.yaml:3 reads as python:3.12.14-slim-bookworm afterwards, not python:3.12.9-slim-bookworm',
    );
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe('PY=3.12.8\n');
    const right = await applyEdits([edit('python:3.12.14-slim-bookworm')], {
      root: dir,
      reextract: reextractCompose,
    });
    expect(right.dropped).toEqual([]);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe('PY=3.12.14\n');
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(compose);
    expect(readings).toEqual(['compose.yaml', 'compose.yaml']);
  });
});

describe('applyEdits', () => {
  it('splices at UTF-16 offsets after astral characters, keeping BOM, CRLF and the missing final newline', async () => {
    const body = '# 🐍 python base ✓\r\nFROM python:3.12.8-slim-bookworm\r\nRUN echo "ü"';
    const dir = dirWith('Dockerfile', `\uFEFF${body}`);
    const edit = editOf(body, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm');
    const result = await applyEdits([edit], { root: dir, reextract });
    expect(result.dropped).toEqual([]);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(`\uFEFF${body.replace('3.12.8', '3.12.14')}`);
    expect(unifiedDiff(result.changes)).toContain('+FROM python:3.12.14-slim-bookworm\r\n');
  });

  it('drops an edit whose text is not at its range, and leaves the file untouched', async () => {
    const text = 'FROM python:3.12.8-slim-bookworm\n';
    const dir = dirWith('Dockerfile', text);
    const edit = {
      ...editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm'),
      before: 'python:3.12.7-slim-bookworm',
    };
    const result = await applyEdits([edit], { root: dir, reextract });
    expect(result.changes).toEqual([]);
    expect(result.dropped).toHaveLength(1);
    expect(result.diagnostics[0]!.message).toMatch(/holds 'python:3.12.8-slim-bookworm' there/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(text);
  });

  it('drops an edit whose result does not re-read as the intended reference', async () => {
    const text = 'FROM python:3.12.8-slim-bookworm AS a\nFROM python:3.13.7-slim-bookworm AS b\n';
    const dir = dirWith('Dockerfile', text);
    // A space in a FROM image splits it: the re-read reference is not what the edit intends.
    const bad = editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14 -slim-bookworm');
    const good = editOf(text, 'python:3.13.7-slim-bookworm', 'python:3.13.15-slim-bookworm');
    const result = await applyEdits([bad, good], { root: dir, reextract });
    expect(result.dropped).toEqual([bad]);
    expect(result.diagnostics[0]!.message).toMatch(/reads as python:3.12.14/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(text.replace('3.13.7', '3.13.15'));
  });

  it('drops every edit of a file that no longer parses', async () => {
    const text = 'FROM python:3.12.8-slim-bookworm\n';
    const dir = dirWith('Dockerfile', text);
    const edit = editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm');
    const result = await applyEdits([edit], {
      root: dir,
      reextract: () => ({
        references: [],
        versions: [],
        diagnostics: [{ code: 'PBE006', severity: 'error', message: 'Dockerfile:1: cannot parse: broken' }],
      }),
    });
    expect(result.dropped).toEqual([edit]);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(text);
  });

  it('refuses a file that is not valid UTF-8 instead of re-encoding it', async () => {
    const bytes = Buffer.concat([
      Buffer.from('# \xff\n', 'latin1'),
      Buffer.from('FROM python:3.12.8-slim-bookworm\n'),
    ]);
    const dir = dirWith('Dockerfile', bytes);
    const text = bytes.toString('latin1');
    const edit = editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm');
    const result = await applyEdits([edit], { root: dir, reextract });
    expect(result.dropped).toEqual([edit]);
    expect(readFileSync(join(dir, 'Dockerfile')).equals(bytes)).toBe(true);
  });

  it('writes nothing on a dry run but still verifies', async () => {
    const text = 'FROM python:3.12.8-slim-bookworm\n';
    const dir = dirWith('Dockerfile', text);
    const edit = editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm');
    const result = await applyEdits([edit], { root: dir, reextract, dryRun: true });
    expect(result.changes[0]!.after).toBe('FROM python:3.12.14-slim-bookworm\n');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(text);
  });
});

describe('writeFileAtomic', () => {
  it('keeps the mode and leaves no temporary file behind', async () => {
    const dir = dirWith('run.sh', '#!/bin/sh\n');
    const file = join(dir, 'run.sh');
    const { chmodSync } = await import('node:fs');
    chmodSync(file, 0o741);
    await writeFileAtomic(file, '#!/bin/sh\necho hi\n');
    expect(readFileSync(file, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(statSync(file).mode & 0o777).toBe(0o741);
    expect(readdirSync(dir)).toEqual(['run.sh']);
  });
});

describe('solveTemplate', () => {
  const values = new Map([
    ['PY', '3.12.8'],
    ['DISTRO', 'bookworm'],
  ]);
  it('changes as few variables as possible', () => {
    const t = parseTemplate('python:${PY}-slim-$DISTRO')!;
    expect(solveTemplate(t, values, 'python:3.12.14-slim-bookworm')).toEqual(new Map([['PY', '3.12.14']]));
    expect(solveTemplate(t, values, 'python:3.12.8-slim-trixie')).toEqual(new Map([['DISTRO', 'trixie']]));
    expect(solveTemplate(t, values, 'python:3.12.14-slim-trixie')).toEqual(
      new Map([
        ['PY', '3.12.14'],
        ['DISTRO', 'trixie'],
      ]),
    );
    expect(solveTemplate(t, values, 'node:20-slim-bookworm')).toBeUndefined();
  });
  it('refuses operators and escapes it does not model', () => {
    expect(parseTemplate('python:${PY:-3.12}-slim')).toBeUndefined();
    expect(parseTemplate('python:\\$PY')).toBeUndefined();
  });
});
