/**
 * A Dockerfile cut down to the instructions reference extraction reads, for speed.
 *
 * `dockerfile-ast` builds a full model of every instruction (JSON forms, flags, heredocs, variables),
 * and in a large repository most of the time spent reading Dockerfiles went into RUN, ENV, CMD and
 * the like, which name no image. Extraction needs only FROM, ARG and the instructions that can carry
 * `from` (`COPY --from=`, `RUN --mount=...,from=`, ONBUILD). This module finds where each instruction
 * starts and ends (escape-character continuations, with blank and comment lines inside them, exactly
 * as the parser reads them) and empties the lines of the instructions extraction never reads. Lines
 * and columns of everything kept are unchanged, so the parser's positions still point into the
 * original text.
 *
 * When the text holds anything whose reading this line scan cannot be sure to share with the parser
 * (heredocs, an escape directive, lone carriage returns, an instruction whose first word holds the
 * escape character, a continuation line opening with it, unusual control characters), it gives up and the caller parses the whole text. A test compares
 * extraction with and without the cut on generated and real Dockerfiles.
 */

/** First and last zero-based line of an instruction in the original text. */
export interface InstructionLines {
  start: number;
  end: number;
}

export interface ReducedDockerfile {
  /** The text with the lines of instructions extraction does not read emptied. */
  text: string;
  /** Every instruction of the original text, in order (the parser only sees those kept). */
  instructions: InstructionLines[];
}

/** Instructions that name no image unless they mention `from` somewhere in their text. */
const skippable = new Set([
  'ADD',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** Texts this scan leaves to the parser: see the module comment. */
const unsure = /<<|\r(?!\n)|[\0\f\v]|^[ \t]*#[ \t]*escape[ \t]*=/im;

const blank = /^[ \t\r]*$/;
const comment = /^[ \t]*#/;
const continued = /\\[ \t\r]*$/;
const opensWithEscape = /^[ \t]*\\/;
/** The parser ends such an instruction differently at the end of the text: left to it. */
const escapeInFirstWord = /^[ \t]*[^ \t\\]*\\/;
const keywordOf = /^[ \t]*([A-Za-z]+)[ \t]/;

/** The reduced text, or undefined when the whole text must be parsed. */
export function reduceDockerfile(text: string): ReducedDockerfile | undefined {
  if (unsure.test(text)) return undefined;
  const lines = text.split('\n');
  const instructions: InstructionLines[] = [];
  let emptied = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (blank.test(line) || comment.test(line)) {
      i++;
      continue;
    }
    if (escapeInFirstWord.test(line)) return undefined;
    const start = i;
    let end = i;
    // A line ending in the escape character continues on the next line that is neither blank nor
    // a comment; at the end of the text the instruction runs to the last line.
    while (continued.test(lines[end] as string)) {
      let next = end + 1;
      while (
        next < lines.length &&
        (blank.test(lines[next] as string) || comment.test(lines[next] as string))
      ) {
        next++;
      }
      if (next >= lines.length) {
        end = lines.length - 1;
        break;
      }
      if (opensWithEscape.test(lines[next] as string)) return undefined;
      end = next;
    }
    instructions.push({ start, end });
    const keyword = keywordOf.exec(line)?.[1]?.toUpperCase();
    if (keyword !== undefined && skippable.has(keyword) && !mentionsFrom(lines, start, end)) {
      for (let l = start; l <= end; l++) {
        // Comment lines stay: the parser reports them as comments wherever they are.
        if (!comment.test(lines[l] as string)) {
          lines[l] = '';
          emptied = true;
        }
      }
    }
    i = end + 1;
  }
  return { text: emptied ? lines.join('\n') : text, instructions };
}

function mentionsFrom(lines: readonly string[], start: number, end: number): boolean {
  for (let l = start; l <= end; l++) if (/from/i.test(lines[l] as string)) return true;
  return false;
}
