import { levels, makeFinding } from './finding.js';
import { libcFamily, shown } from './helpers.js';
import { listOf, productionPython } from './project-python.js';
import type { Rule } from './types.js';

export const pb301: Rule = {
  code: 'PB301',
  name: 'ci-prod-drift',
  summary: "CI image runs another Python minor or libc family than production's",
  defaultSeverity: levels('warning', { ci: 'error' }),
  docs: {
    whatItDoes:
      'Compares every python image CI runs with the production images of the repository: a different ' +
      'Python minor, or a different libc family (glibc on Debian, musl on Alpine), is flagged on the CI line.',
    whyIsThisBad:
      'Tests then prove nothing about production: binary wheels differ between glibc and musl, behaviour ' +
      'differs between minors. "It passed CI" and "it crashes in production" at the same time.',
    example: '# .gitlab-ci.yml\nimage: python:3.12-slim-trixie\n# Dockerfile\nFROM python:3.12-alpine3.23',
    exampleLanguage: 'yaml',
    useInstead:
      '# .gitlab-ci.yml\nimage: python:3.12-slim-trixie\n# Dockerfile\nFROM python:3.12-slim-trixie',
    fix: 'Run CI on the production image (or the same minor and variant); pybase does not choose which side moves.',
    options: [
      {
        key: 'stages',
        description: 'globs that decide which files are CI and which production',
        default: 'by file kind and name',
      },
    ],
  },
  check(ctx) {
    const prod = productionPython(ctx);
    if (prod.refs.length === 0) return [];
    // The production list is the same for every finding: built and joined once.
    let where: string[] | undefined;
    let whereText = '';
    return ctx.python.flatMap((pr) => {
      if (pr.ref.stage !== 'ci' || !pr.status || pr.status.state === 'unknown') return [];
      const problems: string[] = [];
      const minor = pr.status.facts.minor;
      if (minor && prod.minors.size > 0 && !prod.minors.has(minor) && !pr.image.python?.prerelease) {
        problems.push(`Python ${minor} while production runs ${listOf(prod.minors)}`);
      }
      const libc = libcFamily(pr);
      if (libc && prod.libcs.size > 0 && !prod.libcs.has(libc)) {
        problems.push(`${libc} while production runs ${listOf(prod.libcs)}`);
      }
      if (problems.length === 0) return [];
      if (!where) {
        where = prod.refs.map((p) => `${p.ref.file}:${p.ref.range.startLine}`);
        whereText = where.join(', ');
      }
      return [
        makeFinding(pb301, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `CI image ${shown(pr)} runs ${problems.join(', and ')} (${whereText})`,
          hint: 'run CI on the same Python minor and variant as production',
          data: {
            ciMinor: minor,
            ciLibc: libc,
            prodMinors: [...prod.minors],
            prodLibcs: [...prod.libcs],
            production: [...where],
          },
        }),
      ];
    });
  },
};
