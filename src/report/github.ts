/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the pull request
 * (`::error file=...,line=...::message`). Escaping follows the runner's rules for data and properties.
 */
import type { CheckResult } from '../check/check.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { displayPath } from './paths.js';
import { messageAfterLocation } from './text.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One workflow command. `file` is the path written for the finding's file (default: its location's,
 * relative to the checked root); GitHub reads it relative to the workspace.
 */
export function formatGithubAnnotation(d: Diagnostic, file = d.location?.file): string {
  const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const props: string[] = [];
  const loc = d.location;
  if (loc) {
    props.push(`file=${escapeProperty(file ?? loc.file)}`, `line=${loc.startLine}`, `col=${loc.startColumn}`);
    if (loc.endLine >= loc.startLine) props.push(`endLine=${loc.endLine}`);
    if (loc.endLine === loc.startLine && loc.endColumn > loc.startColumn)
      props.push(`endColumn=${loc.endColumn}`);
  }
  props.push(`title=${escapeProperty(d.code)}`);
  const text = messageAfterLocation(d);
  const message = d.hint ? `${text}\n${d.hint}` : text;
  return `::${command} ${props.join(',')}::${escapeData(message)}`;
}

/**
 * The annotations of a check. Files are written relative to `cwd`, the directory the command runs
 * in (the workspace in a workflow), or absolute when outside it; default: relative to the checked root.
 */
export function formatGithub(result: CheckResult, options: { cwd?: string } = {}): string {
  const base = options.cwd ?? result.root;
  const lines = [...result.findings, ...result.notices].map((d) =>
    formatGithubAnnotation(d, d.location ? displayPath(base, result.root, d.location.file) : undefined),
  );
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
