/**
 * The platform a set of distribution files is judged against: a CPython minor, a libc (glibc or
 * musl, with its version) and a machine name as Python reports it (`platform.machine()`).
 */
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import { type Arch, normalizeArch, wheelMachine } from '../model/platform.js';

export type LibcFamily = 'glibc' | 'musl';

export interface WheelTarget {
  python: {
    major: number;
    minor: number;
    /** The patch release, when known (used for `requires-python` and `python_full_version`). */
    patch?: number;
  };
  libc: { family: LibcFamily; major: number; minor: number };
  /** x86_64, aarch64, armv7l, ppc64le, s390x, i686, ... (the arch part of wheel platform tags) */
  machine: string;
  /** Free-threaded (`cp313t`) builds are not what the standard images ship. */
  freeThreaded?: false;
}

function badTarget(message: string, hint: string): PybaseError {
  return new PybaseError({ code: inputCodes.usage, severity: 'error', message, hint });
}

const pythonPattern = /^(\d+)\.(\d+)(?:\.(\d+))?$/;
const libcPattern = /^(\d+)\.(\d+)(?:\.\d+)*$/;

/**
 * Build a target from the spellings the rest of pybase uses.
 * @param python `3.12` or `3.12.4`
 * @param libc family and version string (`2.36`, `1.2.5`: only major.minor matter for wheels)
 * @param arch an `Arch` or any spelling `normalizeArch` understands (`amd64`, `aarch64`, ...)
 * @throws PybaseError when one of the parts cannot be read or the architecture has no wheel tags.
 */
export function makeWheelTarget(
  python: string,
  libc: { family: LibcFamily; version: string },
  arch: Arch | string,
): WheelTarget {
  const py = pythonPattern.exec(python.trim());
  if (!py) {
    throw badTarget(`'${python}' is not a Python version of the form X.Y or X.Y.Z`, 'Write e.g. 3.12.');
  }
  const major = Number(py[1]);
  if (major !== 3) {
    throw badTarget(
      `wheel compatibility is only modelled for CPython 3, not '${python}'`,
      'Use a Python 3 version.',
    );
  }
  if (libc.family !== 'glibc' && libc.family !== 'musl') {
    throw badTarget(`unknown libc family '${String(libc.family)}'`, "Use 'glibc' or 'musl'.");
  }
  const lv = libcPattern.exec(libc.version.trim());
  if (!lv) {
    throw badTarget(`'${libc.version}' is not a ${libc.family} version`, 'Write e.g. 2.36 or 1.2.5.');
  }
  const normalized = normalizeArch(arch);
  const machine = normalized ? wheelMachine(normalized) : undefined;
  if (!machine) {
    throw badTarget(
      `architecture '${arch}' has no Linux wheel platform tag`,
      'Use a Linux architecture such as amd64 or arm64.',
    );
  }
  const target: WheelTarget = {
    python: { major, minor: Number(py[2]) },
    libc: { family: libc.family, major: Number(lv[1]), minor: Number(lv[2]) },
    machine,
  };
  if (py[3] !== undefined) target.python.patch = Number(py[3]);
  return target;
}

/** A short stable key, e.g. `cp312-glibc2.36-x86_64` (the patch is not part of it). */
export function targetKey(target: WheelTarget): string {
  const { python, libc, machine } = target;
  return `cp${python.major}${python.minor}-${libc.family}${libc.major}.${libc.minor}-${machine}`;
}

/** Human wording, e.g. `CPython 3.12 on glibc 2.36 x86_64`. */
export function describeTarget(target: WheelTarget): string {
  const { python, libc, machine } = target;
  const version = python.patch === undefined ? `${python.major}.${python.minor}` : pythonFullVersion(target);
  return `CPython ${version} on ${libc.family} ${libc.major}.${libc.minor} ${machine}`;
}

/** `X.Y.Z` when the patch is known, `X.Y.0` otherwise. */
export function pythonFullVersion(target: WheelTarget): string {
  return `${target.python.major}.${target.python.minor}.${target.python.patch ?? 0}`;
}
