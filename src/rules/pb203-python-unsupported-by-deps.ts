import {
  type DependencyFacts,
  dependencyFactsOf,
  type ImageDependencyFacts,
  nameList,
  referencesWithFacts,
} from '../deps/facts.js';
import { addMonths, type IsoDate } from '../model/date.js';
import { projectPythonConstraints, pythonAllowed } from '../recommend/python-constraints.js';
import { builderStageNote, failsHere, stageBuilders } from './builder-stages.js';
import { makeFinding } from './finding.js';
import { placeableImages, shown } from './helpers.js';
import type { OtherPython, Rule, RuleContext } from './types.js';

/** The locked packages a Python does not suit, as labels (`numpy 1.24.4`). */
interface Affected {
  /** Packages with binary wheels, but none for this Python minor, that pip would build or cannot install. */
  noWheel: string[];
  /** Packages whose requires-python excludes this Python. */
  excluded: string[];
}

const count = (a: Affected) => a.noWheel.length + a.excluded.length;

/**
 * The packages of an image's report that do not suit its Python. `builder`: the stage takes what an
 * earlier stage with a compiler built (then source builds are that stage's business).
 */
function affectedOn(image: ImageDependencyFacts, builder: number | undefined): Affected {
  const minor = image.candidate.python;
  const noWheel = new Set<string>();
  const excluded = new Set<string>();
  for (const result of image.report.images) {
    for (const p of result.packages) {
      const label = p.version ? `${p.name} ${p.version}` : p.name;
      if (p.verdict === 'unavailable' && /requires Python '/.test(p.reason)) {
        excluded.add(label);
        continue;
      }
      if (!failsHere(p.verdict, builder)) continue;
      const summary = image.report.packages.find((s) => s.name === p.name);
      if (summary?.hasBinaryWheels && !(summary.wheelPythons ?? []).includes(minor)) noWheel.add(label);
    }
  }
  return { noWheel: [...noWheel], excluded: [...excluded] };
}

/** Another Python the image could run, with what it leaves unsuited. */
interface Alternative {
  other: OtherPython;
  eol: IsoDate;
  affected: Affected;
}

/**
 * The other Pythons of an image's variant and distro family at the date that the project admits and
 * that are not past their end of life, judged lazily and once per tag (and builder or not) in a run.
 */
function alternativesOf(ctx: RuleContext, facts: DependencyFacts) {
  const constraints = projectPythonConstraints(
    ctx.extraction,
    facts.deps.requiresPython,
    facts.deps.source.file,
  );
  const judged = new Map<string, Affected | null>();
  return (tag: string, builder: number | undefined): Alternative[] => {
    const out: Alternative[] = [];
    for (const other of ctx.catalog.otherPythons(tag, ctx.date)) {
      const eol = ctx.catalog.pythonEol(other.minor);
      if (!eol || eol <= ctx.date || !pythonAllowed(constraints, other.python)) continue;
      const key = `${other.tag}\u0000${builder === undefined}`;
      let affected = judged.get(key);
      if (affected === undefined) {
        const image = facts.image(other.tag, ctx.date);
        affected = image ? affectedOn(image, builder) : null;
        judged.set(key, affected);
      }
      if (affected) out.push({ other, eol, affected });
    }
    return out;
  };
}

/** The package name of a label (`numpy 1.24.4` -> `numpy`; names have no spaces). */
const nameOf = (label: string) => label.split(' ')[0] ?? label;
const names = (labels: readonly string[]) => new Set(labels.map(nameOf));

/**
 * The Python worth naming instead of the image's: the one (with the support the stage asks for)
 * that leaves the fewest packages unsuited, when that is fewer than the image's own; else, when
 * some locked package's requires-python excludes the image's Python, one it admits. Ties go to
 * the newest minor.
 */
function betterPython(
  own: Affected,
  alternatives: readonly Alternative[],
  longEnough: (eol: IsoDate) => boolean,
): { alt: Alternative; why: 'fewer' | 'admitted' } | undefined {
  let best: Alternative | undefined;
  for (const alt of alternatives) {
    if (!longEnough(alt.eol) || count(alt.affected) >= count(own)) continue;
    if (!best || count(alt.affected) <= count(best.affected)) best = alt;
  }
  if (best) return { alt: best, why: 'fewer' };
  if (own.excluded.length === 0) return undefined;
  const ownExcluded = names(own.excluded);
  const freed = (alt: Alternative) => {
    const still = names(alt.affected.excluded);
    return [...ownExcluded].filter((n) => !still.has(n)).length;
  };
  let admitted: Alternative | undefined;
  for (const alt of alternatives) {
    const n = freed(alt);
    if (n === 0) continue;
    const m = admitted ? freed(admitted) : 0;
    if (!admitted || n > m || (n === m && count(alt.affected) <= count(admitted.affected))) admitted = alt;
  }
  return admitted ? { alt: admitted, why: 'admitted' } : undefined;
}

/** What the better Python does for this lock, in words. */
function comparison(
  own: Affected,
  better: { alt: Alternative; why: 'fewer' | 'admitted' },
  builder: number | undefined,
): string {
  const { other, affected } = better.alt;
  const py = `Python ${other.minor}`;
  if (better.why === 'admitted') {
    const still = names(affected.excluded);
    const freed = own.excluded.filter((l) => !still.has(nameOf(l)));
    return `the requires-python of ${nameList(freed)} admits ${py}`;
  }
  const n = count(affected);
  if (n === 0) {
    return own.excluded.length === 0 ? `${py} has wheels for all of them` : `${py} supports all of them`;
  }
  const fewer = count(own) - n;
  const only = `only ${nameList([...affected.noWheel, ...affected.excluded])}`;
  return builder === undefined && own.excluded.length === 0 && affected.excluded.length === 0
    ? `${py} needs ${fewer} fewer source build${fewer === 1 ? '' : 's'} (${only})`
    : `${py} has ${fewer} fewer such package${fewer === 1 ? '' : 's'} (${only})`;
}

export const pb203: Rule = {
  code: 'PB203',
  name: 'python-unsupported-by-deps',
  summary:
    "locked dependencies that publish no wheel for the image's Python, or exclude it by requires-python, when another Python suits them better",
  defaultSeverity: { dev: 'info', ci: 'warning', build: 'error', prod: 'error' },
  docs: {
    whatItDoes:
      "Finds locked packages that ship binary wheels, but none for the image's Python minor (so pip builds " +
      "the sdist), and packages whose requires-python excludes the image's Python (so pip cannot install " +
      'the locked release at all), and reports them only when another Python suits the lock better. The ' +
      'Pythons compared are those published at the date in the same variant and distro family (Debian or ' +
      "Alpine), admitted by the project's own constraints (`requires-python`, Poetry's `python`, " +
      '`python_requires`) and supported for as long as `pybase recommend` asks of the stage ' +
      '(`[tool.pybase.policy] min-support-months`: by default 12 months for production and builder ' +
      'stages, 6 for CI, none for development). The rule fires when one of them leaves strictly fewer ' +
      'locked packages affected, and names it; a requires-python exclusion is also reported whenever a ' +
      "Python not past its end of life is not excluded. When the image's Python is already the best for " +
      'the lock, nothing fires: only updating the lock helps, and a compiler missing for the source ' +
      "builds is PB205's business. " +
      builderStageNote,
    whyIsThisBad:
      'A Python upgrade in the Dockerfile that the lock does not follow: the build compiles packages ' +
      'from source or fails with "no matching distribution", where another Python would install them ' +
      'from wheels.',
    example: 'FROM python:3.12-slim   # the lock pins numpy 1.24.4 (wheels up to cp311)',
    useInstead: 'FROM python:3.11.16-slim-trixie   # or update numpy in the lock',
    fix:
      'Either use the Python the message names (usually the one the lock was made for), or update the ' +
      "lock for the image's Python. Not automatic.",
    options: [
      {
        key: 'policy.min-support-months',
        description:
          'months of support another Python must have left to be named instead, per stage (a builder ' +
          'stage counts as `prod`); the same key `pybase recommend` keeps to',
        default: 'prod 12, ci 6, dev 0',
      },
    ],
  },
  check(ctx) {
    const facts = dependencyFactsOf(ctx.dependencies);
    if (!facts) return [];
    const builders = stageBuilders(ctx, facts);
    const alternatives = alternativesOf(ctx, facts);
    return referencesWithFacts(placeableImages(ctx.python), facts, ctx.date).flatMap(
      ({ pr, facts: image }) => {
        const minor = image.candidate.python;
        const builder = builders.builderOf(pr);
        const own = affectedOn(image, builder);
        if (count(own) === 0) return [];
        // A Python worth moving to keeps the support the stage asks for, as `recommend` decides it.
        const months = ctx.options.minSupportMonths[pr.ref.stage];
        const until = addMonths(ctx.date, months);
        const longEnough = (eol: IsoDate) => (months === 0 ? eol > ctx.date : eol >= until);
        const better = betterPython(own, alternatives(image.candidate.tag, builder), longEnough);
        if (!better) return [];
        const parts: string[] = [];
        if (own.noWheel.length > 0)
          parts.push(`no cp${minor.replace('.', '')} wheel for ${nameList(own.noWheel)}`);
        if (own.excluded.length > 0) parts.push(`requires-python excludes it for ${nameList(own.excluded)}`);
        const { other } = better.alt;
        return [
          makeFinding(pb203, {
            stage: pr.ref.stage,
            location: pr.ref.range,
            message: `${shown(pr)} runs Python ${image.candidate.pythonVersion}, which the locked dependencies do not support: ${parts.join('; ')}; ${comparison(own, better, builder)}`,
            hint: `use Python ${other.minor} (python:${other.tag}), or update the lock for Python ${minor}`,
            data: {
              image: image.candidate.tag,
              noWheel: own.noWheel,
              excluded: own.excluded,
              better: {
                python: other.minor,
                tag: other.tag,
                noWheel: better.alt.affected.noWheel,
                excluded: better.alt.affected.excluded,
              },
            },
          }),
        ];
      },
    );
  },
};
