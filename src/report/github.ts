/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the pull request
 * (`::error file=...,line=...::message`). Escaping follows the runner's rules for data and properties.
 */
import type { CheckResult } from '../check/check.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { messageAfterLocation } from './text.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithubAnnotation(d: Diagnostic): string {
  const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const props: string[] = [];
  const loc = d.location;
  if (loc) {
    props.push(`file=${escapeProperty(loc.file)}`, `line=${loc.startLine}`, `col=${loc.startColumn}`);
    if (loc.endLine >= loc.startLine) props.push(`endLine=${loc.endLine}`);
    if (loc.endLine === loc.startLine && loc.endColumn > loc.startColumn)
      props.push(`endColumn=${loc.endColumn}`);
  }
  props.push(`title=${escapeProperty(d.code)}`);
  const text = messageAfterLocation(d);
  const message = d.hint ? `${text}\n${d.hint}` : text;
  return `::${command} ${props.join(',')}::${escapeData(message)}`;
}

export function formatGithub(result: CheckResult): string {
  const lines = [...result.findings, ...result.notices].map(formatGithubAnnotation);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
