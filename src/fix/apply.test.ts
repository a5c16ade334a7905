import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleRunner } from '../../test/support/bundle-runner.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { extractDockerfile } from '../files/dockerfile/extract.js';
import { firstNonUtf8, LineIndex } from '../files/text.js';
import {
  applyEdits,
  FileChangedError,
  type FileReading,
  fileStateOf,
  WriteRefusedError,
  writeFileAtomic,
} from './apply.js';
import { unifiedDiff } from './diff.js';
import { parseTemplate, rewriteLiteral, solveTemplate } from './template.js';
import type { Edit } from './types.js';

const temps = tempDirs();
function dirWith(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-apply-'));
  temps.push(dir);
  writeFileSync(join(dir, name), content);
  return dir;
}

/** A bundle that calls writeFileAtomic on its argument and prints the error message and hint, to run as another user. */
async function nobodyRunner(dir: string): Promise<string> {
  return bundleRunner(
    dir,
    'src/fix',
    "import { writeFileAtomic } from './apply.js';\n" +
      'await writeFileAtomic(process.argv[2], "changed\\n").then(() => console.log("written"), (e) => console.log(`${e.message}\\nhint: ${e.hint}`));\n',
  );
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

describe('applyEdits on YAML scalars', () => {
  const workflow = (v: string) =>
    `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: ${v}\n`;
  const reextractWorkflow = async (file: string, text: string): Promise<FileReading> => {
    const { extractGithubWorkflow } = await import('../files/github-actions/extract.js');
    return extractGithubWorkflow(file, text);
  };
  const versionEdit = (text: string, before: string, after: string, yamlScalar: boolean): Edit => {
    const start = text.lastIndexOf(before);
    const range = new LineIndex(text).range('.github/workflows/ci.yml', start, start + before.length);
    return {
      file: '.github/workflows/ci.yml',
      range,
      before,
      after,
      kind: 'minor',
      reason: 'test',
      expect: [{ what: 'version', range, before, after }],
      ...(yamlScalar ? { yamlScalar } : {}),
    };
  };
  function workflowDir(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-apply-'));
    temps.push(dir);
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/ci.yml'), text);
    return dir;
  }

  it('writes a new plain value that YAML would read as another number in quotes', async () => {
    const text = workflow('3.9');
    const dir = workflowDir(text);
    const result = await applyEdits([versionEdit(text, '3.9', '3.10', true)], {
      root: dir,
      reextract: reextractWorkflow,
    });
    expect(result.dropped).toEqual([]);
    expect(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')).toBe(workflow("'3.10'"));
    expect(result.changes[0]!.edits[0]!.after).toBe("'3.10'");
    // Inside quotes the value is written as it is.
    const quoted = workflow('"3.9"');
    const inside = workflowDir(quoted);
    await applyEdits([versionEdit(quoted, '3.9', '3.10', true)], {
      root: inside,
      reextract: reextractWorkflow,
    });
    expect(readFileSync(join(inside, '.github/workflows/ci.yml'), 'utf8')).toBe(workflow('"3.10"'));
  });

  it('drops an edit after which YAML reads another value at its place', async () => {
    const text = workflow('"3.9"');
    const dir = workflowDir(text);
    // In double quotes `\t` is a tab: the file would hold another string than the one intended.
    const edit = versionEdit(text, '3.9', '3.1\\t0', true);
    const result = await applyEdits([edit], { root: dir, reextract: reextractWorkflow });
    expect(result.dropped).toEqual([edit]);
    expect(result.diagnostics[0]!.message).toMatch(
      /YAML reads line 8 as "3\.1\\t0" afterwards, not the string "3\.1\\\\t0"/,
    );
    expect(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')).toBe(text);
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
    expect(result.diagnostics[0]!.message).toMatch(
      /dropped: the file changed since pybase read it \(line 1 holds 'python:3.12.8-slim-bookworm' there now\), and that change is kept$/,
    );
    expect(result.diagnostics[0]!.hint).toBe('run pybase fix again');
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

  it('drops every edit of a file that no longer parses, or did not parse before', async () => {
    const text = 'FROM python:3.12.8-slim-bookworm\n';
    const dir = dirWith('Dockerfile', text);
    const edit = editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm');
    const broken = {
      code: 'PBE006',
      severity: 'error' as const,
      message: 'Dockerfile:1: cannot parse: broken',
    };
    const result = await applyEdits([edit], {
      root: dir,
      reextract: (_file, edited) => ({
        references: [],
        versions: [],
        diagnostics: edited === text ? [] : [broken],
      }),
    });
    expect(result.dropped).toEqual([edit]);
    expect(result.diagnostics[0]!.message).toMatch(
      /dropped: the edited file no longer parses \(Dockerfile:1/,
    );
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(text);
    const before = await applyEdits([edit], {
      root: dir,
      reextract: () => ({ references: [], versions: [], diagnostics: [broken] }),
    });
    expect(before.dropped).toEqual([edit]);
    expect(before.diagnostics[0]!.message).toMatch(
      /dropped: the file does not parse as it is \(Dockerfile:1/,
    );
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

  it('names the line and column of the first byte that is not UTF-8, with a hint', async () => {
    const bytes = Buffer.concat([
      Buffer.from('FROM python:3.12.8-slim-bookworm\r\n# caf\u00e9 ok\r\nRUN echo ', 'utf8'),
      Buffer.from('\xe9t\xe9\n', 'latin1'),
    ]);
    const dir = dirWith('Dockerfile', bytes);
    const text = bytes.toString('latin1');
    const edit = editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm');
    const result = await applyEdits([edit], { root: dir, reextract });
    expect(result.diagnostics).toHaveLength(1);
    const d = result.diagnostics[0]!;
    expect(d.message).toBe(
      'Dockerfile:1: edit python:3.12.8-slim-bookworm -> python:3.12.14-slim-bookworm dropped: line 3, column 10 holds the byte 0xE9, which is not UTF-8; pybase edits UTF-8 files only',
    );
    expect(d.hint).toMatch(/iconv -f latin1 -t utf-8/);
    expect(readFileSync(join(dir, 'Dockerfile')).equals(bytes)).toBe(true);
  });

  it('keeps a write made by someone else after the file was read, and drops the edit with an error', async () => {
    const text = 'FROM python:3.12.8-slim-bookworm\n';
    const dir = dirWith('Dockerfile', text);
    const edit = editOf(text, 'python:3.12.8-slim-bookworm', 'python:3.12.14-slim-bookworm');
    const theirs = 'FROM python:3.12.8-slim-bookworm\nRUN echo theirs\n';
    const result = await applyEdits([edit], {
      root: dir,
      // Verification runs between reading and writing: another program writes the file meanwhile.
      reextract: (file, edited) => {
        writeFileSync(join(dir, 'Dockerfile'), theirs);
        return reextract(file, edited);
      },
    });
    expect(result.changes).toEqual([]);
    expect(result.dropped).toEqual([edit]);
    expect(result.diagnostics[0]!.message).toMatch(/changed on disk while pybase was editing it/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(theirs);
    expect(readdirSync(dir)).toEqual(['Dockerfile']);
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

const asRoot = process.getuid?.() === 0;

describe('writeFileAtomic', () => {
  it.skipIf(!asRoot)(
    'keeps the owner, group and set-user-ID bit of a file that belongs to another user',
    async () => {
      const dir = dirWith('entry.sh', '#!/bin/sh\n');
      const file = join(dir, 'entry.sh');
      chownSync(file, 65534, 65534);
      chmodSync(file, 0o4755);
      await writeFileAtomic(file, '#!/bin/sh\necho hi\n');
      const info = statSync(file);
      expect([info.uid, info.gid]).toEqual([65534, 65534]);
      expect(info.mode & 0o7777).toBe(0o4755);
      expect(readFileSync(file, 'utf8')).toBe('#!/bin/sh\necho hi\n');
      expect(readdirSync(dir)).toEqual(['entry.sh']);
    },
  );

  it.skipIf(!asRoot)('run by another user, refuses a file whose owner it cannot keep', async () => {
    const dir = dirWith('Dockerfile', 'FROM python:3.12.8-slim-bookworm\n');
    chmodSync(dir, 0o777);
    chmodSync(join(dir, 'Dockerfile'), 0o666);
    // A bundle calling writeFileAtomic, run as uid 65534 (nobody): it may write the file and the
    // directory, but cannot give a new file root's ownership.
    const runner = await bundleRunner(
      dir,
      'src/fix',
      "import { writeFileAtomic } from './apply.js';\n" +
        'await writeFileAtomic(process.argv[2], "changed\\n").then(() => console.log("written"), (e) => console.log(e.message));\n',
    );
    const out = execFileSync(process.execPath, [runner, join(dir, 'Dockerfile')], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
    });
    expect(out).toMatch(/its owner \(uid 0, gid 0\) cannot be kept on a replacement/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.8-slim-bookworm\n');
    expect(statSync(join(dir, 'Dockerfile')).uid).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['Dockerfile', 'runner.mjs']);
  });

  it.skipIf(!asRoot)(
    'run by another user, refuses a read-only file or a file in a read-only folder, saying why',
    async () => {
      for (const which of ['file', 'folder'] as const) {
        const dir = dirWith('Dockerfile', 'FROM python:3.12.8-slim-bookworm\n');
        const runner = await nobodyRunner(dir);
        chownSync(dir, 65534, 65534);
        chownSync(join(dir, 'Dockerfile'), 65534, 65534);
        if (which === 'file') chmodSync(join(dir, 'Dockerfile'), 0o444);
        else chmodSync(dir, 0o555);
        const out = execFileSync(process.execPath, [runner, join(dir, 'Dockerfile')], {
          uid: 65534,
          gid: 65534,
          encoding: 'utf8',
        });
        chmodSync(dir, 0o755);
        if (which === 'file') {
          expect(out).toMatch(
            /^it is read-only \(mode 0444\), and pybase does not replace a file it could not write\n/,
          );
          expect(out).toMatch(/hint: make it writable \(chmod u\+w Dockerfile\)/);
        } else {
          expect(out).toMatch(
            /^its folder .* is not writable \(EACCES\), and pybase writes the new content beside the file/,
          );
          expect(out).not.toMatch(/\.tmp/);
        }
        expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.8-slim-bookworm\n');
        expect(readdirSync(dir).sort()).toEqual(['Dockerfile', 'runner.mjs']);
      }
    },
  );

  it.skipIf(asRoot)('refuses a read-only file, saying why', async () => {
    const dir = dirWith('Dockerfile', 'FROM python:3.12.8-slim-bookworm\n');
    chmodSync(join(dir, 'Dockerfile'), 0o444);
    const error = await writeFileAtomic(join(dir, 'Dockerfile'), 'changed\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteRefusedError);
    expect((error as WriteRefusedError).message).toMatch(/read-only \(mode 0444\)/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.8-slim-bookworm\n');
    expect(readdirSync(dir)).toEqual(['Dockerfile']);
  });

  it('finds the first byte that is not UTF-8 exactly where a strict decoder fails', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const pieces = [
      [0x41],
      [0x0a],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xe9],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe0, 0x80, 0x80],
    ];
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from(
        Array.from({ length: 1 + (random() % 8) }, () => pieces[random() % pieces.length]!).flat(),
      );
      let strict: string | undefined;
      try {
        strict = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        strict = undefined;
      }
      const bad = firstNonUtf8(bytes);
      expect(bad === undefined, Buffer.from(bytes).toString('hex')).toBe(strict !== undefined);
    }
    expect(firstNonUtf8(Buffer.from('ab\r\nc\u00e9', 'utf8'))).toBeUndefined();
    expect(firstNonUtf8(Buffer.concat([Buffer.from('ab\r\nc\u00e9', 'utf8'), Buffer.from([0xff])]))).toEqual({
      line: 2,
      column: 3,
      byte: 0xff,
    });
  });

  it('interrupted while writing (Ctrl-C), removes its temporary file and leaves the file as it was', async () => {
    const dir = dirWith('Dockerfile', 'FROM python:3.12.8-slim-bookworm\n');
    const runner = await bundleRunner(
      dir,
      'src/fix',
      "import { writeFileAtomic } from './apply.js';\n" +
        "await writeFileAtomic(process.argv[2], 'x'.repeat(150_000_000));\n",
    );
    const child = spawn(process.execPath, [runner, join(dir, 'Dockerfile')], { stdio: 'ignore' });
    const ended = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    // Interrupt as soon as the temporary file exists (before the rename).
    const deadline = Date.now() + 20_000;
    while (!readdirSync(dir).some((f) => f.endsWith('.tmp')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    expect(readdirSync(dir).sort()).toEqual(['Dockerfile', 'runner.mjs']);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.8-slim-bookworm\n');
  }, 30_000);

  it.skipIf(!asRoot)(
    'says a file on a read-only file system is there, not that its mode is read-only',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pybase-apply-ro-'));
      temps.push(dir);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
      } catch {
        return; // no permission to mount here: nothing to test
      }
      try {
        writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12.8-slim-bookworm\n');
        execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
        const error = await writeFileAtomic(join(dir, 'Dockerfile'), 'changed\n').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WriteRefusedError);
        expect((error as Error).message).toBe('it is on a read-only file system');
        expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.8-slim-bookworm\n');
      } finally {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      }
    },
  );

  it('refuses a file with several hard links and leaves every name as it was', async () => {
    const dir = dirWith('Dockerfile', 'FROM python:3.12.8-slim-bookworm\n');
    linkSync(join(dir, 'Dockerfile'), join(dir, 'Dockerfile.linked'));
    await expect(writeFileAtomic(join(dir, 'Dockerfile'), 'changed\n')).rejects.toThrow(
      /2 hard links, which a replacement would split/,
    );
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.8-slim-bookworm\n');
    expect(statSync(join(dir, 'Dockerfile')).ino).toBe(statSync(join(dir, 'Dockerfile.linked')).ino);
    expect(readdirSync(dir).sort()).toEqual(['Dockerfile', 'Dockerfile.linked']);
  });

  it('refuses to replace a file changed since the state it was read in', async () => {
    const dir = dirWith('Dockerfile', 'FROM python:3.12.8-slim-bookworm\n');
    const file = join(dir, 'Dockerfile');
    const state = fileStateOf(statSync(file, { bigint: true }));
    writeFileSync(file, 'FROM python:3.13.7-slim-bookworm\n');
    await expect(writeFileAtomic(file, 'mine\n', { unchangedSince: state })).rejects.toThrow(
      FileChangedError,
    );
    expect(readFileSync(file, 'utf8')).toBe('FROM python:3.13.7-slim-bookworm\n');
    expect(readdirSync(dir)).toEqual(['Dockerfile']);
  });

  it('keeps the mode and leaves no temporary file behind', async () => {
    const dir = dirWith('run.sh', '#!/bin/sh\n');
    const file = join(dir, 'run.sh');
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
  it('rewrites the written part of a template when the change lies there, keeping variables as written', () => {
    const registry = new Map([['REGISTRY', 'docker.io/library']]);
    const t = parseTemplate('${REGISTRY}/python:3.11.4-slim-bookworm')!;
    expect(rewriteLiteral(t, registry, 'docker.io/library/python:3.11.16-slim-bookworm')).toBe(
      '${REGISTRY}/python:3.11.16-slim-bookworm',
    );
    const plain = parseTemplate('$REGISTRY/python:3.11.4')!;
    expect(rewriteLiteral(plain, registry, 'docker.io/library/python:3.11.16')).toBe(
      '$REGISTRY/python:3.11.16',
    );
    // A change that reaches into a variable's value is not a rewrite of the written text.
    const py = parseTemplate('python:${PY}-slim-bookworm')!;
    expect(rewriteLiteral(py, values, 'python:3.12.14-slim-bookworm')).toBeUndefined();
    expect(rewriteLiteral(py, values, 'python:3.12.8-slim-trixie')).toBe('python:${PY}-slim-trixie');
  });

  it('refuses operators and escapes it does not model', () => {
    expect(parseTemplate('python:${PY:-3.12}-slim')).toBeUndefined();
    expect(parseTemplate('python:\\$PY')).toBeUndefined();
  });
});
