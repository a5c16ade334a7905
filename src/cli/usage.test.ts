/** Usage errors and messages of the command line: what they name, and how they read. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, runMain } from '../../test/support/run-main.js';
import { writeProject } from '../check/test-project.js';
import { plural } from './io.js';
import { main } from './main.js';

describe('values of options', () => {
  const date = ['--date', '2026-08-20'];

  it('an option whose value starts with a dash says how to write it', async () => {
    const r = await runMain(['tags', '--frozen', '-5', ...date]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "tags: --frozen needs a value; '-5' starts with '-' and reads as an option: write --frozen=-5 to give it as the value",
    );
    expect(r.err).not.toContain('ambiguous');
    const written = await runMain(['tags', '--frozen=-5', ...date]);
    expect(written.err).toContain("tags: --frozen must be a whole number of days, not '-5'");
    expect((await runMain(['tags', '--frozen', '--json', ...date])).err).toContain(
      'tags: --frozen needs a value, but is followed by the option --json',
    );
    expect((await runMain(['tags', ...date, '--frozen'])).err).toContain('tags: --frozen needs a value');
  });

  it('an empty value is a usage error naming the option, not the default', async () => {
    for (const arch of ['', ',', ' ']) {
      const r = await runMain(['deps', '--arch', arch, '--offline', ...date], { cwd: '/' });
      expect(r.code).toBe(2);
      expect(r.err).toContain(`deps: --arch needs a value, got '${arch}'`);
    }
    expect((await runMain(['check', '--exclude=', ...date], { cwd: '/' })).err).toContain(
      "check: --exclude needs a value, got ''",
    );
  });

  it('--no-color turns colours off', async () => {
    const coloured = { ...captureIo(), color: true };
    await main(['tags', '3.12-slim', ...date], coloured);
    expect(coloured.stdout()).toContain('\u001b[');
    const plain = { ...captureIo(), color: true };
    expect(await main(['tags', '3.12-slim', '--no-color', ...date], plain)).toBe(0);
    expect(plain.stdout()).not.toContain('\u001b[');
  });
});

describe('a file given where the project root goes', () => {
  const project = writeProject({
    'uv.lock': 'version = 1\n',
    'notes.md': '# notes\n',
    Dockerfile: 'FROM python:3.12-slim\n',
  });
  const date = ['--date', '2026-08-20', '--offline'];

  for (const command of ['check', 'fix', 'deps', 'recommend', 'matrix', 'report', 'init', 'renovate']) {
    it(`pybase ${command} names the path and asks for the root directory`, async () => {
      const extra = command === 'report' ? ['--html', '-'] : [];
      const r = await runMain([command, 'notes.md', ...extra, ...date], { cwd: project });
      expect(r.code).toBe(2);
      expect(r.err).toContain(`pybase: error: ${command}: notes.md is not a directory`);
      expect(r.err).toContain('hint: give the root directory of the project');
      expect(r.err).not.toMatch(/ENOTDIR|scandir/);
    });
  }

  for (const command of ['deps', 'recommend']) {
    it(`pybase ${command} on a dependency file suggests --deps`, async () => {
      const here = await runMain([command, 'uv.lock', ...date], { cwd: project });
      expect(here.code).toBe(2);
      expect(here.err).toContain(`${command}: uv.lock is not a directory`);
      expect(here.err).toContain(`name it with --deps: pybase ${command} --deps uv.lock`);
      expect(here.err).not.toMatch(/ENOTDIR|scandir/);
      const parent = path.dirname(project);
      const name = path.basename(project);
      const below = await runMain([command, `${name}/uv.lock`, ...date], { cwd: parent });
      expect(below.err).toContain(`pybase ${command} ${name} --deps ${name}/uv.lock`);
    });
  }
});

describe('counts in messages', () => {
  it('plural: one thing, or several', () => {
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(0, 'image')).toBe('0 images');
    expect(plural(2, 'more failed look-up')).toBe('2 more failed look-ups');
    expect(plural(3, 'analysis', 'analyses')).toBe('3 analyses');
  });

  it('tags counts one image as one', async () => {
    const r = await runMain(['tags', '3.12-slim-trixie', '--date', '2026-08-20']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1 image at 2026-08-20\.$/m);
    expect(r.out).not.toMatch(/\b1 archs\b/);
  });

  it('report counts one recommendation and one finding as one', async () => {
    const project = writeProject({ Dockerfile: 'FROM python:3.12.14-slim-trixie\n' });
    const r = await runMain(['report', '--html', 'report.html', '--date', '2026-08-20'], { cwd: project });
    expect(r.code).toBe(0);
    expect(r.err).toContain('pybase: wrote report.html (1 recommendation, 1 finding)');
  });
});
