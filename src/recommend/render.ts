/** Text, Markdown and JSON renderings of a recommendation: pure functions of the result. */
import { dependencySourceLabel } from '../model/dependencies.js';
import { archSpelling } from '../model/platform.js';
import { statementLabel } from '../rules/statements.js';
import type {
  Move,
  Recommendation,
  RecommendResult,
  RejectionGroup,
  Relaxation,
  ScoredCandidate,
  StatementMove,
} from './types.js';

const traceLabels: Record<string, string> = {
  'c-extensions': 'C extensions?',
  alpine: 'Alpine considered?',
  python: 'Python minor?',
  patch: 'Newest safe patch?',
  pin: 'Pin?',
};

function header(r: RecommendResult): string {
  const parts = [`date ${r.date}`, `data ${r.dataDate}`, `archs ${r.archs.map(archSpelling).join(', ')}`];
  parts.push(
    r.source ? `dependencies ${dependencySourceLabel(r.source.file, r.source.kind)}` : 'no dependency file',
  );
  return parts.join(' · ');
}

/** An image reference as written; a version statement named by its file or key (`.python-version '3.11'`). */
function currentText(m: Move | StatementMove): string {
  return 'statement' in m ? `${statementLabel(m.statement)} '${m.current}'` : m.current;
}

function altLine(a: ScoredCandidate): string {
  return `${a.tag}: ${a.trades.length > 0 ? a.trades.join('; ') : 'same trade-offs'}`;
}

function groupLine(g: RejectionGroup): string {
  const n = /^\d/.test(g.scope) ? '' : ` (${g.tags.length})`;
  return `${g.scope}${n}: ${g.code}: ${g.message}`;
}

const maxGroups = 8;

function pinText(rec: Recommendation): string | undefined {
  if (rec.digest) return undefined;
  if (!rec.pinCommand) return undefined;
  return `pin the digest: pybase fix --pin-digest, or ${rec.pinCommand}`;
}

/** `with --min-support-months 0, python:3.11.14-slim-trixie would be chosen`. */
function relaxationText(r: Relaxation): string {
  return `with ${r.flags.join(' ')}, python:${r.tag} would be chosen`;
}

export function renderRecommendText(r: RecommendResult): string {
  const out: string[] = [`pybase recommend · ${header(r)}`];
  if (r.incomplete) {
    out.push('note: some dependency verdicts are unknown (the lock names no files and pybase was offline)');
  }
  for (const rec of r.recommendations) {
    out.push('', `[${rec.stage}]`);
    if (rec.reference) {
      out.push('', `    ${rec.reference}`, '');
      const pin = pinText(rec);
      if (pin) out.push(`  ${pin}`);
    } else {
      out.push('  no recommendation');
    }
    out.push(`  why: ${rec.why}`);
    for (const r of rec.relaxations ?? []) out.push(`  hint: ${relaxationText(r)}`);
    if (rec.alternatives.length > 0) {
      out.push('  alternatives:');
      for (const a of rec.alternatives) out.push(`    ${altLine(a)}`);
    }
    if (rec.rejectionGroups.length > 0) {
      out.push(
        `  rejected (${rec.rejected.length} of ${rec.rejected.length + rec.candidates.length} images):`,
      );
      for (const g of rec.rejectionGroups.slice(0, maxGroups)) out.push(`    ${groupLine(g)}`);
      if (rec.rejectionGroups.length > maxGroups) {
        out.push(`    ... ${rec.rejectionGroups.length - maxGroups} more reasons (--format json lists all)`);
      }
    }
    out.push('  decision:');
    for (const t of rec.trace) out.push(`    ${traceLabels[t.step] ?? t.question} ${t.answer}`);
  }
  if (r.moves.length > 0 || r.statements.length > 0) {
    out.push('', 'Current references:');
    for (const m of [...r.moves, ...r.statements]) {
      const to = m.to ? ` -> ${m.to}` : '';
      out.push(`  ${m.file}:${m.line} (${m.stage}) ${currentText(m)}${to}  [${m.kind}] ${m.reason}`);
    }
  }
  for (const d of r.diagnostics) out.push(`${d.severity}: ${d.message}`);
  return `${out.join('\n')}\n`;
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderRecommendMarkdown(r: RecommendResult): string {
  const out: string[] = ['## pybase recommend', '', `_${header(r)}_`];
  if (r.incomplete) {
    out.push('', '> Some dependency verdicts are unknown: the lock names no files and pybase was offline.');
  }
  for (const rec of r.recommendations) {
    out.push('', `### ${rec.stage}`, '');
    if (rec.reference) {
      out.push('```dockerfile', `FROM ${rec.reference}`, '```', '');
      const pin = pinText(rec);
      if (pin) out.push(`${pin.replace(/^pin/, 'Pin').replace(/(docker buildx[^\n]*)$/, '`$1`')}`, '');
    } else out.push('**No recommendation.**', '');
    out.push(`**Why:** ${rec.why}`);
    for (const r of rec.relaxations ?? []) out.push('', `**Hint:** ${relaxationText(r)}`);
    if (rec.alternatives.length > 0) {
      out.push('', '| alternative | trades |', '| --- | --- |');
      for (const a of rec.alternatives)
        out.push(`| \`${a.tag}\` | ${mdEscape(a.trades.join('; ') || 'same trade-offs')} |`);
    }
    if (rec.rejectionGroups.length > 0) {
      out.push(
        '',
        '<details><summary>Rejected images</summary>',
        '',
        '| scope | code | reason |',
        '| --- | --- | --- |',
      );
      for (const g of rec.rejectionGroups.slice(0, maxGroups)) {
        out.push(
          `| ${g.scope}${/^\d/.test(g.scope) ? '' : ` (${g.tags.length})`} | \`${g.code}\` | ${mdEscape(g.message)} |`,
        );
      }
      if (rec.rejectionGroups.length > maxGroups)
        out.push(`| ... | | ${rec.rejectionGroups.length - maxGroups} more |`);
      out.push('', '</details>');
    }
    out.push('', 'Decision path:', '');
    for (const t of rec.trace) out.push(`1. **${traceLabels[t.step] ?? t.question}** ${mdEscape(t.answer)}`);
  }
  if (r.moves.length > 0 || r.statements.length > 0) {
    out.push(
      '',
      '### Current references',
      '',
      '| where | stage | now | move | to | why |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const m of [...r.moves, ...r.statements]) {
      out.push(
        `| \`${m.file}:${m.line}\` | ${m.stage} | \`${mdEscape(currentText(m))}\` | ${m.kind} | ${m.to ? `\`${m.to}\`` : ''} | ${mdEscape(m.reason)} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** The JSON document described by schemas/recommend-result.schema.json. */
export function renderRecommendJson(r: RecommendResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
