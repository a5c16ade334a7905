/**
 * `renderHtmlReport`: one self-contained HTML page (inline CSS, JS and SVG; no fonts, no network)
 * from {@link ReportData}. Everything essential is plain HTML, so the page reads without
 * JavaScript; the script only adds copy buttons, sorting and filtering of the heatmap.
 * Every text that comes from the project or the data goes through `esc`.
 */

import type { Verdict } from '../model/compat.js';
import { daysBetween } from '../model/date.js';
import { dependencySourceLabel } from '../model/dependencies.js';
import { archSpelling } from '../model/platform.js';
import type { ReportData, ReportRecommendation, Timeline } from './report-data.js';

/** HTML-escape text for element content and double-quoted attributes. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Symbol, word and sort weight of each verdict: colour is never the only signal. */
export const verdictLegend: Record<Verdict, { symbol: string; word: string; weight: number }> = {
  wheel: { symbol: '●', word: 'wheel', weight: 1 },
  pure: { symbol: '○', word: 'pure', weight: 0 },
  'sdist-build': { symbol: '▲', word: 'build', weight: 3 },
  unavailable: { symbol: '✕', word: 'unavailable', weight: 4 },
  unknown: { symbol: '?', word: 'unknown', weight: 2 },
};

const stageNames: Record<string, string> = {
  dev: 'Development',
  ci: 'CI / test',
  prod: 'Production',
  'prod-ai': 'Production (ML inference)',
};

const css = `
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--accent:#0b57d0;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.2rem;margin:1.6em 0 .5em;border-bottom:1px solid var(--line)}
.muted{color:var(--muted)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.rec{border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:10px 0}
.ref{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.ref code{background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:3px 6px;overflow-wrap:anywhere;word-break:break-all}
button{font:inherit;cursor:pointer}
.copy{border:1px solid var(--line);background:#f6f8fa;border-radius:4px;padding:2px 10px}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.needs-js{display:none}html.js .needs-js{display:inline-block}html.js .controls.needs-js{display:flex}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ul.findings{list-style:none;padding:0}
ul.findings li{border-left:4px solid var(--line);padding:4px 10px;margin:8px 0;overflow-wrap:anywhere}
li.error{border-color:var(--bad)}li.warning{border-color:var(--warn)}li.info{border-color:var(--accent)}
.sev{font-weight:600;text-transform:uppercase;font-size:.8em}
.scroll{position:relative;overflow-x:auto;max-width:100%;border:1px solid var(--line);border-radius:6px}
table.heat{border-collapse:collapse;font-size:.85em}
table.heat th,table.heat td{border:1px solid var(--line);padding:2px 4px;text-align:center;white-space:nowrap}
table.heat th[scope=row]{text-align:left;position:sticky;left:0;background:#fff}
table.heat thead th{vertical-align:bottom}
th .sort{border:0;background:none;padding:2px;font:inherit;font-weight:600;color:inherit}
th.rec-col{background:#ddf4ff}
th .col{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block}
td.v-wheel{background:#dafbe1}td.v-pure{background:#f0fff4}td.v-sdist-build{background:#fff8c5}
td.v-unavailable{background:#ffebe9}td.v-unknown{background:#eaeef2}
.controls{display:flex;flex-wrap:wrap;gap:8px 16px;margin:8px 0}
.controls label{display:flex;gap:6px;align-items:center}
.controls input{font:inherit;padding:2px 6px;max-width:100%}
.legend span{margin-right:12px;white-space:nowrap}
svg.timeline{width:100%;height:auto;display:block}
ol.flow{list-style:none;padding:0;margin:0}
ol.flow li{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:6px 0}
ol.flow li.taken{border:2px solid var(--ok);background:#f0fff4}
ol.flow li.skipped{opacity:.7;border-style:dashed}
.branches{display:grid;grid-template-columns:1fr 1fr;gap:8px}
@media (max-width:600px){.branches{grid-template-columns:1fr}main{padding:10px}}
.tag-taken{font-weight:600;color:var(--ok)}
`;

// The script is plain ES2017, written by hand: a few dozen lines do not warrant a bundle or framework.
const script = `
(function(){
document.documentElement.classList.add('js');
var status=document.getElementById('copy-status');
function say(t){if(status){status.textContent=t;}}
function fallbackCopy(el){var r=document.createRange();r.selectNodeContents(el);var s=window.getSelection();s.removeAllRanges();s.addRange(r);
var ok=false;try{ok=document.execCommand('copy');}catch(e){ok=false;}say(ok?'Copied '+el.textContent:'Selected '+el.textContent+': press Ctrl+C to copy');}
document.querySelectorAll('button.copy').forEach(function(b){b.addEventListener('click',function(){
var el=document.getElementById(b.getAttribute('data-copy'));if(!el)return;var text=el.textContent;
if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(text).then(function(){say('Copied '+text);},function(){fallbackCopy(el);});}
else{fallbackCopy(el);}});});
var table=document.getElementById('heatmap');if(!table)return;
var body=table.tBodies[0];
var heads=Array.prototype.slice.call(table.tHead.rows[0].cells);
heads.forEach(function(th,i){var b=th.querySelector('button.sort');if(!b)return;b.addEventListener('click',function(){
var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
heads.forEach(function(h){h.removeAttribute('aria-sort');});th.setAttribute('aria-sort',dir);
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b2){var x=a.cells[i].getAttribute('data-sort'),y=b2.cells[i].getAttribute('data-sort');
var nx=Number(x),ny=Number(y);var c=(isNaN(nx)||isNaN(ny))?x.localeCompare(y):nx-ny;
if(c===0)c=a.cells[0].getAttribute('data-sort').localeCompare(b2.cells[0].getAttribute('data-sort'));return dir==='ascending'?c:-c;});
rows.forEach(function(r){body.appendChild(r);});
say('Sorted by '+th.getAttribute('data-label')+', '+dir);});});
var pf=document.getElementById('filter-packages'),imf=document.getElementById('filter-images');
function apply(){var p=(pf.value||'').toLowerCase().trim(),q=(imf.value||'').toLowerCase().trim();var shown=0;
Array.prototype.forEach.call(body.rows,function(r){var v=r.cells[0].getAttribute('data-sort').toLowerCase().indexOf(p)!==-1;r.hidden=!v;if(v)shown++;});
var cols=0;heads.forEach(function(th,i){if(i===0)return;var v=th.getAttribute('data-label').toLowerCase().indexOf(q)!==-1;if(v)cols++;
th.hidden=!v;Array.prototype.forEach.call(body.rows,function(r){r.cells[i].hidden=!v;});});
var c=document.getElementById('filter-count');if(c)c.textContent=shown+' packages, '+cols+' images shown';}
pf.addEventListener('input',apply);imf.addEventListener('input',apply);
})();
`;

function recommendationHtml(r: ReportRecommendation, i: number): string {
  const id = `ref-${i}`;
  const name = stageNames[r.stage] ?? r.stage;
  const ref = r.reference
    ? `<div class="ref"><code id="${id}">${esc(r.reference)}</code><button type="button" class="copy needs-js" data-copy="${id}" aria-label="Copy the ${esc(name)} reference">Copy</button></div>`
    : '<p><strong>No image passes the constraints.</strong></p>';
  const pin = r.pinCommand ? `<p class="muted">Pin its digest: <code>${esc(r.pinCommand)}</code></p>` : '';
  const alts =
    r.alternatives.length > 0
      ? `<details><summary>Alternatives</summary><ul>${r.alternatives
          .map((a) => `<li><code>${esc(a.tag)}</code>: ${esc(a.trades.join('; ') || 'equivalent')}</li>`)
          .join('')}</ul></details>`
      : '';
  const rej =
    r.rejections.length > 0
      ? `<details><summary>Rejected (${r.rejectedImages} of ${r.candidateImages} images)</summary><ul>${r.rejections.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></details>`
      : '';
  return `<section class="rec" data-stage="${esc(r.stage)}"><h3>${esc(name)}</h3>${ref}<p>${esc(r.why)}</p>${pin}${alts}${rej}</section>`;
}

function findingsHtml(data: ReportData): string {
  if (data.findings.length === 0)
    return '<p id="no-findings">No findings: every reference passes the rules.</p>';
  const items = data.findings.map((f) => {
    const where = f.file ? `<code>${esc(f.file)}${f.line ? `:${f.line}` : ''}</code> ` : '';
    const code = f.docUrl ? `<a href="${esc(f.docUrl)}" rel="noreferrer">${esc(f.code)}</a>` : esc(f.code);
    const hint = f.hint ? `<br><span class="muted">Hint: ${esc(f.hint)}</span>` : '';
    return `<li class="${esc(f.severity)}"><span class="sev">${esc(f.severity)}</span> ${code} ${where}${esc(f.message)}${hint}</li>`;
  });
  return `<ul class="findings" id="findings">${items.join('')}</ul>`;
}

function heatmapHtml(data: ReportData): string {
  const h = data.heatmap;
  if (h.rows.length === 0)
    return '<p id="heatmap-empty">No locked dependencies were read, so there is nothing to judge.</p>';
  const legend = (Object.keys(verdictLegend) as Verdict[])
    .map(
      (v) =>
        `<span><span class="v-${v}" aria-hidden="true">${verdictLegend[v].symbol}</span> ${verdictLegend[v].word}</span>`,
    )
    .join(' ');
  const head = [
    '<th scope="col" data-label="package"><button type="button" class="sort">Package</button></th>',
    ...h.images.map(
      (img) =>
        `<th scope="col" data-label="${esc(img.tag)}"${img.recommended ? ' class="rec-col"' : ''} title="${esc(`${img.libc}${img.installable ? '' : ', not installable'}`)}"><button type="button" class="sort" aria-label="Sort by ${esc(img.tag)}"><span class="col">${esc(img.tag)}${img.recommended ? ' ★' : ''}</span></button></th>`,
    ),
  ].join('');
  const rows = h.rows.map((r) => {
    const label = `${r.name}${r.version ? ` ${r.version}` : ''}`;
    const cells = r.cells.map((c, i) => {
      const l = verdictLegend[c.verdict];
      return `<td class="v-${c.verdict}" data-sort="${l.weight}" title="${esc(c.detail)}"><span aria-hidden="true">${l.symbol}</span><span class="sr">${esc(`${l.word} on ${h.images[i]?.tag ?? ''}`)}</span></td>`;
    });
    return `<tr><th scope="row" data-sort="${esc(r.name)}">${esc(label)}</th>${cells.join('')}</tr>`;
  });
  const source = h.source
    ? `From <code>${esc(dependencySourceLabel(h.source.file, h.source.kind))}</code>, `
    : '';
  const excluded =
    h.excludedPythons.length > 0
      ? ` Images of Python ${esc(h.excludedPythons.join(', '))} are left out: the project's requires-python excludes ${h.excludedPythons.length === 1 ? 'it' : 'them'}.`
      : '';
  const unknown = h.lookupFailed
    ? ' Some verdicts are unknown: the dependency file names no files for them and the index look-up failed (see the notes below).'
    : h.incomplete
      ? ' Some verdicts are unknown: the dependency file names no files for them and they were not looked up (pybase was offline).'
      : '';
  return `<p class="muted">${source}worst verdict over ${esc(h.archs.map(archSpelling).join(', '))}. ★ marks a recommended image.${excluded}${unknown}</p>
<p class="legend">${legend}</p>
<div class="controls needs-js"><label>Filter packages <input id="filter-packages" type="search" autocomplete="off"></label>
<label>Filter images <input id="filter-images" type="search" autocomplete="off" placeholder="e.g. slim"></label>
<span id="filter-count" class="muted" aria-live="polite"></span></div>
<div class="scroll" tabindex="0" role="region" aria-label="Dependency by image table"><table class="heat" id="heatmap"><caption class="sr">Installation verdict of each dependency on each candidate image</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The life-cycle chart: one bar per Python minor and distro, a line at the date. */
export function timelineSvg(t: Timeline): string {
  const labelW = 170;
  const width = 900;
  const rowH = 22;
  const top = 28;
  const span = Math.max(1, daysBetween(t.from, t.to));
  const x = (d: string) => {
    const clamped = d < t.from ? t.from : d > t.to ? t.to : d;
    return labelW + ((width - labelW - 10) * daysBetween(t.from, clamped)) / span;
  };
  const height = top + t.bars.length * rowH + 10;
  const years: string[] = [];
  for (let y = Number(t.from.slice(0, 4)) + 1; y <= Number(t.to.slice(0, 4)); y++) {
    const d = `${y}-01-01`;
    years.push(
      `<line x1="${x(d).toFixed(1)}" y1="${top - 6}" x2="${x(d).toFixed(1)}" y2="${height - 6}" stroke="#d0d7de"/><text x="${x(d).toFixed(1)}" y="${top - 10}" font-size="11" text-anchor="middle" fill="#57606a">${y}</text>`,
    );
  }
  const bars = t.bars.map((b, i) => {
    const y = top + i * rowH;
    const x1 = x(b.start);
    const x2 = x(b.end ?? t.to);
    const fill = b.kind === 'python' ? '#3572a5' : b.kind === 'debian' ? '#a80030' : '#0d597f';
    const desc = `${b.label}: released ${b.start}, end of life ${b.end ?? 'not known'}${b.endOfLifeReached ? ' (reached)' : ''}${b.inUse ? '; in use in this repository' : ''}`;
    return `<g class="bar${b.inUse ? ' in-use' : ''}" data-name="${esc(b.name)}"><title>${esc(desc)}</title>
<text x="4" y="${y + 15}" font-size="12" fill="#1b1f24"${b.inUse ? ' font-weight="700"' : ''}>${esc(b.label)}${b.inUse ? ' ◆ in use' : ''}</text>
<rect x="${x1.toFixed(1)}" y="${y + 4}" width="${Math.max(2, x2 - x1).toFixed(1)}" height="${rowH - 8}" rx="3" fill="${fill}" fill-opacity="${b.endOfLifeReached ? 0.35 : 0.85}"${b.inUse ? ' stroke="#000" stroke-width="2"' : ''}/></g>`;
  });
  const now = x(t.date);
  return `<svg class="timeline" id="timeline" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">
<title id="timeline-title">Life cycles of Python minors and distros</title>
<desc id="timeline-desc">${esc(t.bars.map((b) => `${b.label} ${b.start} to ${b.end ?? 'unknown'}${b.inUse ? ' (in use)' : ''}`).join('; '))}. The vertical line is ${esc(t.date)}.</desc>
${years.join('')}${bars.join('')}
<line id="timeline-today" x1="${now.toFixed(1)}" y1="${top - 6}" x2="${now.toFixed(1)}" y2="${height - 4}" stroke="#cf222e" stroke-width="2"/>
<text x="${Math.min(now + 4, width - 70).toFixed(1)}" y="${height - 2}" font-size="11" fill="#cf222e">${esc(t.date)}</text></svg>`;
}

function decisionHtml(data: ReportData): string {
  const main = data.recommendations.find((r) => r.stage === 'prod') ?? data.recommendations[0];
  const answer = (step: string) => main?.trace.find((s) => s.step === step)?.answer;
  const cls = (taken: boolean) => (taken ? 'taken' : data.branch === 'unknown' ? '' : 'skipped');
  const mark = (taken: boolean) => (taken ? ' <span class="tag-taken">(path taken)</span>' : '');
  const glibc = data.branch === 'glibc';
  const alpine = data.branch === 'alpine';
  return `<ol class="flow" id="decision">
<li class="taken" data-step="c-extensions"><strong>Does the project contain C extensions?</strong><br>${esc(data.branchAnswer)}</li>
<li><div class="branches">
<div class="${cls(glibc)}" data-branch="glibc"${glibc ? ' aria-current="step"' : ''}><strong>Yes: prefer slim on glibc (Debian)</strong>${mark(glibc)}<br><span class="muted">binary wheels are built for manylinux (glibc); check the distro's security data</span></div>
<div class="${cls(alpine)}" data-branch="alpine"${alpine ? ' aria-current="step"' : ''}><strong>No: weigh alpine's size, then test on musl</strong>${mark(alpine)}<br><span class="muted">${esc(answer('alpine') ?? '')}</span></div>
</div></li>
<li class="${main?.tag ? 'taken' : ''}" data-step="patch"><strong>Lock the newest safe patch</strong><br>${esc(answer('python') ? `Python ${answer('python')}; ` : '')}${esc(answer('patch') ?? 'no candidate')}</li>
<li class="${main?.tag ? 'taken' : ''}" data-step="pin"><strong>Pin it</strong><br>${esc(answer('pin') ?? '')}${main?.reference ? `: <code>${esc(main.reference)}</code>` : ''}</li>
</ol>`;
}

/** The whole report page. Pure: same data, same bytes. */
export function renderHtmlReport(data: ReportData): string {
  const current =
    data.current.length > 0
      ? `<ul id="current">${data.current
          .map(
            (c) =>
              `<li><code>${esc(c.text)}</code> in <code>${esc(c.file)}:${c.line}</code> (${esc(c.stage)})${c.fullTag ? `: today <code>${esc(c.fullTag)}</code>` : ': no longer published'}</li>`,
          )
          .join('')}</ul>`
      : '<p id="current">No python image reference found.</p>';
  const notes =
    data.notes.length > 0
      ? `<ul class="muted">${data.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
      : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>pybase report: ${esc(data.project)}</title>
<style>${css}</style></head>
<body><main>
<header><h1>Python base image report: ${esc(data.project)}</h1>
<p class="muted">As of ${esc(data.date)}, data from ${esc(data.dataDate)}.</p></header>
<section aria-labelledby="h-rec"><h2 id="h-rec">Recommended image per stage</h2>
<div id="recommendations">${data.recommendations.map(recommendationHtml).join('')}</div>
<p id="copy-status" class="muted" role="status" aria-live="polite"></p></section>
<section aria-labelledby="h-find"><h2 id="h-find">Findings (${data.findings.length})</h2>${findingsHtml(data)}</section>
<section aria-labelledby="h-cur"><h2 id="h-cur">Images in use</h2>${current}</section>
<section aria-labelledby="h-heat"><h2 id="h-heat">Dependencies on candidate images</h2>${heatmapHtml(data)}${notes}</section>
<section aria-labelledby="h-time"><h2 id="h-time">Life cycles</h2>${timelineSvg(data.timeline)}</section>
<section aria-labelledby="h-path"><h2 id="h-path">Decision path</h2>${decisionHtml(data)}</section>
</main>
<script>${script}</script>
</body></html>
`;
}
