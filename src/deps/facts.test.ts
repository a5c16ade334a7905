import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/paths.js';
import { createCatalog } from '../catalog/catalog.js';
import { readDependencyFacts } from './facts.js';

const date = '2026-08-13';
const catalog = createCatalog();

describe('dependency facts', () => {
  it('judges several images in one run with the verdicts it gives one by one', () => {
    const root = join(repoRoot, 'test/fixtures/fix-minor-per-image');
    const tags = [
      '3.12.14-slim-trixie',
      '3.14.7-slim-trixie',
      '3.14-slim-trixie',
      '3.13.15-alpine3.23',
      'no-such-tag',
    ];
    const together = readDependencyFacts(root, { catalog }).facts!;
    const alone = readDependencyFacts(root, { catalog }).facts!;
    const batch = together.images(tags, date);
    expect(batch.map((f) => f?.candidate.tag)).toEqual([
      '3.12.14-slim-trixie',
      '3.14.7-slim-trixie',
      '3.14.7-slim-trixie',
      '3.13.15-alpine3.23',
      undefined,
    ]);
    tags.forEach((tag, i) => {
      const one = alone.image(tag, date);
      expect(batch[i]?.report.images.map((c) => [c.arch, c.packages, c.installable])).toEqual(
        one?.report.images.map((c) => [c.arch, c.packages, c.installable]),
      );
    });
    // Asked again, the same facts (judged once).
    expect(together.image('3.14.7-slim-trixie', date)).toBe(batch[1]);
  });
});
