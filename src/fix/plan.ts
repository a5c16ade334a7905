/**
 * Planning: from an Extraction and the published-tag facts, the exact edits that bring python image
 * references where the mode asks, and nothing else. A reference written literally is edited where it
 * is written; one templated by ARGs is edited at the ARG default, once, and only when every FROM that
 * uses that default still names a published python tag afterwards.
 */
import path from 'node:path';
import { parseReference, tryParseReference, withTag } from '../catalog/reference.js';
import { minorOf, tryParseTag } from '../catalog/tag.js';
import { classifyProjectFile } from '../files/classify.js';
import { specifierKinds, versionStatementAllows } from '../files/version-files/specifier.js';
import { type Diagnostic, inputCodes, type SourceRange } from '../model/diagnostic.js';
import type { ImageRef, PythonTag } from '../model/image-ref.js';
import { archSpelling } from '../model/platform.js';
import type { ExtractedReference, Extraction, ValueOrigin, VersionStatement } from '../model/project.js';
import {
  type BumpOptions,
  type Choice,
  changeKind,
  chooseBump,
  chooseExplicit,
  explicitTarget,
  neverRuleViolation,
} from './choose.js';
import { type DependencyJudge, dependencyJudge, refusalText } from './dependencies.js';
import { followedVersion, writtenAsIs } from './follow.js';
import { redactSecrets } from './redact.js';
import type { TagFacts } from './tag-facts.js';
import { expandTemplate, parseTemplate, rewriteLiteral, type Segment, solveTemplate } from './template.js';
import type {
  DependencyRefusal,
  Edit,
  EditKind,
  ExpectedValue,
  FixTarget,
  Plan,
  PlanOptions,
} from './types.js';

/** Diagnostic codes of the fixer. */
export const fixCodes = {
  /** A reference was left alone; the message says why. */
  skipped: 'PBF001',
  /** An edit was planned but dropped (conflict, verification failure). */
  dropped: 'PBF002',
  /** A digest could not be resolved. */
  digest: 'PBF003',
} as const;

const kindWeight: Record<EditKind, number> = { pin: 0, refresh: 1, patch: 2, distro: 3, minor: 4 };

function note(
  code: string,
  severity: Diagnostic['severity'],
  message: string,
  range?: SourceRange,
  hint?: string,
) {
  const d: Diagnostic = { code, severity, message: redactSecrets(message) };
  if (range) d.location = range;
  if (hint) d.hint = hint;
  return d;
}

function where(range: SourceRange): string {
  return `${range.file}:${range.startLine}`;
}

function originKey(o: ValueOrigin): string {
  return `${o.file ?? ''}\0${o.range?.startOffset ?? o.range?.startLine}:${o.range?.startColumn}`;
}

/** The reference as the build sees it (ARGs substituted), or undefined when a variable has no value. */
function effectiveText(ref: ExtractedReference): string | undefined {
  if (ref.unresolved?.length) return undefined;
  return ref.resolved ?? ref.text;
}

function isTemplated(ref: ExtractedReference): boolean {
  return ref.resolved !== undefined && ref.resolved !== ref.text;
}

interface Wanted {
  ref: ExtractedReference;
  parsed: ImageRef;
  before: string;
  after: string;
  /** What to write at the reference's place, when not `after` (a template whose written tag changes). */
  write?: string;
  kind: EditKind;
  why: string;
}

/**
 * Which of the project's Python ranges govern the references of a file. A range written in a folder
 * that holds python images of its own (`services/b/pyproject.toml` beside `services/b/Dockerfile`)
 * governs those images only; one at the root, or in a folder without images (a `backend/` built by
 * the root Dockerfile), governs them all. PB302 compares statements with images the same way.
 */
function limitsByFile<T extends { file: string }>(
  limits: readonly T[],
  extraction: Extraction,
  refOptions: { mirrors?: readonly string[] },
): (file: string) => T[] {
  const imageFiles = new Set<string>();
  for (const ref of extraction.references) {
    const text = effectiveText(ref);
    if (text !== undefined && tryParseReference(text, refOptions)?.isPython) imageFiles.add(ref.file);
  }
  const scopeOf = new Map<T, string | undefined>();
  for (const st of limits) {
    const folder = path.posix.dirname(st.file);
    const own = folder !== '.' && [...imageFiles].some((f) => f.startsWith(`${folder}/`));
    scopeOf.set(st, own ? `${folder}/` : undefined);
  }
  return (file) =>
    limits.filter((st) => {
      const scope = scopeOf.get(st);
      return scope === undefined || file.startsWith(scope);
    });
}

/**
 * Bumps stay within the project's Python ranges; a file that would state one (pyproject.toml,
 * setup.cfg) but does not parse leaves its range unknown. The edits such a file could govern are
 * not made (a bump past the range would be written before anyone fixed the syntax error): one
 * error per file names it and what stays.
 */
function holdUnderUnreadableRanges(
  edits: readonly Edit[],
  extraction: Extraction,
  refOptions: { mirrors?: readonly string[] },
  target: FixTarget,
  diagnostics: Diagnostic[],
): Edit[] {
  const rangeFileKinds = new Set(['pyproject', 'setup-cfg']);
  const unreadable: { file: string; problem: Diagnostic }[] = [];
  for (const d of extraction.diagnostics) {
    const file = d.location?.file;
    if (d.code !== inputCodes.parseError || d.severity !== 'error' || file === undefined) continue;
    if (!rangeFileKinds.has(classifyProjectFile(file) ?? '')) continue;
    if (!unreadable.some((u) => u.file === file)) unreadable.push({ file, problem: d });
  }
  if (unreadable.length === 0) return [...edits];
  const governing = limitsByFile(unreadable, extraction, refOptions);
  const heldBy = new Map<(typeof unreadable)[number], Edit[]>();
  const kept: Edit[] = [];
  for (const edit of edits) {
    const files = new Set([edit.file, ...edit.expect.map((x) => x.range.file)]);
    const by = [...files].flatMap((f) => governing(f))[0];
    if (by === undefined) kept.push(edit);
    else heldBy.set(by, [...(heldBy.get(by) ?? []), edit]);
  }
  for (const [by, held] of heldBy) {
    const shown = held
      .slice(0, 3)
      .map((e) => `${e.file}:${e.range.startLine} (${e.before})`)
      .join(', ');
    const more = held.length > 3 ? ` and ${held.length - 3} more` : '';
    const line = by.problem.location?.startLine ?? 1;
    diagnostics.push({
      code: fixCodes.skipped,
      severity: 'error',
      message: `${by.file}:${line}: does not parse, so the Python range it may state is unknown: ${modeLabel(target)} leaves ${shown}${more} alone`,
      location: by.problem.location ?? {
        file: by.file,
        startLine: 1,
        startColumn: 1,
        endLine: 1,
        endColumn: 1,
      },
      hint: 'fix the syntax error in that file, then run pybase fix again',
    });
  }
  return kept;
}

/** A reference whose bump stopped short of a newer Python the project excludes. */
interface Held {
  ref: ExtractedReference;
  before: string;
  held: string;
}

const limitLabel: Partial<Record<VersionStatement['kind'], string>> = {
  'requires-python': 'requires-python',
  'poetry-python': "Poetry's python",
  'setup-cfg': 'python_requires',
};

/** One note per excluded Python: which statements exclude it, the first reference, how many more. */
function heldNotes(
  list: readonly Held[],
  limitsFor: (file: string) => readonly VersionStatement[],
  target: FixTarget,
): Diagnostic[] {
  const byVersion = new Map<string, Held[]>();
  for (const h of list) byVersion.set(h.held, [...(byVersion.get(h.held) ?? []), h]);
  return [...byVersion].map(([version, refs]) => {
    const first = refs[0]!;
    const statements = limitsFor(first.ref.file)
      .filter((st) => versionStatementAllows(st, version) === false)
      .map((st) => `${limitLabel[st.kind] ?? st.kind} '${st.text}' (${st.file}:${st.range.startLine})`)
      .join(', ');
    const more =
      refs.length > 1 ? ` (${refs.length - 1} more reference${refs.length > 2 ? 's' : ''} likewise)` : '';
    return note(
      fixCodes.skipped,
      'info',
      `${where(first.ref.range)}: ${first.before}: ${modeLabel(target)} stays within ${statements}, which excludes Python ${version}${more}`,
      first.ref.range,
      'widen that range first to move to that Python',
    );
  });
}

/** A reference `--bump minor` did not move as far as it would have: the dependencies refused newer minors. */
interface Refused {
  ref: ExtractedReference;
  before: string;
  /** The Python minor it runs now. */
  from: string;
  /** The tag chosen instead (a nearer minor, or the current minor's newest patch), if any. */
  to?: string;
  refused: DependencyRefusal[];
}

/**
 * One note per reference the locked dependencies held back: where it stays (or how far it went),
 * and what each newer minor would break.
 */
function refusedNotes(list: readonly Refused[], judge: DependencyJudge): Diagnostic[] {
  return list.map((r) => {
    const toTag = r.to === undefined ? undefined : tryParseTag(r.to);
    const toMinor = toTag ? minorOf(toTag) : undefined;
    const moved = toMinor !== undefined && toMinor !== r.from;
    const refusedMinors = r.refused.map((x) => {
      const t = tryParseTag(x.tag);
      return (t && minorOf(t)) ?? x.tag;
    });
    const head = moved
      ? `${r.before} moved to Python ${toMinor}, not ${refusedMinors.join(' or ')}`
      : `${r.before} held at Python ${r.from}${toTag ? ` (moved to its newest patch, ${r.to})` : ''}`;
    const why = r.refused.map((x) => refusalText(x, judge.archs)).join('; ');
    const blocked = r.refused.find((x) => x.excluded === undefined && x.blockers.length > 0);
    const blockedImage = blocked?.image ?? blocked?.tag;
    const d = note(
      fixCodes.skipped,
      'info',
      `${where(r.ref.range)}: ${head}: ${why}`,
      r.ref.range,
      r.refused.some((x) => x.excluded === undefined && x.blockers.length > 0)
        ? `pybase deps --image python:${blockedImage} shows every package there; upgrade the packages named (in ${judge.file}) to move${r.refused.some((x) => x.excluded !== undefined) ? `, widen the Python ${judge.file} requires for the newer minors` : ''}, or pass --no-deps-check to move without judging them`
        : `widen the Python ${judge.file} requires to move, or pass --no-deps-check to move without judging the dependencies`,
    );
    d.data = {
      dependencies: { file: judge.file, archs: judge.archs },
      python: r.from,
      ...(moved ? { movedTo: toMinor } : { heldAt: r.from }),
      refused: r.refused,
    };
    return d;
  });
}

/** A reference a bump mode does not apply to, and why. */
interface BumpSkip {
  ref: ExtractedReference;
  before: string;
  why: string;
  floats: boolean;
}

interface ArgProposal extends Wanted {
  changes: Map<string, { origin: ValueOrigin; value: string }>;
}

function choose(
  tag: PythonTag,
  ref: ExtractedReference,
  target: FixTarget,
  facts: TagFacts,
  options: PlanOptions,
  bumpOptions: BumpOptions,
): Choice {
  switch (target.kind) {
    case 'bump':
      return chooseBump(tag, target.bump, facts, options.date, bumpOptions);
    case 'to':
      return chooseExplicit(tag, target.tag, facts, options.date);
    case 'recommended': {
      const wanted = target.tags[ref.stage];
      return wanted === undefined ? { kind: 'keep' } : chooseExplicit(tag, wanted, facts, options.date);
    }
  }
}

/**
 * Values of the template's variables, keyed by name, when each comes from exactly one place pybase
 * edits: an ARG default of the same Dockerfile, or (for a compose image) a line of the `.env` file
 * beside the compose file.
 */
function argValues(ref: ExtractedReference): Map<string, ValueOrigin> | string {
  const byName = new Map<string, ValueOrigin>();
  for (const o of ref.origins ?? []) {
    // A Dockerfile written in a compose file is interpolated by compose, with the `.env` beside it.
    const editable =
      o.range?.startOffset !== undefined &&
      ((o.source === 'arg-default' && o.file === ref.file) ||
        (o.source === 'compose-env' && (ref.kind === 'compose-image' || ref.embedded !== undefined)));
    if (!editable) {
      return `its value comes from ${o.source} ${o.name}${o.file ? ` (${o.file})` : ''}; edit it there`;
    }
    if (byName.has(o.name) || o.value.includes('$')) {
      return `${variableLabel(o)} is defined from other variables; edit it by hand`;
    }
    if (!writtenAsIs(o.range!, o.value)) {
      return `${variableLabel(o)} is written across lines or with escapes; edit it by hand`;
    }
    byName.set(o.name, o);
  }
  return byName;
}

/**
 * True when the text at `range` is `value` itself, so that writing the new value there gives the new
 * value. Not so for a YAML block scalar (`image: >-` and the value on the next line), a quoted value
 * with escapes (`"python:3.12\u002dslim"`) or folded across lines, or a Dockerfile value continued on
 * the next line: the written text is longer than the value it reads as.
 */
function notAsWritten(ref: ExtractedReference, before: string, after: string): Diagnostic {
  return note(
    fixCodes.skipped,
    'warning',
    `${where(ref.range)}: ${before} -> ${after} not applied: the reference is not written as plain text at its place (a YAML block scalar, a value folded across lines, or escapes), and pybase only rewrites text that reads as it is written`,
    ref.range,
    `edit it by hand, or write it on one line as ${before}`,
  );
}

/** The variable uses of a templated reference, as the fixer follows them (see parseTemplate). */
function templateOf(ref: ExtractedReference): Segment[] | undefined {
  return parseTemplate(ref.text, ref.embedded ? { composeEscapes: true } : {});
}

/**
 * A reference in a Dockerfile written in a compose file as a folded (`>`) or multi-line quoted value:
 * YAML joins its lines, so where its text is in the file is not known, and nothing is edited there.
 */
function notExact(ref: ExtractedReference, before: string, after: string): Diagnostic {
  return note(
    fixCodes.skipped,
    'warning',
    `${where(ref.range)}: ${before} -> ${after} not applied: the reference is in ${ref.embedded?.key ?? 'an inline Dockerfile'}, a folded or quoted YAML value whose exact positions are not known`,
    ref.range,
    'write the Dockerfile as a literal block (dockerfile_inline: |), or edit it by hand',
  );
}

/** `ARG PY` or `PY in .env`, as a message names a variable. */
function variableLabel(o: ValueOrigin): string {
  return o.source === 'compose-env' ? `${o.name} in ${o.file}` : `ARG ${o.name}`;
}

export async function planFixes(
  extraction: Extraction,
  facts: TagFacts,
  options: PlanOptions,
): Promise<Plan> {
  let target: FixTarget = options.target ?? { kind: 'bump', bump: 'patch' };
  const diagnostics: Diagnostic[] = [];
  const refOptions = options.mirrors ? { mirrors: options.mirrors } : {};
  if (target.kind === 'to') {
    // Read once: a tag that cannot be used is one error, not a warning per reference.
    const read = explicitTarget(target.tag, facts, options.date, options.mirrors);
    if ('problem' in read) {
      return { edits: [], diagnostics: [note(inputCodes.usage, 'error', `--to: ${read.problem}`)] };
    }
    target = { kind: 'to', tag: read.tag };
  }
  const pin = options.pinDigest === true;
  if (pin && !options.resolveDigest) {
    diagnostics.push(
      note(fixCodes.digest, 'error', 'pinning digests needs a registry: no digest resolver was given'),
    );
  }
  const digests = new Map<string, Promise<string>>();
  const resolveDigest = (reference: string): Promise<string> => {
    let known = digests.get(reference);
    if (!known) {
      known = options.resolveDigest!(reference).then((d) => {
        if (!/^sha256:[a-f0-9]{64}$/.test(d))
          throw new Error(`the registry answered '${d}', not a sha256 digest`);
        return d;
      });
      digests.set(reference, known);
    }
    return known;
  };

  const literal: Wanted[] = [];
  const proposals: ArgProposal[] = [];
  const bumpSkips: BumpSkip[] = [];
  const samePatchOnly: { ref: ExtractedReference; before: string; to: string }[] = [];
  // The project's requires-python (and the like): bumps stay within what it admits.
  const limits = extraction.versions.filter((v) => specifierKinds.has(v.kind));
  const limitsFor = limitsByFile(limits, extraction, refOptions);
  const held: Held[] = [];
  const bumpOptions: BumpOptions = {};
  /** `base` with the limits that govern the reference's file. */
  const within = (base: BumpOptions, file: string): BumpOptions => {
    const own = limitsFor(file);
    return own.length > 0
      ? { ...base, allows: (version) => own.every((st) => versionStatementAllows(st, version) !== false) }
      : base;
  };
  // --bump minor with the project's dependencies: a new minor only where they install no worse.
  const judge =
    target.kind === 'bump' && target.bump === 'minor' && options.dependencies
      ? dependencyJudge(options.dependencies, options.date)
      : undefined;
  if (judge) {
    // The images the bump will ask about are judged together rather than one by one (much
    // cheaper), in rounds: the newest minor each reference would move to; the current images of
    // the references where some package would not install from a wheel there; the next older
    // minor for the references refused; and so on.
    for (;;) {
      const next: PythonTag[] = [];
      const record: BumpOptions = {
        ...bumpOptions,
        refuse: (from, to) => {
          const needed = judge.needs(from, to);
          if (needed.length === 0) return judge.refuse(from, to);
          next.push(...needed);
          return undefined;
        },
      };
      for (const ref of extraction.references) {
        const text = effectiveText(ref);
        const parsed = text === undefined ? undefined : tryParseReference(text, refOptions);
        if (parsed?.isPython && parsed.python)
          chooseBump(parsed.python, 'minor', facts, options.date, within(record, ref.file));
      }
      if (next.length === 0) break;
      judge.prefetch(next);
    }
    bumpOptions.refuse = judge.refuse;
    bumpOptions.judged = `${judge.file} on ${judge.archs.map(archSpelling).join(' and ')}`;
  }
  const refusedRefs: Refused[] = [];
  // Minors python images stay on although a newer one was asked for (requires-python or the
  // dependencies held them): version files of that minor do not move.
  const stays = new Set<string>();

  for (const ref of extraction.references) {
    const before = effectiveText(ref);
    if (before === undefined) continue;
    const parsed = tryParseReference(before, refOptions);
    if (!parsed?.isPython || !parsed.python || parsed.tag === undefined) continue;
    const tag = parsed.python;
    const templated = isTemplated(ref);
    const choice = choose(tag, ref, target, facts, options, within(bumpOptions, ref.file));
    if ((choice.kind === 'change' || choice.kind === 'keep') && choice.held !== undefined) {
      held.push({ ref, before, held: choice.held });
    }
    if ((choice.kind === 'change' || choice.kind === 'keep') && choice.refused !== undefined) {
      const from = minorOf(tag);
      if (from !== undefined) {
        refusedRefs.push({
          ref,
          before,
          from,
          ...(choice.kind === 'change' ? { to: choice.tag } : {}),
          refused: choice.refused,
        });
      }
    }
    if (
      target.kind === 'bump' &&
      target.bump === 'minor' &&
      (choice.kind === 'change' || choice.kind === 'keep') &&
      (choice.held !== undefined || choice.refused !== undefined)
    ) {
      const now = minorOf(tag);
      const next = choice.kind === 'change' ? tryParseTag(choice.tag) : tag;
      if (now !== undefined && next && minorOf(next) === now) stays.add(now);
    }
    // A reference --to recommended leaves on its minor keeps the version files of that minor too.
    if (target.kind === 'recommended' && choice.kind !== 'change') {
      const now = minorOf(tag);
      if (now !== undefined) stays.add(now);
    }
    let newTag = parsed.tag;
    let why = '';
    let from = tag;
    const listed = facts.listedAt(options.date).has(tag.raw);
    // The warning that `--to` / `--to recommended` leaves the reference alone, when it does; a tag no
    // longer published is said there too, rather than in a second note about the same reference.
    let leftAlone: Diagnostic | undefined;
    if (choice.kind === 'skip' && target.kind !== 'bump') {
      leftAlone = note(
        fixCodes.skipped,
        'warning',
        `${where(ref.range)}: ${before} left alone: ${choice.why}`,
        ref.range,
      );
      diagnostics.push(leftAlone);
    } else if (choice.kind === 'skip' && listed) {
      // A tag no longer listed gets the note below, which says what does move it.
      bumpSkips.push({ ref, before, why: choice.why, floats: choice.floats === true });
    }
    if (
      choice.kind === 'change' &&
      target.kind === 'bump' &&
      target.bump === 'minor' &&
      choice.held === undefined &&
      choice.refused === undefined
    ) {
      const to = tryParseTag(choice.tag);
      if (to && minorOf(to) === minorOf(tag)) samePatchOnly.push({ ref, before, to: choice.tag });
    }
    if (choice.kind === 'change') {
      const to = tryParseTag(choice.tag);
      const violation = to ? neverRuleViolation(tag, to) : `'${choice.tag}' is not a python tag`;
      if (violation) {
        leftAlone = note(
          fixCodes.skipped,
          'warning',
          `${where(ref.range)}: ${before} left alone: ${violation}`,
          ref.range,
        );
        diagnostics.push(leftAlone);
      } else {
        newTag = choice.tag;
        why = choice.why;
        if (choice.from) from = tryParseTag(choice.from) ?? tag;
      }
    }
    const tagChanges = newTag !== parsed.tag;
    if (!tagChanges && !listed) {
      if (leftAlone)
        leftAlone.message += `; its own tag, python:${tag.raw}, is no longer published at ${options.date}`;
      else diagnostics.push(notRebuilt(ref, tag, target, facts, options, within(bumpOptions, ref.file)));
    }

    let newDigest = parsed.digest;
    if (tagChanges && parsed.digest !== undefined) newDigest = undefined;
    if (pin && options.resolveDigest && !templated) {
      const plain = withTag(parsed, newTag);
      try {
        newDigest = await resolveDigest(plain);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        diagnostics.push(
          note(
            fixCodes.digest,
            'error',
            `${where(ref.range)}: cannot resolve the digest of ${plain}: ${reason}`,
            ref.range,
          ),
        );
        newDigest = tagChanges ? undefined : parsed.digest;
      }
    } else if (pin && templated && options.resolveDigest) {
      diagnostics.push(
        note(
          fixCodes.skipped,
          'info',
          `${where(ref.range)}: no digest pinned for ${before}: its tag comes from build arguments`,
          ref.range,
        ),
      );
    }
    if (parsed.digest !== undefined && newDigest === undefined) {
      // Dropping a digest would loosen the pin: leave the reference as it is.
      if (tagChanges) {
        diagnostics.push(
          note(
            fixCodes.skipped,
            'info',
            `${where(ref.range)}: ${before} is pinned by digest; ${newTag} needs a new digest`,
            ref.range,
            'run pybase fix --pin-digest to move the tag and the digest together',
          ),
        );
      }
      continue;
    }
    const after = withTag(parsed, newTag, newDigest);
    if (after === before) continue;
    const kind: EditKind =
      (tagChanges ? changeKind(from, tryParseTag(newTag)!) : undefined) ??
      (parsed.digest === undefined ? 'pin' : 'refresh');
    if (!tagChanges)
      why = kind === 'pin' ? 'pin the digest the tag names now' : 'the tag now names another image';
    else if (newDigest !== undefined) why += '; digest pinned';
    const wanted: Wanted = { ref, parsed, before, after, kind, why };
    if (ref.embedded && !ref.embedded.exact) {
      diagnostics.push(notExact(ref, before, after));
      continue;
    }

    if (!templated) {
      if (writtenAsIs(ref.range, ref.text)) literal.push(wanted);
      else diagnostics.push(notAsWritten(ref, before, after));
      continue;
    }
    const vars = argValues(ref);
    const segments = templateOf(ref);
    if (typeof vars === 'string' || !segments) {
      const reason =
        typeof vars === 'string' ? vars : 'the template uses more than plain $NAME or {NAME} substitutions';
      diagnostics.push(
        note(
          fixCodes.skipped,
          'info',
          `${where(ref.range)}: ${before} -> ${after} not applied: ${reason}`,
          ref.range,
        ),
      );
      continue;
    }
    const values = new Map([...vars].map(([name, o]) => [name, o.value]));
    const expands = expandTemplate(segments, values) === before;
    const changed = expands ? solveTemplate(segments, values, after) : undefined;
    if (!changed || changed.size === 0) {
      // The tag may be written in the template itself (`${REGISTRY}/python:3.11.4-slim`): edit it there.
      const rewritten = expands ? rewriteLiteral(segments, values, after) : undefined;
      if (rewritten !== undefined && writtenAsIs(ref.range, ref.text)) {
        literal.push({ ...wanted, write: rewritten });
        continue;
      }
      diagnostics.push(
        note(
          fixCodes.skipped,
          'info',
          `${where(ref.range)}: ${before} -> ${after} not applied: ${
            rewritten !== undefined
              ? 'the reference is not written as plain text at its place'
              : 'the change reaches into the value of a variable and its written text alike; edit it by hand'
          }`,
          ref.range,
        ),
      );
      continue;
    }
    const changes = new Map<string, { origin: ValueOrigin; value: string }>();
    for (const [name, value] of changed) {
      const origin = vars.get(name)!;
      changes.set(originKey(origin), { origin, value });
    }
    proposals.push({ ...wanted, changes });
  }

  diagnostics.push(...skipNotes(bumpSkips, target), ...heldNotes(held, limitsFor, target));
  // --bump minor with no newer minor on the reference's distro: said, with the move that frees it.
  for (const p of samePatchOnly) {
    const t = tryParseReference(p.before, refOptions)?.python;
    const distro = t ? chooseBump(t, 'distro', facts, options.date, {}) : undefined;
    if (distro?.kind !== 'change') continue;
    diagnostics.push(
      note(
        fixCodes.skipped,
        'info',
        `${where(p.ref.range)}: ${p.before}: no newer Python minor is published on its distro at ${options.date}, so it moves to its minor's newest patch (${p.to})`,
        p.ref.range,
        `pybase fix --bump distro moves it to python:${distro.tag}; --bump minor then finds the newer minors there`,
      ),
    );
  }
  if (judge) {
    diagnostics.push(...refusedNotes(refusedRefs, judge));
    const unknown = judge.unknown();
    if (unknown.length > 0) {
      const shown =
        unknown.slice(0, 6).join(', ') + (unknown.length > 6 ? ` and ${unknown.length - 6} more` : '');
      diagnostics.push(
        note(
          fixCodes.skipped,
          'info',
          `--bump minor judged ${judge.file} offline, and it names no files for ${unknown.length === 1 ? 'one package' : `${unknown.length} packages`} (${shown}): whether ${unknown.length === 1 ? 'it installs' : 'they install'} from wheels on the new Python is unknown`,
          undefined,
          'pybase deps --image <the new image> looks them up in the package index',
        ),
      );
    }
  }
  let edits = [
    ...literalEdits(literal, diagnostics),
    ...argEdits(proposals, extraction, facts, options, diagnostics),
  ];
  if ((target.kind === 'bump' && target.bump === 'minor') || target.kind === 'recommended')
    edits.push(...versionEdits(edits, extraction, facts, options, stays, refOptions));
  if (target.kind === 'bump')
    edits = holdUnderUnreadableRanges(edits, extraction, refOptions, target, diagnostics);
  edits.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : (a.range.startOffset ?? 0) - (b.range.startOffset ?? 0),
  );
  return {
    edits,
    diagnostics,
    ...(judge ? { dependencies: { file: judge.file, archs: judge.archs } } : {}),
  };
}

function modeLabel(target: FixTarget): string {
  return target.kind === 'bump'
    ? `--bump ${target.bump}`
    : target.kind === 'to'
      ? '--to'
      : '--to recommended';
}

/**
 * A python tag left as it is although it is no longer rebuilt: said once per reference, with the
 * bump modes that do move it (and to what), worked out rather than guessed.
 */
function notRebuilt(
  ref: ExtractedReference,
  tag: PythonTag,
  target: FixTarget,
  facts: TagFacts,
  options: PlanOptions,
  bumpOptions: BumpOptions,
): Diagnostic {
  const others = (['patch', 'distro', 'minor'] as const).filter(
    (m) => target.kind !== 'bump' || m !== target.bump,
  );
  const moves = others.flatMap((m) => {
    const c = chooseBump(tag, m, facts, options.date, bumpOptions);
    const to = c.kind === 'change' ? tryParseTag(c.tag) : undefined;
    return c.kind === 'change' && to && !neverRuleViolation(tag, to)
      ? [`pybase fix --bump ${m} moves it to python:${c.tag}`]
      : [];
  });
  const none =
    target.kind === 'bump' ? `${modeLabel(target)} has nothing newer for it` : 'it is left as it is';
  return note(
    fixCodes.skipped,
    'info',
    `${where(ref.range)}: python:${tag.raw} is no longer published at ${options.date} and ${none}`,
    ref.range,
    moves.length > 0 && target.kind === 'bump' ? moves.join('; ') : undefined,
  );
}

/**
 * What a bump mode left alone on purpose (a floating tag, a pre-release), one note per reason: the
 * first reference, and how many more there are.
 */
function skipNotes(skips: readonly BumpSkip[], target: FixTarget): Diagnostic[] {
  const byWhy = new Map<string, typeof skips>();
  for (const s of skips) byWhy.set(s.why, [...(byWhy.get(s.why) ?? []), s]);
  return [...byWhy].map(([why, list]) => {
    const first = list[0]!;
    const more =
      list.length > 1 ? ` (${list.length - 1} more reference${list.length > 2 ? 's' : ''} likewise)` : '';
    return note(
      fixCodes.skipped,
      'info',
      `${where(first.ref.range)}: ${first.before} left alone by ${modeLabel(target)}: ${why}${more}`,
      first.ref.range,
      first.floats ? 'to pin such references, use pybase fix --to recommended (or --to <tag>)' : undefined,
    );
  });
}

function rangeKey(file: string, r: SourceRange): string {
  return `${file}\0${r.startLine}:${r.startColumn}-${r.endLine}:${r.endColumn}`;
}

/** One edit per written place (a YAML anchor used twice is one place); disagreeing wishes cancel. */
function literalEdits(wanted: Wanted[], diagnostics: Diagnostic[]): Edit[] {
  const byPlace = new Map<string, Edit>();
  const bad = new Set<string>();
  for (const w of wanted) {
    const key = rangeKey(w.ref.file, w.ref.range);
    const expect: ExpectedValue = { what: 'reference', range: w.ref.range, before: w.before, after: w.after };
    const known = byPlace.get(key);
    if (known) {
      if (known.after !== (w.write ?? w.after)) bad.add(key);
      else known.expect.push(expect);
      continue;
    }
    byPlace.set(key, {
      file: w.ref.file,
      range: w.ref.range,
      before: w.ref.text,
      after: w.write ?? w.after,
      kind: w.kind,
      reason: `${w.before} -> ${w.after}: ${w.why}`,
      expect: [expect],
      // A YAML value as a whole (the image of a Docker action or of a step is the part after
      // `docker://`, not the whole value).
      ...(w.ref.kind.startsWith('dockerfile') ||
      w.ref.kind === 'gha-action-image' ||
      w.ref.kind === 'gha-step-image'
        ? {}
        : { yamlScalar: true }),
    });
  }
  for (const key of bad) {
    const e = byPlace.get(key)!;
    byPlace.delete(key);
    diagnostics.push(
      note(
        fixCodes.dropped,
        'warning',
        `${where(e.range)}: ${e.before} is used in several places that need different tags`,
        e.range,
      ),
    );
  }
  return [...byPlace.values()];
}

/**
 * One edit per ARG default. Every reference that uses a changed default is re-expanded; the change
 * stands only when each still names a published python tag allowed by the never-rules (and the one
 * wanted, for references that asked for a change). Failing defaults are dropped until none fails.
 */
function argEdits(
  proposals: ArgProposal[],
  extraction: Extraction,
  facts: TagFacts,
  options: PlanOptions,
  diagnostics: Diagnostic[],
): Edit[] {
  const refOptions = options.mirrors ? { mirrors: options.mirrors } : {};
  let live = [...proposals];
  for (;;) {
    const values = new Map<string, { origin: ValueOrigin; value: string }>();
    const bad = new Map<string, string>();
    for (const p of live) {
      for (const [key, change] of p.changes) {
        const known = values.get(key);
        if (known && known.value !== change.value) {
          bad.set(key, `${variableLabel(change.origin)} would need both ${known.value} and ${change.value}`);
        }
        values.set(key, change);
      }
    }
    const expects = new Map<string, ExpectedValue[]>();
    for (const ref of extraction.references) {
      const uses = (ref.origins ?? []).filter((o) => values.has(originKey(o)));
      if (uses.length === 0) continue;
      const before = effectiveText(ref);
      const own = live.find((p) => p.ref === ref);
      const vars = argValues(ref);
      const segments = templateOf(ref);
      let after: string | undefined;
      if (before !== undefined && typeof vars !== 'string' && segments) {
        const current = new Map([...vars].map(([name, o]) => [name, o.value]));
        if (expandTemplate(segments, current) === before) {
          for (const o of vars.values()) {
            const change = values.get(originKey(o));
            if (change) current.set(o.name, change.value);
          }
          after = expandTemplate(segments, current);
        }
      }
      const problem = referenceProblem(before, after, own?.after, facts, options, refOptions);
      for (const o of uses) {
        const key = originKey(o);
        if (problem) bad.set(key, `${where(ref.range)}: ${problem}`);
        else if (before !== after) {
          const list = expects.get(key) ?? [];
          list.push({ what: 'reference', range: ref.range, before: before!, after: after! });
          expects.set(key, list);
        }
      }
    }
    if (bad.size === 0) {
      return [...values.entries()].map(([key, { origin, value }]) => {
        const users = live.filter((p) => p.changes.has(key));
        const kind = users.reduce<EditKind>(
          (k, p) => (kindWeight[p.kind] > kindWeight[k] ? p.kind : k),
          'pin',
        );
        const steps = [...new Set(users.map((p) => `${p.before} -> ${p.after}`))].join(', ');
        return {
          file: origin.file!,
          range: origin.range!,
          before: origin.value,
          after: value,
          kind,
          reason: `${variableLabel(origin)} ${origin.value} -> ${value} (${steps}): ${users[0]?.why ?? ''}`,
          expect: expects.get(key) ?? [],
        };
      });
    }
    const dropped = live.filter((p) => [...p.changes.keys()].some((k) => bad.has(k)));
    for (const p of dropped) {
      const reasons = [...p.changes.keys()].flatMap((k) => (bad.has(k) ? [bad.get(k)!] : []));
      diagnostics.push(
        note(
          fixCodes.dropped,
          'warning',
          `${where(p.ref.range)}: ${p.before} -> ${p.after} not applied: ${reasons.join('; ')}`,
          p.ref.range,
          p.ref.kind === 'compose-image'
            ? 'give this image its own variable in .env, or edit the value by hand'
            : 'give this FROM its own ARG, or edit the ARG default by hand',
        ),
      );
    }
    live = live.filter((p) => !dropped.includes(p));
  }
}

/** Why a reference fed by a changed ARG default would end up wrong, or undefined when it is fine. */
function referenceProblem(
  before: string | undefined,
  after: string | undefined,
  wanted: string | undefined,
  facts: TagFacts,
  options: PlanOptions,
  refOptions: { mirrors?: readonly string[] },
): string | undefined {
  if (before === undefined || after === undefined)
    return 'a reference using this value cannot be followed (edit it by hand)';
  if (wanted !== undefined) return after === wanted ? undefined : `it would become ${after}, not ${wanted}`;
  if (after === before) return undefined;
  const old = tryParseReference(before, refOptions);
  if (!old?.isPython || !old.python) return `${before} is not a python image and would change to ${after}`;
  let next: ImageRef;
  try {
    next = parseReference(after, refOptions);
  } catch {
    return `${before} would become ${after}, which is not an image reference`;
  }
  if (!next.isPython || !next.python) return `${before} would become ${after}, not a python image tag`;
  if (!facts.publishedBy(options.date).some((t) => t.raw === next.python!.raw)) {
    return `${before} would become ${after}, a tag not published by ${options.date}`;
  }
  if (old.digest !== undefined) return `${before} is pinned by digest`;
  return neverRuleViolation(old.python, next.python);
}

/**
 * With `--bump minor` and `--to recommended`: `.python-version` and literal setup-python versions
 * follow the images they describe, when every python image of that minor moved to the same new minor. `stays`: minors some
 * image was held on (by requires-python or the dependencies), edited or not.
 */
function versionEdits(
  edits: Edit[],
  extraction: Extraction,
  facts: TagFacts,
  options: PlanOptions,
  stays: ReadonlySet<string>,
  refOptions: { mirrors?: readonly string[] },
): Edit[] {
  const moves = new Map<string, Set<string>>();
  for (const minor of stays) moves.set(minor, new Set([minor]));
  // An image no edit moves (its value comes from a matrix, its edit was refused, it was skipped)
  // stays on its minor, and so do the version files of that minor.
  const moved = new Set<string>();
  for (const e of edits)
    for (const x of e.expect) if (x.what === 'reference') moved.add(rangeKey(e.file, x.range));
  for (const ref of extraction.references) {
    const text = effectiveText(ref);
    const python = text === undefined ? undefined : tryParseReference(text, refOptions)?.python;
    const minor = python && minorOf(python);
    if (!minor || moved.has(rangeKey(ref.file, ref.range))) continue;
    const set = moves.get(minor) ?? new Set<string>();
    set.add(minor);
    moves.set(minor, set);
  }
  for (const e of edits) {
    for (const x of e.expect) {
      const a = tryParseReference(x.before)?.python;
      const b = tryParseReference(x.after)?.python;
      const from = a && minorOf(a);
      const to = b && minorOf(b);
      if (!from || !to) continue;
      const set = moves.get(from) ?? new Set<string>();
      set.add(to);
      moves.set(from, set);
    }
  }
  const out: Edit[] = [];
  const newestPatch = (minor: string) => facts.pythonPatches(minor, options.date).at(-1);
  for (const v of extraction.versions) {
    const followed = followedVersion(v, moves, newestPatch);
    if (!followed) continue;
    const { from, to, after } = followed;
    out.push({
      file: v.file,
      range: v.range,
      before: v.text,
      after,
      kind: 'minor',
      reason: `Python ${v.text} -> ${after}: follows the python images moving from ${from} to ${to}`,
      expect: [{ what: 'version', range: v.range, before: v.text, after }],
      ...(v.kind === 'setup-python' ? { yamlScalar: true } : {}),
    });
  }
  return out;
}
