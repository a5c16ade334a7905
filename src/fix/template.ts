/**
 * Working backwards through an ARG-templated reference: `python:${PY}-slim-${DISTRO}` resolved with
 * `PY=3.12.3`, `DISTRO=bookworm`; which ARG values give `python:3.12.14-slim-bookworm`?
 *
 * Only the plain forms `$NAME` and `${NAME}` are followed. Operators (`${PY:-3.12}`), escapes and
 * values that themselves hold variables are left to a person: the fixer then says why it skipped.
 */

/** Literal text, or a variable use (`written`: as in the template, `$PY` or `${PY}`). */
export type Segment = { literal: string } | { variable: string; written?: string };

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*/;

export interface TemplateOptions {
  /**
   * The text is compose-interpolated before the build reads it (a compose `dockerfile_inline`):
   * `$${NAME}` / `$$NAME` is the Dockerfile's variable NAME, `${NAME}` compose's. Both are plain
   * variable uses (which value each has is in the reference's origins); any other `$$` is left to a
   * person.
   */
  composeEscapes?: boolean;
}

/** Split a template into literal text and plain variable uses, or undefined for any other `$` form. */
export function parseTemplate(text: string, options: TemplateOptions = {}): Segment[] | undefined {
  const out: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' || c === '`') return undefined;
    if (c !== '$') {
      literal += c;
      i++;
      continue;
    }
    let name: string | undefined;
    const from = i;
    // `$$` passes one `$` through compose: what follows must be a variable use.
    if (options.composeEscapes && text[i + 1] === '$') i++;
    if (text[i + 1] === '{') {
      const end = text.indexOf('}', i + 2);
      const inner = end < 0 ? '' : text.slice(i + 2, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) return undefined;
      name = inner;
      i = end + 1;
    } else {
      name = namePattern.exec(text.slice(i + 1))?.[0];
      if (!name) return undefined;
      i += 1 + name.length;
    }
    if (literal) out.push({ literal });
    literal = '';
    out.push({ variable: name, written: text.slice(from, i) });
  }
  if (literal) out.push({ literal });
  return out;
}

/** The text a template gives with these values, or undefined when a variable has none. */
export function expandTemplate(
  segments: readonly Segment[],
  values: ReadonlyMap<string, string>,
): string | undefined {
  let out = '';
  for (const s of segments) {
    if ('literal' in s) out += s.literal;
    else {
      const v = values.get(s.variable);
      if (v === undefined) return undefined;
      out += v;
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of subsets(items.slice(i + 1), size - 1)) out.push([item, ...rest]);
  });
  return out;
}

/** Characters an ARG value written without quotes may hold and still form part of an image reference. */
const safeValue = /^[A-Za-z0-9_.:@/-]+$/;

/**
 * New values for as few variables as possible so that the template expands to `wanted`; variables
 * not named in the result keep their values. Undefined when no such values exist.
 */
export function solveTemplate(
  segments: readonly Segment[],
  values: ReadonlyMap<string, string>,
  wanted: string,
): Map<string, string> | undefined {
  const names = [...new Set(segments.flatMap((s) => ('variable' in s ? [s.variable] : [])))];
  if (names.some((n) => !values.has(n))) return undefined;
  for (let size = 1; size <= names.length; size++) {
    for (const free of subsets(names, size)) {
      const groups = new Map<string, string>();
      let pattern = '^';
      for (const s of segments) {
        if ('literal' in s) pattern += escapeRegExp(s.literal);
        else if (!free.includes(s.variable)) pattern += escapeRegExp(values.get(s.variable)!);
        else if (groups.has(s.variable)) pattern += `\\k<${groups.get(s.variable)}>`;
        else {
          const group = `v${groups.size}`;
          groups.set(s.variable, group);
          pattern += `(?<${group}>.+?)`;
        }
      }
      const m = new RegExp(`${pattern}$`).exec(wanted);
      if (!m?.groups) continue;
      const changed = new Map<string, string>();
      for (const [name, group] of groups) {
        const v = m.groups[group]!;
        if (!safeValue.test(v)) return undefined;
        if (v !== values.get(name)) changed.set(name, v);
      }
      const merged = new Map(values);
      for (const [k, v] of changed) merged.set(k, v);
      if (expandTemplate(segments, merged) === wanted) return changed;
    }
  }
  return undefined;
}

/**
 * The template text with only its written part changed so that it expands to `wanted` with the same
 * values (`${REGISTRY}/python:3.11.4-slim` -> `${REGISTRY}/python:3.11.16-slim`), or undefined when
 * the change reaches into a variable's value. Variables stay as written.
 */
export function rewriteLiteral(
  segments: readonly Segment[],
  values: ReadonlyMap<string, string>,
  wanted: string,
): string | undefined {
  const current = expandTemplate(segments, values);
  if (current === undefined) return undefined;
  let head = 0;
  while (head < current.length && head < wanted.length && current[head] === wanted[head]) head++;
  let tail = 0;
  while (
    tail < current.length - head &&
    tail < wanted.length - head &&
    current[current.length - 1 - tail] === wanted[wanted.length - 1 - tail]
  )
    tail++;
  // The changed span of the expansion: [head, end); it must fall inside one literal segment.
  const end = current.length - tail;
  let at = 0;
  let out = '';
  let done = false;
  for (const s of segments) {
    if ('variable' in s) {
      const v = values.get(s.variable)!;
      if (!done && head < at + v.length && end > at) return undefined;
      out += s.written ?? `\${${s.variable}}`;
      at += v.length;
      continue;
    }
    const from = at;
    const to = at + s.literal.length;
    if (!done && head >= from && end <= to && (head < to || end === head)) {
      out +=
        s.literal.slice(0, head - from) +
        wanted.slice(head, wanted.length - tail) +
        s.literal.slice(end - from);
      done = true;
    } else {
      out += s.literal;
    }
    at = to;
  }
  return done ? out : undefined;
}
