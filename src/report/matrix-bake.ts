/**
 * Which build argument a bake target must set so that the project's Dockerfile builds on the
 * target's image. The documented form is `ARG PYTHON_IMAGE` and `FROM ${PYTHON_IMAGE}`; a Dockerfile
 * that writes its python FROM with another argument (`FROM python:${PYTHON_VERSION}-slim`) gets
 * that argument, with the value that makes the FROM name the image at the matrix's date. Every value
 * is checked by reading the Dockerfile again with it, as pybase reads any Dockerfile (ARG scoping,
 * defaults, build-argument precedence), so an argument the Dockerfile does not declare before its
 * first FROM is never set. What cannot be done is said in warnings, never silently.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { tryParseReference } from '../catalog/reference.js';
import { extractDockerfile } from '../files/dockerfile/extract.js';
import type { ExtractedReference } from '../model/project.js';
import type { Matrix, MatrixEntry } from './matrix.js';

/** The build argument of the documented form. */
export const bakeImageArg = 'PYTHON_IMAGE';

export interface BakePlan {
  /** The Dockerfile the targets build, relative to the project root. */
  dockerfile: string;
  /**
   * Per matrix entry (same order): the build arguments of its target, or undefined when the
   * Dockerfile cannot build on its image through a build argument (the target is left out).
   */
  args: (Record<string, string> | undefined)[];
  /** What the user should know: the Dockerfile ignores the argument, a FROM stays fixed, a target is left out. */
  warnings: string[];
}

export interface BakePlanOptions {
  /** The Dockerfile, relative to the root (default `Dockerfile`). */
  dockerfile?: string;
  catalog?: Catalog;
  snapshotPath?: string;
}

/** `$NAME`, `${NAME}`, `${NAME:-default}` and the like, as Dockerfile substitution writes them. */
const variablePattern =
  /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:][-+?]?[^}]*|[-+?][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function variablesOf(text: string): { name: string; start: number; end: number }[] {
  return [...text.matchAll(variablePattern)].map((m) => ({
    name: (m[1] ?? m[2])!,
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** The documented form for every entry: `PYTHON_IMAGE = python:TAG`. */
function documented(m: Matrix, dockerfile: string, warnings: string[]): BakePlan {
  return {
    dockerfile,
    args: m.entries.map((e) => ({ [bakeImageArg]: e.image })),
    warnings,
  };
}

const howToWrite = `write 'ARG ${bakeImageArg}' before the first FROM and 'FROM \${${bakeImageArg}}'`;

/** The build arguments of each bake target for the project at `root` (see the module comment). */
export async function planBake(root: string, m: Matrix, options: BakePlanOptions = {}): Promise<BakePlan> {
  const dockerfile = options.dockerfile ?? 'Dockerfile';
  const text = await readFile(path.join(root, dockerfile), 'utf8').catch(() => undefined);
  if (text === undefined) {
    return documented(m, dockerfile, [
      `there is no ${dockerfile} in the project: the bake targets pass the image as the build argument ${bakeImageArg}; ${howToWrite}`,
    ]);
  }
  const catalog =
    options.catalog ?? createCatalog(options.snapshotPath ? { snapshotPath: options.snapshotPath } : {});
  const froms = (args: { name: string; value: string }[] = []) =>
    extractDockerfile(dockerfile, text, {
      buildArgs: args.map((a) => ({
        name: a.name,
        value: a.value,
        origin: { name: a.name, value: a.value, source: 'config-build-arg' as const },
      })),
    }).references.filter((r) => r.kind === 'dockerfile-from');
  const written = froms();
  const where = (r: ExtractedReference) => `${dockerfile}:${r.range.startLine}`;
  const isPython = (image: string | undefined) =>
    image !== undefined && tryParseReference(image)?.isPython === true;
  // A FROM whose image comes from build arguments and is (or may be) a python image: its default
  // names one, the text before the variable names the python repository, or the variable is the image.
  const templated = written.filter((r) => {
    const vars = variablesOf(r.text);
    if (vars.length === 0) return false;
    if (isPython(r.resolved)) return true;
    const first = vars[0]!;
    return (
      /(^|\/)python:$/.test(r.text.slice(0, first.start)) ||
      (vars.length === 1 && first.start === 0 && first.end === r.text.length)
    );
  });
  const fixed = written.filter((r) => variablesOf(r.text).length === 0 && isPython(r.text));
  if (templated.length === 0) {
    return documented(m, dockerfile, [
      `${dockerfile} takes no python image from a build argument${fixed.length > 0 ? ` (${fixed.map((r) => `line ${r.range.startLine}: FROM ${r.text}`).join('; ')})` : ''}, so every bake target would build the same image: ${howToWrite}`,
    ]);
  }
  // The FROM the targets vary: the final stage's when it takes an argument, else the last one that does.
  const target = templated.find((r) => r.dockerStage?.isFinal) ?? templated[templated.length - 1]!;
  const vars = [...new Set(variablesOf(target.text).map((v) => v.name))];
  if (vars.length !== 1) {
    return documented(m, dockerfile, [
      `${where(target)}: FROM ${target.text} takes its image from ${vars.join(' and ')}; pybase sets one build argument per target: ${howToWrite}`,
    ]);
  }
  const name = vars[0]!;
  const same = (r: ExtractedReference) => r.range.startOffset === target.range.startOffset;
  // The FROM read with `value`, when it then names the entry's image at the date.
  const names = (value: string, entry: MatrixEntry): boolean => {
    const image = froms([{ name, value }]).find(same)?.resolved;
    const tag = image ? tryParseReference(image) : undefined;
    if (!tag?.isPython || tag.tag === undefined) return false;
    if (tag.tag === entry.tag) return true;
    try {
      return catalog.resolve(tag.tag, m.date)?.fullTag === entry.tag;
    } catch {
      return false;
    }
  };
  const first = variablesOf(target.text)[0]!;
  const suffix = target.text.slice(first.end);
  const valuesFor = (e: MatrixEntry): string[] => [
    e.image,
    e.tag,
    ...(suffix !== '' && e.tag.endsWith(suffix) ? [e.tag.slice(0, -suffix.length)] : []),
    e.pythonVersion,
  ];
  const warnings: string[] = [];
  const args = m.entries.map((e) => {
    const value = valuesFor(e).find((v) => names(v, e));
    return value === undefined ? undefined : { [name]: value };
  });
  const left = m.entries.filter((_, i) => args[i] === undefined);
  if (left.length === m.entries.length) {
    return documented(m, dockerfile, [
      `${where(target)}: FROM ${target.text} cannot name ${left.map((e) => e.image).join(', ')} whatever ${name} is: ${howToWrite}`,
    ]);
  }
  if (left.length > 0) {
    warnings.push(
      `${where(target)}: FROM ${target.text} cannot name ${left.map((e) => e.image).join(', ')} whatever ${name} is: ${left.length === 1 ? 'its target is' : 'their targets are'} left out (${howToWrite} to build every image)`,
    );
  }
  for (const r of templated) {
    if (same(r)) continue;
    const others = variablesOf(r.text).filter((v) => v.name !== name);
    if (others.length > 0) {
      warnings.push(
        `${where(r)}: FROM ${r.text} takes ${[...new Set(others.map((v) => v.name))].join(' and ')}, which the bake targets do not set`,
      );
    }
  }
  for (const r of fixed) {
    warnings.push(
      `${where(r)}: FROM ${r.text} takes no build argument: every target builds ${r.dockerStage?.isFinal ? 'its final stage' : 'that stage'} on it`,
    );
  }
  return { dockerfile, args, warnings };
}
