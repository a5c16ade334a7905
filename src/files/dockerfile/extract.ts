/**
 * Image references in a Dockerfile: every `FROM` (stage names, `--platform`, `AS`), and
 * `COPY --from=<image>` / `RUN --mount=...,from=<image>` that name an image rather than a stage.
 * Parsing is `dockerfile-ast`'s (escape directive, continuations, comments, heredocs); this
 * module adds ARG substitution with build-argument precedence, stage roles and exact ranges.
 */
import {
  type Arg,
  type Argument,
  type Copy,
  DockerfileParser,
  type Flag,
  type Instruction,
  type Run,
} from 'dockerfile-ast';
import type { Diagnostic, SourceRange } from '../../model/diagnostic.js';
import type {
  DockerStageInfo,
  EmbeddedDockerfile,
  ExtractedReference,
  IgnorePragma,
  StageBaseReference,
  StageCopy,
  ValueOrigin,
} from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import { type Scope, type Substitution, substitute, type VarState } from '../substitute.js';
import { LineIndex, parseErrorDiagnostic, scanPragmas, type TextPlacement } from '../text.js';
import { type InstructionLines, reduceDockerfile } from './reduce.js';

/** A build argument given from outside the Dockerfile (compose `build.args`, configuration). */
export interface ProvidedBuildArg {
  name: string;
  /** Absent when the value depends on variables pybase cannot know (listed in `unresolved`). */
  value?: string;
  unresolved?: string[];
  origin: ValueOrigin;
  /** Where the values it was built from are written (a compose build arg `${PY}` set in `.env`). */
  via?: ValueOrigin[];
}

export interface DockerfileOptions {
  /** Build arguments; they override ARG defaults. Later entries override earlier ones. */
  buildArgs?: readonly ProvidedBuildArg[];
  /** A stage the configuration assigns to this file. */
  configuredStage?: Stage;
  /** True when the file name or a directory says dev / test / local. */
  devNamed?: boolean;
  /** Compose service building this Dockerfile (set on references that depend on its arguments). */
  service?: string;
  /**
   * The stage the build stops at (compose `build.target`, `docker build --target`): it is the image
   * the build produces, in place of the last stage. A name no stage has is ignored.
   */
  target?: string;
  /**
   * Parse every instruction instead of only those extraction reads (see reduce.ts). The result is
   * the same; tests compare the two.
   */
  parseEveryInstruction?: boolean;
  /**
   * For a Dockerfile written inside another file (`file` is then that file): where its text sits
   * there, so that every range, line and pragma names the place in that file; and what to mark
   * the references, stage bases and stage copies read from it with.
   */
  embedded?: { placement: TextPlacement; dockerfile: EmbeddedDockerfile };
  /**
   * Substitution the host file applies to the text before the build sees it (compose interpolates
   * a `dockerfile_inline`: `$$` is a `$`, `${VAR}` a variable of the compose file). Applied to
   * every value before the Dockerfile's own ARG substitution.
   */
  interpolate?: (text: string) => Substitution;
}

export interface DockerfileExtraction {
  references: ExtractedReference[];
  /**
   * With a `target`: the stages that build runs (the target and every stage it needs); references
   * of the other stages are still listed, as builder stages.
   */
  builtStages?: number[];
  stageBases: StageBaseReference[];
  /** `COPY --from` / `RUN --mount=...,from=` naming an earlier stage. */
  stageCopies: StageCopy[];
  pragmas: IgnorePragma[];
  diagnostics: Diagnostic[];
}

/** ARGs BuildKit sets itself; usable in FROM without declaration, their values depend on the build. */
const automaticArgs = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
];

interface Position0 {
  line: number;
  character: number;
}

interface Range0 {
  start: Position0;
  end: Position0;
}

/**
 * Ranges and positions of the text, in the file they are reported in: the text's own, or for an
 * embedded Dockerfile its host file's.
 */
interface Places {
  /** The range of [start, end) offsets of the text. */
  range(start: number, end: number): SourceRange;
  /** 1-based line and column of a 0-based position of the text. */
  position(p: Position0): { line: number; column: number };
  /** A 1-based line of the text as a line of the file. */
  line(line: number): number;
}

function placesOf(index: LineIndex, file: string, placement: TextPlacement | undefined): Places {
  if (!placement) {
    return {
      range: (start, end) => index.range(file, start, end),
      position: (p) => ({ line: p.line + 1, column: p.character + 1 }),
      line: (line) => line,
    };
  }
  if (placement.kind === 'whole') {
    const r = placement.range;
    return {
      range: () => ({ ...r }),
      position: () => ({ line: r.startLine, column: r.startColumn }),
      line: () => r.startLine,
    };
  }
  const { host, line: first, column } = placement;
  // A position past the end of a short host line (an empty line of a block scalar) stays on it.
  const hostOffset = (p: Position0) =>
    host.offsetAt(first + p.line, Math.min(column + p.character, host.lineText(first + p.line).length));
  return {
    range: (start, end) =>
      host.range(file, hostOffset(index.positionAt(start)), hostOffset(index.positionAt(end))),
    position: (p) => {
      const at = host.positionAt(hostOffset(p));
      return { line: at.line + 1, column: at.character + 1 };
    },
    line: (line) => line + first,
  };
}

function toRange(index: LineIndex, places: Places, r: Range0): SourceRange {
  return places.range(
    index.offsetAt(r.start.line, r.start.character),
    index.offsetAt(r.end.line, r.end.character),
  );
}

/** The offsets of an ARG default without its surrounding quotes, when it is quoted on one line. */
function unquotedOffsets(index: LineIndex, r: Range0): [number, number] {
  const start = index.offsetAt(r.start.line, r.start.character);
  const end = index.offsetAt(r.end.line, r.end.character);
  const raw = index.text.slice(start, end);
  if (
    raw.length >= 2 &&
    (raw[0] === '"' || raw[0] === "'") &&
    raw[raw.length - 1] === raw[0] &&
    !raw.includes('\n')
  ) {
    return [start + 1, end - 1];
  }
  return [start, end];
}

function flagNamed(instruction: Instruction, name: string): Flag[] {
  const withFlags = instruction as unknown as { getFlags?: () => Flag[] };
  return (withFlags.getFlags?.() ?? []).filter((f) => f.getName().toLowerCase() === name);
}

interface StageRecord {
  name?: string;
  /** Index of the stage this one is built FROM, when it names an earlier stage. */
  base?: number;
}

export function extractDockerfile(
  file: string,
  text: string,
  options: DockerfileOptions = {},
): DockerfileExtraction {
  const out: DockerfileExtraction = {
    references: [],
    stageBases: [],
    stageCopies: [],
    pragmas: [],
    diagnostics: [],
  };
  const index = new LineIndex(text);
  const embedded = options.embedded?.dockerfile;
  const places = placesOf(index, file, options.embedded?.placement);
  /** A parse error at a 0-based position of the text. */
  const parseError = (at: Position0, message: string): Diagnostic => {
    const p = places.position(at);
    return parseErrorDiagnostic(file, p.line, p.column, embedded ? `${embedded.key}: ${message}` : message);
  };
  const reduced = options.parseEveryInstruction ? undefined : reduceDockerfile(text);
  let dockerfile: ReturnType<typeof DockerfileParser.parse>;
  try {
    dockerfile = DockerfileParser.parse(reduced?.text ?? text);
  } catch (error) {
    out.diagnostics.push(
      parseError({ line: 0, character: 0 }, error instanceof Error ? error.message : String(error)),
    );
    return out;
  }
  const escapeChar = dockerfile.getEscapeCharacter();
  const provided = new Map<string, ProvidedBuildArg>();
  for (const arg of options.buildArgs ?? []) provided.set(arg.name, arg);
  const instructions = dockerfile.getInstructions();

  /** The instruction as written (continuation lines included). */
  const textOf = (instruction: Instruction): string => {
    const r = instruction.getRange();
    return text.slice(
      index.offsetAt(r.start.line, r.start.character),
      index.offsetAt(r.end.line, r.end.character),
    );
  };

  // Heredocs without their closing delimiter swallow the rest of the file: say so.
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD') continue;
    // A heredoc starts at an argument beginning with `<<`: without a `<` there is none, and the
    // parser's heredoc scan (which re-reads every argument) can be skipped.
    if (!textOf(instruction).includes('<')) continue;
    const heredocs = (instruction as unknown as Run | Copy).getHeredocs?.() ?? [];
    for (const heredoc of heredocs) {
      if (heredoc.getDelimiterRange() === null) {
        out.diagnostics.push({
          ...parseError(
            heredoc.getStartRange().start,
            `heredoc <<${heredoc.getName()} is never closed; the rest of the ${embedded ? 'Dockerfile' : 'file'} is read as its body`,
          ),
          hint: `end the heredoc with a line holding only ${heredoc.getName()}`,
        });
      }
    }
  }

  const resolve = (raw: string, scope: Scope): Substitution => {
    if (!options.interpolate) return substitute(raw, scope, { dialect: 'dockerfile', escapeChar });
    // What the host file's own substitution leaves is what the build substitutes.
    const first = options.interpolate(raw);
    if (first.value === undefined) return first;
    const second = substitute(first.value, scope, { dialect: 'dockerfile', escapeChar });
    return { ...second, origins: [...first.origins, ...second.origins] };
  };

  // Global scope: automatic platform ARGs, then ARGs declared before the first FROM.
  const globalScope = new Map<string, VarState>();
  for (const name of automaticArgs) globalScope.set(name, { kind: 'unknown' });
  const declare = (scope: Map<string, VarState>, instruction: Instruction, inherit?: Scope) => {
    for (const property of (instruction as Arg).getProperties()) {
      const name = property.getName();
      const given = provided.get(name);
      if (given) {
        scope.set(
          name,
          given.value !== undefined
            ? { kind: 'known', value: given.value, origins: [given.origin, ...(given.via ?? [])] }
            : { kind: 'unknown', because: given.unresolved ?? [name] },
        );
        continue;
      }
      const rawValue = property.getValue();
      const valueRange = property.getValueRange();
      if (rawValue === null || valueRange === null) {
        // `ARG NAME` without a default: inside a stage it re-imports the global value.
        const inherited = inherit?.get(name);
        if (inherited) scope.set(name, inherited);
        else if (!automaticArgs.includes(name)) scope.delete(name);
        continue;
      }
      const [start, end] = unquotedOffsets(index, valueRange);
      const written = text.slice(start, end);
      const origin: ValueOrigin = {
        name,
        value: written,
        source: 'arg-default',
        file,
        range: places.range(start, end),
      };
      // getValue() drops the quotes (getUnescapedValue() keeps them in dockerfile-ast 0.7).
      const unescaped = rawValue;
      const expanded = resolve(unescaped, scope);
      if (expanded.value !== undefined) {
        scope.set(name, { kind: 'known', value: expanded.value, origins: [origin, ...expanded.origins] });
      } else {
        scope.set(name, { kind: 'unknown', because: expanded.unresolved });
      }
    }
  };
  const froms = dockerfile.getFROMs();
  const firstFromLine = froms[0]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  for (const instruction of instructions) {
    if (instruction.getRange().start.line >= firstFromLine) break;
    if (instruction.getKeyword() === 'ARG') declare(globalScope, instruction);
  }

  // First pass over FROMs: stage names and stage-to-stage links, to know the final stage's chain.
  const stageRecords: StageRecord[] = [];
  const stageIndexByName = (name: string, before: number): number | undefined => {
    const lower = name.toLowerCase();
    for (let i = before - 1; i >= 0; i--) if (stageRecords[i]?.name?.toLowerCase() === lower) return i;
    return undefined;
  };
  const fromImages: { arg?: Argument; resolved: Substitution }[] = [];
  froms.forEach((from, i) => {
    const args = from.getArguments();
    const image = args[0];
    const record: StageRecord = {};
    const asWord = args[1]?.getValue();
    const name = asWord?.toLowerCase() === 'as' ? args[2]?.getValue() : undefined;
    if (name) record.name = name;
    const resolved = image ? resolve(image.getValue(), globalScope) : { unresolved: [], origins: [] };
    const effective = resolved.value ?? image?.getValue();
    if (effective !== undefined) {
      const base = stageIndexByName(effective, i);
      if (base !== undefined) record.base = base;
    }
    stageRecords.push(record);
    fromImages.push(image ? { arg: image, resolved } : { resolved });
  });
  const targetIndex =
    options.target === undefined ? undefined : stageIndexByName(options.target, stageRecords.length);
  const finalIndex = targetIndex ?? froms.length - 1;
  const prodChain = new Set<number>();
  for (
    let i: number | undefined = finalIndex;
    i !== undefined && i >= 0 && !prodChain.has(i);
    i = stageRecords[i]?.base
  ) {
    prodChain.add(i);
  }
  const stageFor = (stageIndex: number, isFromOfStage: boolean): Stage => {
    const configured = options.configuredStage;
    if (configured && configured !== 'prod') return configured;
    if (!configured && options.devNamed) return 'dev';
    return isFromOfStage && prodChain.has(stageIndex) ? 'prod' : 'build';
  };
  const stageInfo = (i: number): DockerStageInfo => {
    const info: DockerStageInfo = { index: i, isFinal: i === finalIndex };
    const name = stageRecords[i]?.name;
    if (name) info.name = name;
    return info;
  };
  const usesProvided = (origins: readonly ValueOrigin[]) =>
    origins.some((o) => o.source === 'compose-build-arg' || o.source === 'config-build-arg');
  const makeReference = (
    kind: ExtractedReference['kind'],
    raw: string,
    range: SourceRange,
    resolved: Substitution,
    stageIndex: number,
    stage: Stage,
  ): ExtractedReference => {
    const ref: ExtractedReference = {
      kind,
      file,
      range,
      text: raw,
      stage,
      dockerStage: stageInfo(stageIndex),
    };
    if (embedded) ref.embedded = embedded;
    if (resolved.unresolved.length > 0) ref.unresolved = [...resolved.unresolved];
    else if (resolved.value !== undefined && resolved.value !== raw) ref.resolved = resolved.value;
    if (resolved.origins.length > 0) ref.origins = resolved.origins;
    // A Dockerfile written in a service's build belongs to that service whatever its values.
    if (options.service && (embedded || usesProvided(resolved.origins))) ref.service = options.service;
    return ref;
  };

  froms.forEach((from, i) => {
    const { arg, resolved } = fromImages[i]!;
    if (!arg) {
      out.diagnostics.push(parseError(from.getRange().start, 'FROM names no image'));
      return;
    }
    const raw = arg.getValue();
    const range = toRange(index, places, arg.getRange());
    const record = stageRecords[i]!;
    const effective = (resolved.value ?? raw).toLowerCase();
    if (record.base !== undefined || effective === 'scratch') {
      const base: StageBaseReference = {
        file,
        range,
        text: raw,
        dockerStage: stageInfo(i),
        stage: stageFor(i, true),
      };
      if (record.base !== undefined) base.baseStageIndex = record.base;
      if (embedded) base.embedded = embedded;
      out.stageBases.push(base);
      return;
    }
    const ref = makeReference('dockerfile-from', raw, range, resolved, i, stageFor(i, true));
    const platform = from.getPlatformFlag()?.getValue();
    if (platform) {
      const p = resolve(platform, globalScope);
      ref.platform = p.value ?? platform;
    }
    out.references.push(ref);
  });

  // COPY --from and RUN --mount from=: scope is the stage's own ARGs over the global ones.
  let stageIndex = -1;
  let stageScope = new Map<string, VarState>();
  /** The earlier stage a `--from` value names (by name or number), or undefined for an image. */
  const namedStage = (value: string, before: number): number | undefined =>
    /^\d+$/.test(value) ? Number(value) : stageIndexByName(value, before + 1);
  // Which stages each stage needs (its FROM base, its --from stages): a build that stops at a
  // target builds only those reachable from it.
  const needs = new Map<number, number[]>(
    stageRecords.map((r, i) => [i, r.base !== undefined ? [r.base] : []]),
  );
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      stageIndex++;
      stageScope = new Map<string, VarState>();
      for (const name of automaticArgs) stageScope.set(name, { kind: 'unknown' });
      continue;
    }
    if (stageIndex < 0) continue;
    if (keyword === 'ARG') {
      declare(stageScope, instruction, globalScope);
      continue;
    }
    const candidates: { raw: string; range: Range0; kind: ExtractedReference['kind'] }[] = [];
    if (keyword === 'COPY') {
      // Flags are written `--name`: an instruction without a `-` has none (the parser's flag
      // reading re-reads every argument, so it is skipped when it cannot find anything).
      if (!textOf(instruction).includes('-')) continue;
      for (const flag of flagNamed(instruction, 'from')) {
        const value = flag.getValue();
        const range = flag.getValueRange();
        if (value && range) candidates.push({ raw: value, range, kind: 'dockerfile-copy-from' });
      }
    } else if (keyword === 'RUN') {
      // The parser looks for RUN flags until an argument holds no `--`: a first word of plain
      // characters (no dash, quote, escape or variable) ends the search at once.
      if (/^RUN[ \t]+[A-Za-z0-9_./:=+@,%]+(?:[ \t]|$)/i.test(textOf(instruction))) continue;
      for (const flag of flagNamed(instruction, 'mount')) {
        for (const option of flag.getOptions()) {
          const value = option.getValue();
          const range = option.getValueRange();
          if (option.getName().toLowerCase() === 'from' && value && range) {
            candidates.push({ raw: value, range, kind: 'dockerfile-mount-from' });
          }
        }
      }
    }
    for (const c of candidates) {
      const resolved = resolve(c.raw, stageScope);
      const stage = namedStage(resolved.value ?? c.raw, stageIndex);
      if (stage !== undefined) {
        needs.get(stageIndex)?.push(stage);
        if (stage < stageIndex) {
          out.stageCopies.push({
            file,
            range: toRange(index, places, c.range),
            kind: c.kind === 'dockerfile-copy-from' ? 'copy' : 'mount',
            stageIndex,
            fromStageIndex: stage,
            ...(embedded ? { embedded } : {}),
          });
        }
        continue;
      }
      out.references.push(
        makeReference(
          c.kind,
          c.raw,
          toRange(index, places, c.range),
          resolved,
          stageIndex,
          stageFor(stageIndex, false),
        ),
      );
    }
  }

  if (targetIndex !== undefined) {
    const built = new Set<number>();
    const todo = [targetIndex];
    for (let i = todo.pop(); i !== undefined; i = todo.pop()) {
      if (built.has(i)) continue;
      built.add(i);
      todo.push(...(needs.get(i) ?? []));
    }
    out.builtStages = [...built].sort((a, b) => a - b);
  }

  // Pragmas apply to the next instruction, including those the reduced text left out.
  const allInstructions: InstructionLines[] =
    reduced?.instructions ??
    instructions.map((ins) => {
      const r = ins.getRange();
      return { start: r.start.line, end: r.end.line };
    });
  // A pragma on the first lines is read by the parser as a (unknown) parser directive.
  const commentLines = new Set(
    [...dockerfile.getComments(), ...dockerfile.getDirectives()].map((c) => c.getRange().start.line),
  );
  out.pragmas = scanPragmas(
    file,
    index,
    (line) => {
      const next = allInstructions.find((ins) => ins.start > line);
      return next ? { startLine: next.start + 1, endLine: next.end + 1 } : undefined;
    },
    (line) => commentLines.has(line),
  );
  if (embedded) {
    // Lines of the host file; `ignore-file` inside an embedded Dockerfile covers that Dockerfile only.
    const lines = /[\r\n]$/.test(text) ? index.lineCount - 1 : index.lineCount;
    const all = { startLine: places.line(1), endLine: places.line(Math.max(lines, 1)) };
    out.pragmas = out.pragmas.map((p) => {
      const target =
        p.scope === 'file'
          ? all
          : p.target && {
              startLine: places.line(p.target.startLine),
              endLine: places.line(p.target.endLine),
            };
      return { ...p, line: places.line(p.line), scope: 'next', ...(target ? { target } : {}) };
    });
  }
  return out;
}
