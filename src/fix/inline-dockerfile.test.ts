/** `pybase fix` on Dockerfiles written in compose files (`build.dockerfile_inline`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { writeProject } from '../check/test-project.js';
import { fixProject } from './index.js';

const date = '2026-08-13';
const old = 'python:3.12.8-slim-bookworm';
const bumped = 'python:3.12.14-slim-bookworm';
const made = tempDirs();
function project(files: Record<string, string>): string {
  const root = writeProject(files);
  made.push(root);
  return root;
}

/** The inline Dockerfile of each service, as compose reads the file. */
function inlineDockerfiles(text: string): Record<string, string> {
  const doc = parse(text) as { services: Record<string, { build: { dockerfile_inline: string } }> };
  return Object.fromEntries(
    Object.entries(doc.services).map(([name, s]) => [name, s.build.dockerfile_inline]),
  );
}

describe('fix: compose dockerfile_inline', () => {
  let catalog: Catalog;
  beforeAll(() => {
    catalog = createCatalog();
  });

  const compose = (eol: string) =>
    [
      'services:', // 1
      '  literal:',
      '    build:',
      '      dockerfile_inline: |',
      `        FROM ${old} AS build`, // 5
      '        RUN pip wheel -w /w .',
      '',
      `        FROM   ${old}`,
      '        COPY --from=build /w /w',
      '  arg:', // 10
      '    build:',
      '      dockerfile_inline: |-',
      '        ARG V=3.12.8',
      '        FROM python:$${V}-slim-bookworm',
      '  env:', // 15
      '    build:',
      '      dockerfile_inline: |+',
      '        FROM python:${PY}-slim-bookworm',
      '',
      '  quoted:', // 20
      '    build:',
      `      dockerfile_inline: "FROM ${old}"`,
      '  folded:',
      '    build:',
      '      dockerfile_inline: >', // 25
      `        FROM ${old}`,
      '',
    ].join(eol);

  for (const [label, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`edits literal blocks and one-line values in place, and the YAML reads as the intended Dockerfiles (${label})`, async () => {
      const before = compose(eol);
      const root = project({ 'compose.yaml': before, '.env': 'PY=3.12.8\n' });
      const result = await fixProject(root, { date, catalog });
      expect(result.applied.diagnostics).toEqual([]);
      expect(result.applied.dropped).toEqual([]);
      const after = readFileSync(join(root, 'compose.yaml'), 'utf8');
      // Byte for byte the same file but for the tags and the ARG default.
      expect(after).toBe(
        before
          .replace(`FROM ${old} AS build`, `FROM ${bumped} AS build`)
          .replace(`FROM   ${old}`, `FROM   ${bumped}`)
          .replace('ARG V=3.12.8', 'ARG V=3.12.14')
          .replace(`"FROM ${old}"`, `"FROM ${bumped}"`),
      );
      // `${PY}` is compose's variable: its value is edited where it is written, in .env.
      expect(readFileSync(join(root, '.env'), 'utf8')).toBe('PY=3.12.14\n');
      const was = inlineDockerfiles(before);
      expect(inlineDockerfiles(after)).toEqual({
        literal: was.literal!.replaceAll(old, bumped),
        arg: was.arg!.replace('V=3.12.8', 'V=3.12.14'),
        env: was.env,
        quoted: `FROM ${bumped}`,
        // Left alone, with a note saying why.
        folded: was.folded,
      });
      const note = result.diagnostics.find((d) => d.location?.startLine === 25);
      expect(note).toMatchObject({ code: 'PBF001', severity: 'warning' });
      expect(note?.message).toBe(
        `compose.yaml:25: ${old} -> ${bumped} not applied: the reference is in services.folded.build.dockerfile_inline, a folded or quoted YAML value whose exact positions are not known`,
      );
      expect(note?.hint).toBe(
        'write the Dockerfile as a literal block (dockerfile_inline: |), or edit it by hand',
      );

      const again = await fixProject(root, { date, catalog, dryRun: true });
      expect(again.applied.changes).toEqual([]);
      expect(
        again.extraction.references
          .filter((r) => r.file === 'compose.yaml')
          .map((r) => `${r.range.startLine} ${r.resolved ?? r.text}`),
      ).toEqual([`5 ${bumped}`, `8 ${bumped}`, `14 ${bumped}`, `18 ${bumped}`, `22 ${bumped}`, `25 ${old}`]);
    });
  }

  it("edits the .env beside the compose file for a compose ${V}, not the Dockerfile's ARG V", async () => {
    const before = [
      'services:',
      '  a:',
      '    build:',
      '      dockerfile_inline: |',
      '        ARG V=3.12.8',
      '        FROM python:${V}-slim-bookworm',
      '',
    ].join('\n');
    const root = project({ 'compose.yaml': before, '.env': 'V=3.12.8\n' });
    const result = await fixProject(root, { date, catalog });
    expect(result.applied.dropped).toEqual([]);
    expect(readFileSync(join(root, 'compose.yaml'), 'utf8')).toBe(before);
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe('V=3.12.14\n');
  });

  it('leaves a compose file with a broken inline Dockerfile untouched, with an error naming it', async () => {
    const before = [
      'services:',
      '  a:',
      `    image: ${old}`,
      '  b:',
      '    build:',
      '      dockerfile_inline: |',
      `        FROM ${old}`,
      '        RUN <<EOF',
      '',
    ].join('\n');
    const root = project({ 'compose.yaml': before });
    const result = await fixProject(root, { date, catalog });
    expect(readFileSync(join(root, 'compose.yaml'), 'utf8')).toBe(before);
    expect(result.applied.changes).toEqual([]);
    expect(result.diagnostics.some((d) => d.code === 'PBE006' && d.location?.startLine === 8)).toBe(true);
    const why =
      'the file does not parse as it is (compose.yaml:8: cannot parse: services.b.build.dockerfile_inline: heredoc <<EOF is never closed; the rest of the Dockerfile is read as its body)';
    expect(result.applied.diagnostics.map((d) => d.message)).toEqual([
      `compose.yaml:3: edit ${old} -> ${bumped} dropped: ${why}`,
      `compose.yaml:7: edit ${old} -> ${bumped} dropped: ${why}`,
    ]);
  });
});
