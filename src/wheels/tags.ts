/**
 * The ordered list of wheel tags a CPython interpreter on Linux accepts (PEP 425 priority order).
 *
 * Hand-written (no maintained npm library does this); it reproduces what pip's vendored
 * `packaging.tags` (21.3) yields from `cpython_tags()` followed by `compatible_tags()` on Linux, so
 * that pip's choice of file is reproduced. `test/oracle/` compares the full ordered list and the
 * compatibility of every wheel in the corpus with packaging's own answer.
 */
import { type WheelFilename, wheelFilenameOf } from './filename.js';
import {
  assumedLastGlibcMinor,
  compareLibc,
  type LibcVersion,
  legacyManylinuxAliases,
  manylinuxFloor,
  manylinuxMachines,
} from './policy.js';
import { targetKey, type WheelTarget } from './target.js';

export interface SupportedTags {
  target: WheelTarget;
  /** `interpreter-abi-platform` strings, most preferred first. */
  tags: readonly string[];
  /** Tag string -> its index in `tags` (lower is better). */
  priority: ReadonlyMap<string, number>;
  /** The platform tags, most preferred first (`manylinux_2_36_x86_64`, ..., `linux_x86_64`). */
  platforms: readonly string[];
}

/** The platform tags of a Linux target, in the order packaging yields them. */
export function platformTags(target: WheelTarget): string[] {
  const { libc, machine } = target;
  const platforms: string[] = [];
  if (libc.family === 'glibc' && manylinuxMachines.has(machine)) {
    const floor = manylinuxFloor(machine);
    // From the running glibc down to the floor; should glibc reach a new major version, every
    // older major is walked down from an assumed last minor.
    const maxima: LibcVersion[] = [{ major: libc.major, minor: libc.minor }];
    for (let major = libc.major - 1; major > 1; major--) {
      maxima.push({ major, minor: assumedLastGlibcMinor });
    }
    for (const max of maxima) {
      const lowest = max.major === floor.major ? floor.minor : 0;
      for (let minor = max.minor; minor >= lowest; minor--) {
        platforms.push(`manylinux_${max.major}_${minor}_${machine}`);
        const alias = legacyManylinuxAliases.find(
          (a) => compareLibc(a.glibc, { major: max.major, minor }) === 0,
        );
        if (alias) platforms.push(`${alias.tag}_${machine}`);
      }
    }
  }
  if (libc.family === 'musl') {
    for (let minor = libc.minor; minor >= 0; minor--) {
      platforms.push(`musllinux_${libc.major}_${minor}_${machine}`);
    }
  }
  platforms.push(`linux_${machine}`);
  return platforms;
}

/** `pyXY`, `pyX`, then `pyX(Y-1)` down to `pyX0`. */
function pyInterpreterRange(major: number, minor: number): string[] {
  const out = [`py${major}${minor}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) out.push(`py${major}${m}`);
  return out;
}

/**
 * The CPython ABI tags of a regular (non-debug, non-free-threaded) build: `cpXY`, with the
 * pymalloc `m` suffix before 3.8 (PEP 3149; 3.8 dropped the suffix).
 */
export function cpythonAbis(major: number, minor: number): string[] {
  const pymalloc = major < 3 || (major === 3 && minor < 8) ? 'm' : '';
  return [`cp${major}${minor}${pymalloc}`];
}

function abi3Applies(major: number, minor: number): boolean {
  return major > 3 || (major === 3 && minor >= 2);
}

function buildTags(target: WheelTarget): string[] {
  const { major, minor } = target.python;
  const platforms = platformTags(target);
  const interpreter = `cp${major}${minor}`;
  const out: string[] = [];
  for (const abi of cpythonAbis(major, minor)) {
    for (const p of platforms) out.push(`${interpreter}-${abi}-${p}`);
  }
  const abi3 = abi3Applies(major, minor);
  if (abi3) for (const p of platforms) out.push(`${interpreter}-abi3-${p}`);
  for (const p of platforms) out.push(`${interpreter}-none-${p}`);
  if (abi3) {
    // The stable ABI is forward compatible: wheels built for older 3.x (down to 3.2) load too.
    for (let m = minor - 1; m > 1; m--) {
      for (const p of platforms) out.push(`cp${major}${m}-abi3-${p}`);
    }
  }
  const range = pyInterpreterRange(major, minor);
  for (const version of range) {
    for (const p of platforms) out.push(`${version}-none-${p}`);
  }
  out.push(`${interpreter}-none-any`);
  for (const version of range) out.push(`${version}-none-any`);
  return out;
}

const cache = new Map<string, SupportedTags>();

/** The supported tags of a target, computed once per target and reused. */
export function supportedTags(target: WheelTarget): SupportedTags {
  const key = targetKey(target);
  const cached = cache.get(key);
  if (cached) return cached;
  const tags = buildTags(target);
  const priority = new Map<string, number>();
  tags.forEach((tag, index) => {
    if (!priority.has(tag)) priority.set(tag, index);
  });
  const { major, minor } = target.python;
  const result: SupportedTags = {
    target: { ...target, python: { major, minor } },
    tags,
    priority,
    platforms: platformTags(target),
  };
  cache.set(key, result);
  return result;
}

export interface TagMatch {
  /** The best (lowest) priority among the wheel's tags. */
  priority: number;
  /** The tag that gave it. */
  tag: string;
}

/** The best tag of a wheel on a target, or undefined when none of its tags is supported. */
export function bestTagMatch(target: WheelTarget, wheel: WheelFilename | string): TagMatch | undefined {
  const parsed = typeof wheel === 'string' ? wheelFilenameOf(wheel) : wheel;
  return parsed ? bestTagMatchIn(supportedTags(target), parsed) : undefined;
}

/**
 * `bestTagMatch` against tags already computed: callers judging many wheels on one target look
 * the target's tags up once instead of once per wheel (the look-up builds a key string).
 */
export function bestTagMatchIn(supported: SupportedTags, wheel: WheelFilename): TagMatch | undefined {
  const { priority } = supported;
  let best: TagMatch | undefined;
  for (const tag of wheel.tagKeys) {
    const p = priority.get(tag);
    if (p !== undefined && (best === undefined || p < best.priority)) best = { priority: p, tag };
  }
  return best;
}

/** True when pip would install this wheel on the target (an invalid name is never compatible). */
export function isWheelCompatible(target: WheelTarget, wheel: WheelFilename | string): boolean {
  return bestTagMatch(target, wheel) !== undefined;
}
