/**
 * Choosing the new tag for one python tag, and the rules no new tag may break. Pure functions over
 * parsed tags and the published-tag facts.
 */
import { tryParseReference } from '../catalog/reference.js';
import { compareTagVersions, formatTag, minorOf, tryParseTag } from '../catalog/tag.js';
import type { IsoDate } from '../model/date.js';
import type { Precision, PythonTag } from '../model/image-ref.js';
import type { TagFacts } from './tag-facts.js';
import type { BumpMode, DependencyRefusal, EditKind } from './types.js';

export type Choice =
  /**
   * A different tag to use. `from` is the current tag with the distro it runs on named, when the
   * tag itself names none (`3.12.8-slim` runs on bookworm: `3.12.8-slim-bookworm`). `held`: the
   * Python of a newer tag the mode would have chosen, which the project's requires-python excludes.
   * `refused`: the newer Python minors passed over because the project's locked dependencies would
   * install worse there, newest first.
   */
  | {
      kind: 'change';
      tag: string;
      why: string;
      from?: string;
      held?: string;
      refused?: DependencyRefusal[];
    }
  /** The tag is already what the mode asks for (or all the project admits: then `held` and `refused` as above). */
  | { kind: 'keep'; held?: string; refused?: DependencyRefusal[] }
  /**
   * The mode does not apply to this tag; `why` says so. `floats`: the tag moves by itself in the way
   * the mode would move it (it names no patch, no minor or no distro).
   */
  | { kind: 'skip'; why: string; floats?: boolean };

const precisionRank: Record<Precision, number> = { none: 0, major: 1, minor: 2, patch: 3 };

function sameDistro(a: PythonTag, b: PythonTag): boolean {
  return a.distro?.text === b.distro?.text;
}

/** A tag shaped like `tag` (same precision and variant), stable, named with a version. */
function sameShape(tag: PythonTag, candidate: PythonTag): boolean {
  return (
    candidate.version !== undefined &&
    !candidate.prerelease &&
    !candidate.latest &&
    candidate.precision === tag.precision &&
    candidate.variant === tag.variant &&
    candidate.version.major === tag.version?.major
  );
}

function newest(tags: readonly PythonTag[]): PythonTag | undefined {
  let best: PythonTag | undefined;
  for (const t of tags) {
    if (!t.version) continue;
    if (!best?.version || compareTagVersions(t.version, best.version) > 0) best = t;
  }
  return best;
}

function shapeLabel(tag: PythonTag): string {
  return formatTag({ ...tag, version: undefined, precision: 'none' }) || 'the default variant';
}

/** What choosing a tag looks at: the published-tag facts, the date, and the Pythons the project admits. */
interface Ctx {
  facts: TagFacts;
  date: IsoDate;
  allows?: ((version: string) => boolean) | undefined;
  refuse?: BumpOptions['refuse'];
  judged?: string | undefined;
}

export interface BumpOptions {
  /**
   * Whether the project admits a Python version (`3.14.7`), from its `requires-python`: a tag whose
   * Python it excludes is never chosen, and the choice says which better one was passed over (`held`).
   */
  allows?: (version: string) => boolean;
  /**
   * `--bump minor` only: why the project's locked dependencies refuse the move from `from` to `to` (a
   * newer Python minor), or undefined when they accept it. A refused minor is passed over for the
   * next older one newer than the current; when every newer minor is refused, the tag stays on its
   * minor (and moves to that minor's newest patch, as when requires-python holds it).
   */
  refuse?: (from: PythonTag, to: PythonTag) => DependencyRefusal | undefined;
  /** What `refuse` judges, for the reasons of the moves it accepts (`uv.lock on amd64 and arm64v8`). */
  judged?: string;
}

/** The Python a tag runs: its version when pinned to the patch, else its minor's newest patch. */
function pythonOf(tag: PythonTag, ctx: Ctx): string {
  if (tag.precision === 'patch') return tag.version!.text;
  const minor = minorOf(tag)!;
  const patches = ctx.facts.pythonPatches(minor, ctx.date);
  return patches[patches.length - 1] ?? `${minor}.0`;
}

/**
 * The newest of `candidates` the project admits, and the Python of the newest one when the project
 * excludes it (`held`).
 */
function newestAdmitted(candidates: readonly PythonTag[], ctx: Ctx): { best?: PythonTag; held?: string } {
  const best = newest(candidates);
  if (!best || !ctx.allows || ctx.allows(pythonOf(best, ctx))) return best ? { best } : {};
  const admitted = newest(candidates.filter((c) => ctx.allows!(pythonOf(c, ctx))));
  return { ...(admitted ? { best: admitted } : {}), held: pythonOf(best, ctx) };
}

/** `held` as a spreadable property, left out when undefined. */
function heldOf(held: string | undefined): { held?: string } {
  return held === undefined ? {} : { held };
}

/** `refused` as a spreadable property, left out when empty. */
function refusedOf(refused: DependencyRefusal[]): { refused?: DependencyRefusal[] } {
  return refused.length === 0 ? {} : { refused };
}

/** The newest tag of each Python minor among `tags`, newest minor first. */
function newestPerMinor(tags: readonly PythonTag[]): PythonTag[] {
  const byMinor = new Map<string, PythonTag>();
  for (const t of tags) {
    const minor = minorOf(t);
    if (minor === undefined) continue;
    const known = byMinor.get(minor);
    if (!known || compareTagVersions(t.version!, known.version!) > 0) byMinor.set(minor, t);
  }
  return [...byMinor.values()].sort((a, b) => compareTagVersions(b.version!, a.version!));
}

/** The newest published patch of the same minor, variant and distro (for a patch-precision tag). */
function newestPatch(tag: PythonTag, ctx: Ctx): { best?: PythonTag; held?: string } {
  const minor = minorOf(tag);
  return newestAdmitted(
    ctx.facts
      .publishedBy(ctx.date)
      .filter((c) => sameShape(tag, c) && sameDistro(tag, c) && minorOf(c) === minor),
    ctx,
  );
}

function versionIsNewer(candidate: PythonTag | undefined, tag: PythonTag): candidate is PythonTag {
  return (
    candidate?.version !== undefined &&
    tag.version !== undefined &&
    compareTagVersions(candidate.version, tag.version) > 0
  );
}

function choosePatch(tag: PythonTag, ctx: Ctx): Choice {
  if (tag.precision !== 'patch')
    return { kind: 'skip', why: 'the tag floats to the newest patch by itself', floats: true };
  const { best, held } = newestPatch(tag, ctx);
  if (!versionIsNewer(best, tag)) return { kind: 'keep', ...heldOf(held) };
  return {
    kind: 'change',
    tag: best.raw,
    why: `newest ${minorOf(tag)} patch published for ${shapeLabel(tag)} by ${ctx.date}`,
    ...heldOf(held),
  };
}

function chooseMinor(tag: PythonTag, ctx: Ctx): Choice {
  if (tag.precision !== 'patch' && tag.precision !== 'minor') {
    return { kind: 'skip', why: 'the tag floats to the newest minor by itself', floats: true };
  }
  const { facts, date } = ctx;
  const listed = facts.listedAt(date);
  const current = tag.version!;
  const candidates = facts
    .publishedBy(date)
    .filter(
      (c) =>
        listed.has(c.raw) &&
        sameShape(tag, c) &&
        sameDistro(tag, c) &&
        (c.version!.minor ?? -1) > (current.minor ?? -1) &&
        facts.pythonEnded(minorOf(c)!, date) === false,
    );
  const { best, held } = newestAdmitted(candidates, ctx);
  const refused: DependencyRefusal[] = [];
  if (best) {
    const admitted =
      held === undefined ? candidates : candidates.filter((c) => ctx.allows!(pythonOf(c, ctx)));
    // Newest minor first (its newest tag is `best`); a minor the locked dependencies refuse is
    // passed over for the next older one.
    for (const candidate of ctx.refuse ? newestPerMinor(admitted) : [best]) {
      const refusal = ctx.refuse?.(tag, candidate);
      if (refusal) {
        refused.push(refusal);
        continue;
      }
      const judged = ctx.judged ? ` (${ctx.judged})` : '';
      return {
        kind: 'change',
        tag: candidate.raw,
        why: !ctx.refuse
          ? `newest supported Python minor published for ${shapeLabel(tag)} at ${date}`
          : refused.length === 0
            ? `newest supported Python minor published for ${shapeLabel(tag)} at ${date}; the locked dependencies install there as on ${minorOf(tag)}${judged}`
            : `newest supported Python minor published for ${shapeLabel(tag)} at ${date} on which the locked dependencies install as on ${minorOf(tag)}${judged}; not ${refused.map((r) => minorOf(tryParseTag(r.tag)!)).join(' or ')}: they would install worse there`,
        ...heldOf(held),
        ...refusedOf(refused),
      };
    }
  }
  // No newer minor to move to: the newest patch of the current one, as --bump patch would.
  const patch = choosePatch(tag, ctx);
  if (patch.kind === 'change') return { ...patch, ...heldOf(held), ...refusedOf(refused) };
  return {
    kind: 'keep',
    ...heldOf(held ?? (patch.kind === 'keep' ? patch.held : undefined)),
    ...refusedOf(refused),
  };
}

function chooseDistro(tag: PythonTag, ctx: Ctx): Choice {
  if (tag.distro === undefined) {
    return { kind: 'skip', why: 'the tag names no distro; it follows the image default', floats: true };
  }
  if (tag.version === undefined || tag.precision === 'major') {
    return { kind: 'skip', why: 'the tag names no Python minor', floats: true };
  }
  const { facts, date } = ctx;
  const family = tag.distro.family;
  const listed = facts.listedAt(date);
  const minor = minorOf(tag);
  const sameLine = facts
    .publishedBy(date)
    .filter(
      (c) =>
        listed.has(c.raw) &&
        sameShape(tag, c) &&
        c.distro?.family === family &&
        minorOf(c) === minor &&
        (!ctx.allows || ctx.allows(pythonOf(c, ctx))),
    );
  const currentRank = facts.distroRank(tag.distro, date) ?? -1;
  let bestRank = currentRank;
  for (const c of sameLine) bestRank = Math.max(bestRank, facts.distroRank(c.distro!, date) ?? -1);
  const onBest = sameLine.filter((c) => (facts.distroRank(c.distro!, date) ?? -1) === bestRank);
  if (bestRank === currentRank) return choosePatch(tag, ctx);
  let target: PythonTag | undefined;
  if (tag.precision === 'patch') {
    // The same Python when it was built on the newer distro, else that distro's newest patch.
    target = onBest.find((c) => c.version!.text === tag.version!.text) ?? newest(onBest);
    if (target && compareTagVersions(target.version!, tag.version) < 0) target = undefined;
  } else {
    target = onBest.find((c) => c.version!.text === tag.version!.text);
  }
  if (!target) return choosePatch(tag, ctx);
  return {
    kind: 'change',
    tag: target.raw,
    why: `explicit distro bump: ${minor} on ${target.distro!.text}, the newest ${family} release published for it at ${date}`,
  };
}

function chooseIn(mode: BumpMode, tag: PythonTag, ctx: Ctx): Choice {
  switch (mode) {
    case 'patch':
      return choosePatch(tag, ctx);
    case 'minor':
      return chooseMinor(tag, ctx);
    case 'distro':
      return chooseDistro(tag, ctx);
  }
}

/**
 * A patch-pinned tag without a distro (`3.12.8-slim`) names one image, on the distro that was the
 * default when it was built (bookworm), while the same tag of a newer patch may be built on another
 * (`3.12.14-slim` is trixie). The move is chosen for the tag with its distro named, so it never
 * changes the distro unseen: the new tag names the distro (`3.12.14-slim-bookworm`), unless it is a
 * patch or minor move and the new tag without a distro names exactly that image.
 */
function chooseNamingDistro(tag: PythonTag, mode: BumpMode, ctx: Ctx): Choice {
  const full = ctx.facts.fullTag(tag.raw, ctx.date);
  const named = full === undefined ? undefined : tryParseTag(full);
  if (
    !named?.distro ||
    named.variant !== tag.variant ||
    named.precision !== 'patch' ||
    named.version?.text !== tag.version?.text
  ) {
    return {
      kind: 'skip',
      why: `pybase does not know which distro python:${tag.raw} runs on, so it cannot keep that distro`,
    };
  }
  const choice = chooseIn(mode, named, ctx);
  if (choice.kind !== 'change') return choice;
  const to = tryParseTag(choice.tag)!;
  if (mode !== 'distro') {
    const bare = formatTag({ ...to, distro: undefined });
    if (ctx.facts.fullTag(bare, ctx.date) === to.raw) return { ...choice, tag: bare };
  }
  const how =
    to.distro?.text === named.distro.text
      ? `python:${tag.raw} runs on ${named.distro.text}, so the new tag names it`
      : `python:${tag.raw} runs on ${named.distro.text}`;
  return { ...choice, why: `${choice.why}; ${how}`, from: named.raw };
}

/** The tag a bump mode asks for. Pre-release, version-less and `latest` tags are never bumped. */
export function chooseBump(
  tag: PythonTag,
  mode: BumpMode,
  facts: TagFacts,
  date: IsoDate,
  options: BumpOptions = {},
): Choice {
  if (tag.prerelease) return { kind: 'skip', why: 'pre-release tags are not bumped' };
  if (tag.latest || tag.version === undefined) {
    return { kind: 'skip', why: 'the tag names no Python version; it floats by itself', floats: true };
  }
  if (tag.variant === 'onbuild') return { kind: 'skip', why: 'onbuild images are no longer published' };
  const ctx: Ctx = {
    facts,
    date,
    allows: options.allows,
    ...(mode === 'minor' && options.refuse ? { refuse: options.refuse, judged: options.judged } : {}),
  };
  if (tag.distro === undefined && tag.precision === 'patch') return chooseNamingDistro(tag, mode, ctx);
  return chooseIn(mode, tag, ctx);
}

/**
 * Why moving from `from` to `to` is not allowed, or undefined when it is: never a pre-release, never
 * a looser pin (less precision, a dropped distro), never a libc swap (glibc <-> musl) and never
 * Windows <-> Linux.
 */
export function neverRuleViolation(from: PythonTag, to: PythonTag): string | undefined {
  if (to.prerelease) return `${to.raw} is a pre-release`;
  if (precisionRank[to.precision] < precisionRank[from.precision]) {
    return `${to.raw} pins the Python version less precisely than ${from.raw}`;
  }
  if (from.distro && !to.distro)
    return `${to.raw} drops the distro ${from.distro.text} that ${from.raw} names`;
  const libc = (t: PythonTag) =>
    t.variant === 'alpine' || t.distro?.family === 'alpine'
      ? 'musl'
      : t.variant === 'windowsservercore' || t.variant === 'nanoserver' || t.distro?.family === 'windows'
        ? 'windows'
        : 'glibc';
  if (libc(from) !== libc(to)) {
    return `${from.raw} -> ${to.raw} swaps the C library (${libc(from)} -> ${libc(to)})`;
  }
  return undefined;
}

/** Name an edit after the largest change between two tags (undefined: same tag). */
export function changeKind(from: PythonTag, to: PythonTag): Exclude<EditKind, 'pin' | 'refresh'> | undefined {
  if (from.raw === to.raw) return undefined;
  if (minorOf(from) !== minorOf(to) || from.version?.major !== to.version?.major) return 'minor';
  if (from.distro?.text !== to.distro?.text || from.variant !== to.variant) return 'distro';
  return 'patch';
}

/**
 * The tag `--to` names, read once for the whole run: a tag (`3.13.15-slim-trixie`) or a reference to
 * the python image (`python:3.13.15-slim-trixie`, `docker.io/library/python:3.13-slim`). Either the
 * tag, or the problem with the text (not a python tag, a digest, not published by the date).
 */
export function explicitTarget(
  text: string,
  facts: TagFacts,
  date: IsoDate,
  mirrors?: readonly string[],
): { tag: string } | { problem: string } {
  const written = text.trim();
  if (written === '') return { problem: 'an empty tag names no image' };
  let tag = written;
  if (/[:/@]/.test(written)) {
    const ref = tryParseReference(written, mirrors ? { mirrors } : {});
    if (!ref?.isPython) return { problem: `'${written}' does not name the python image` };
    if (ref.digest !== undefined)
      return { problem: `'${written}' has a digest; give the tag alone (--pin-digest adds digests)` };
    if (ref.tag === undefined) return { problem: `'${written}' names no tag` };
    tag = ref.tag;
  }
  const parsed = tryParseTag(tag);
  if (!parsed) return { problem: `'${written}' is not a python image tag` };
  if (!facts.publishedBy(date).some((t) => t.raw === parsed.raw)) {
    return { problem: `python:${parsed.raw} was not published by ${date} (pybase tags lists the tags)` };
  }
  return { tag: parsed.raw };
}

/** A tag of the `--to` / recommended kind: published by the date and allowed by the never-rules. */
export function chooseExplicit(from: PythonTag, target: string, facts: TagFacts, date: IsoDate): Choice {
  const to = tryParseTag(target);
  if (!to) return { kind: 'skip', why: `'${target}' is not a python image tag` };
  if (to.raw === from.raw) return { kind: 'keep' };
  if (!facts.publishedBy(date).some((t) => t.raw === to.raw)) {
    return { kind: 'skip', why: `python:${to.raw} was not published by ${date}` };
  }
  const violation = neverRuleViolation(from, to);
  if (violation) return { kind: 'skip', why: violation };
  return { kind: 'change', tag: to.raw, why: `requested tag ${to.raw}` };
}
