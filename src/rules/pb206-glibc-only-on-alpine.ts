import { dependencyFactsOf, nameList, referencesWithFacts } from '../deps/facts.js';
import { makeFinding } from './finding.js';
import { placeableImages, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb206: Rule = {
  code: 'PB206',
  name: 'glibc-only-on-alpine',
  summary: 'packages or vendor SDKs declared glibc-only, on a musl (Alpine) image',
  defaultSeverity: { dev: 'warning', ci: 'error', build: 'error', prod: 'error' },
  docs: {
    whatItDoes:
      'The configuration lists packages and vendor SDKs that only run on glibc (`glibc-only = [...]`: ' +
      'closed-source drivers, prebuilt binaries). The rule flags every Alpine image while that list is ' +
      'not empty, and says which of them are locked dependencies.',
    whyIsThisBad:
      'Binaries linked against glibc do not load on musl; the failure shows up at run time, not at build time.',
    example: '# glibc-only = ["oracledb-instantclient"]\nFROM python:3.12-alpine',
    useInstead: 'FROM python:3.12.14-slim-trixie',
    fix: 'Use a Debian image (slim) for this project. Not automatic.',
    options: [
      {
        key: 'glibc-only',
        description: 'Names of packages or vendor SDKs that need glibc.',
        default: '[]',
      },
    ],
  },
  check(ctx) {
    const facts = dependencyFactsOf(ctx.dependencies);
    if (!facts || facts.glibcOnly.length === 0) return [];
    const locked = new Set(facts.deps.dependencies.map((d) => d.name));
    return referencesWithFacts(placeableImages(ctx.python), facts, ctx.date).flatMap(
      ({ pr, facts: image }) => {
        if (image.candidate.libc.family !== 'musl') return [];
        const inLock = facts.glibcOnly.filter((n) => locked.has(n));
        return [
          makeFinding(pb206, {
            stage: pr.ref.stage,
            location: pr.ref.range,
            message: `${shown(pr)} uses musl, but the configuration declares ${nameList(facts.glibcOnly)} glibc-only${inLock.length > 0 ? ` (locked: ${nameList(inLock)})` : ''}`,
            hint: 'use a Debian (glibc) image such as the -slim-trixie tag of the same Python',
            data: { image: image.candidate.tag, glibcOnly: facts.glibcOnly, locked: inLock },
          }),
        ];
      },
    );
  },
};
