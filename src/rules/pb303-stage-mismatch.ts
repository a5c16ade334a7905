import type { Diagnostic } from '../model/diagnostic.js';
import { dockerfileOf, type ExtractedReference, type StageBaseReference } from '../model/project.js';
import { levels, makeFinding } from './finding.js';
import { compareDotted, libcFamily, shown } from './helpers.js';
import type { PythonReference, Rule } from './types.js';

/**
 * Items by Dockerfile (a file, or a Dockerfile written in a compose file), each list in the original
 * order (one pass, instead of one filter per file).
 */
function byFile<T>(items: readonly T[], of: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = of(item);
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

/** The python image the final stage of a Dockerfile starts from, following `FROM <earlier stage>`. */
function finalImage(
  references: readonly ExtractedReference[],
  bases: readonly StageBaseReference[],
  python: readonly PythonReference[],
): PythonReference | undefined {
  const froms = references.filter((r) => r.kind === 'dockerfile-from' && r.dockerStage);
  let index = [...froms, ...bases].find((r) => r.dockerStage?.isFinal)?.dockerStage?.index;
  const seen = new Set<number>();
  while (index !== undefined && !seen.has(index)) {
    seen.add(index);
    const i = index;
    const ref: ExtractedReference | undefined = froms.find((r) => r.dockerStage?.index === i);
    if (ref) return python.find((pr) => pr.ref === ref);
    index = bases.find((b) => b.dockerStage.index === i)?.baseStageIndex;
  }
  return undefined;
}

export const pb303: Rule = {
  code: 'PB303',
  name: 'stage-mismatch',
  summary: 'builder and final stage differ in Python minor or libc, or the builder has a newer glibc',
  defaultSeverity: levels('error', { dev: 'warning' }),
  docs: {
    whatItDoes:
      'In a multi-stage Dockerfile, compares each python builder stage with the python image of the final ' +
      "stage: a different Python minor, a different libc family, or a builder glibc newer than the runtime's. " +
      'A reference pinned by digest is compared by what its tag states (`python:3.12@sha256:...` is Python ' +
      '3.12 on an unknown distro); a bare digest (`python@sha256:...`) has no known Python and is not compared.',
    whyIsThisBad:
      'Packages built or installed in the builder are copied into the final image: compiled extensions ' +
      'and wheels for another Python minor do not load, and code linked against a newer glibc fails with ' +
      '"GLIBC_2.xx not found" at run time.',
    example:
      'FROM python:3.12-slim-trixie AS build\nRUN pip install --prefix=/install .\nFROM python:3.12-slim-bookworm\nCOPY --from=build /install /usr/local',
    useInstead: 'FROM python:3.12.14-slim-trixie AS build\n...\nFROM python:3.12.14-slim-trixie',
    fix: 'Use the same Python minor and distro in both stages; the usual way is one ARG for both FROM lines.',
    options: [],
  },
  check(ctx) {
    const out: Diagnostic[] = [];
    const files = new Set(
      ctx.python.filter((pr) => pr.ref.stage === 'build').map((pr) => dockerfileOf(pr.ref)),
    );
    if (files.size === 0) return out;
    const referencesOf = byFile(ctx.extraction.references, dockerfileOf);
    const basesOf = byFile(ctx.stageBases, dockerfileOf);
    const pythonOf = byFile(
      ctx.python.map((pr) => ({ pr })),
      (p) => dockerfileOf(p.pr.ref),
    );
    for (const file of files) {
      const python = (pythonOf.get(file) ?? []).map((p) => p.pr);
      const runtime = finalImage(referencesOf.get(file) ?? [], basesOf.get(file) ?? [], python);
      if (!runtime?.status || runtime.status.state === 'unknown') continue;
      const rt = runtime.status.facts;
      const rtLibc = libcFamily(runtime);
      for (const pr of python) {
        if (pr.ref.stage !== 'build' || pr === runtime || !pr.status) continue;
        if (pr.status.state === 'unknown') continue;
        const b = pr.status.facts;
        const libc = libcFamily(pr);
        const problems: string[] = [];
        if (b.minor && rt.minor && b.minor !== rt.minor) problems.push(`Python ${b.minor} vs ${rt.minor}`);
        if (libc && rtLibc && libc !== rtLibc) problems.push(`${libc} vs ${rtLibc}`);
        else if (
          libc === 'glibc' &&
          rtLibc === 'glibc' &&
          b.libc?.version &&
          rt.libc?.version &&
          compareDotted(b.libc.version, rt.libc.version) > 0
        ) {
          problems.push(`builder glibc ${b.libc.version} is newer than the runtime's ${rt.libc.version}`);
        }
        if (problems.length === 0) continue;
        out.push(
          makeFinding(pb303, {
            stage: pr.ref.stage,
            location: pr.ref.range,
            message: `builder ${shown(pr)} does not match the final stage ${shown(runtime)} (line ${runtime.ref.range.startLine}): ${problems.join('; ')}`,
            hint: 'build on the same Python minor and distro as the final stage',
            data: { runtime: runtime.text, runtimeLine: runtime.ref.range.startLine, problems },
          }),
        );
      }
    }
    return out;
  },
};
