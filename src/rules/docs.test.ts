import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nearestCodes, renderRuleDoc } from './docs.js';
import { findRule, rules } from './index.js';

const dir = new URL('../../docs/rules/', import.meta.url);

describe('rule registry', () => {
  it('has unique codes and kebab-case names, and complete docs', () => {
    const codes = rules.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.code).toMatch(/^PB\d{3}$/);
      expect(r.name).toMatch(/^[a-z]+(?:-[a-z0-9]+)*$/);
      for (const text of [
        r.docs.whatItDoes,
        r.docs.whyIsThisBad,
        r.docs.example,
        r.docs.useInstead,
        r.docs.fix,
      ]) {
        expect(text.length).toBeGreaterThan(5);
      }
    }
  });

  it('finds rules by code or name and suggests near codes', () => {
    expect(findRule('pb001')?.name).toBe('latest-tag');
    expect(findRule('stale-patch')?.code).toBe('PB105');
    expect(findRule('PB999')).toBeUndefined();
    expect(nearestCodes('PB01', rules)).toContain('PB001');
    expect(nearestCodes('python-eol', rules)[0]).toBe('PB101');
  });
});

describe('docs/rules', () => {
  it('are generated from the rule metadata and up to date (UPDATE_DOCS=1 rewrites them)', () => {
    if (process.env.UPDATE_DOCS === '1') {
      mkdirSync(dir, { recursive: true });
      for (const r of rules) writeFileSync(new URL(`${r.code}.md`, dir), renderRuleDoc(r));
    }
    const onDisk = readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort();
    expect(onDisk).toEqual(rules.map((r) => `${r.code}.md`).sort());
    for (const r of rules) {
      expect(readFileSync(new URL(`${r.code}.md`, dir), 'utf8'), `docs/rules/${r.code}.md is stale`).toBe(
        renderRuleDoc(r),
      );
    }
  });
});
