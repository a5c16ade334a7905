// `npm run bench`: builds nothing itself (run `npm run build` first, as the script does), runs every
// benchmark and writes bench/RESULTS.md. Each figure is a median of several interleaved runs and a ratio
// against a baseline measured in the same run.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib.mjs';
import { benchStartup } from './startup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const m = machine();
const lines = [
  '# pybase benchmarks',
  '',
  `Written by \`npm run bench\` on ${m.date}: ${m.cpu}, ${m.memory}, Node ${m.node}.`,
  'Every time is the median of interleaved runs; every ratio compares against a baseline run in the same process.',
  '',
];

const fmt = (n, d = 1) => (n === undefined ? 'n/a' : n.toFixed(d));

const startup = benchStartup(root);
lines.push(
  '## Start-up',
  '',
  '| command | median ms | `node -e 0` ms | ratio | target | peak MiB (node -e 0) | met |',
  '|---|---|---|---|---|---|---|',
);
for (const r of startup) {
  lines.push(
    `| \`${r.label}\` | ${fmt(r.subjectMs)} | ${fmt(r.baselineMs)} | ${fmt(r.ratio, 2)}x | < ${r.target}x | ${fmt(r.peakMiB)} (${fmt(r.baselinePeakMiB)}) | ${r.ratio < r.target ? 'yes' : 'NO'} |`,
  );
}
lines.push('');

writeFileSync(resolve(root, 'bench/RESULTS.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));

// Dependency engine: `pybase deps` offline on the largest corpus lock, and cold index look-ups.
const { benchDepsOffline, benchColdLookups } = await import('./deps.mjs');
// The look-ups run first: after the engine benchmark this process holds its garbage, which a
// command doing a cold look-up (a fresh process) would not.
const lookups = await benchColdLookups(root);
const depsRun = await benchDepsOffline(root);
const depLines = ['## Dependencies', ''];
if (depsRun) {
  depLines.push(
    `\`pybase deps --offline\` on ${depsRun.file.split('/').slice(-2).join('/')} (${depsRun.packages} packages, ${depsRun.pairs} image x arch pairs):`,
    '',
    '| measure | value |',
    '|---|---|',
    `| \`pybase deps\` CLI median ms (\`node -e 0\` ms) | ${fmt(depsRun.subjectMs)} (${fmt(depsRun.baselineMs)}) |`,
    `| ratio (target < ${depsRun.target}x) | ${fmt(depsRun.ratio, 2)}x ${depsRun.ratio < depsRun.target ? 'met' : 'NOT met'} |`,
    `| \`pybase recommend\` CLI median ms (\`node -e 0\` ms) | ${fmt(depsRun.recommend.subjectMs)} (${fmt(depsRun.recommend.baselineMs)}) |`,
    `| ratio (target < ${depsRun.target}x) | ${fmt(depsRun.recommend.ratio, 2)}x ${depsRun.recommend.ratio < depsRun.target ? 'met' : 'NOT met'} |`,
    `| loading the deps command (\`deps --help\`), median ms (\`node -e 0\` ms) | ${fmt(depsRun.load.subjectMs)} (${fmt(depsRun.load.baselineMs)}) |`,
    `| reading the lock, ms, first / median of 5 | ${fmt(depsRun.readFirstMs)} / ${fmt(depsRun.readMs)} |`,
    `| engine CPU ms, first run / median of 5 | ${fmt(depsRun.engineCpuFirstMs)} / ${fmt(depsRun.engineCpuMs)} |`,
    `| JSON report: MB printed, JSON.stringify median ms | ${fmt(depsRun.jsonBytes / 1e6, 1)} / ${fmt(depsRun.stringifyMs)} |`,
    '',
  );
} else {
  depLines.push('The lockfile corpus is not beside the checkout: skipped.', '');
}
depLines.push(
  `Cold look-up of ${lookups.count} projects, ${lookups.latencyMs} ms added per answer, concurrency ${lookups.concurrency}: ` +
    `${fmt(lookups.ms)} ms against the ideal ${fmt(lookups.idealMs)} ms, ratio ${fmt(lookups.ratio, 2)}x ` +
    `(target < ${lookups.target}x: ${lookups.ratio < lookups.target ? 'met' : 'NOT met'}).`,
  '',
);
const depsText = depLines.join('\n');
// Kept in `lines`, so the sections written after this one do not drop it.
lines.push(...depLines);
writeFileSync(resolve(root, 'bench/RESULTS.md'), `${lines.join('\n')}\n`);
console.log(depsText);

// `check` over a generated monorepo against dockerfilelint and dockerfile-utils (bench/check.mjs).
{
  const { benchCheck } = await import('./check.mjs');
  const r = benchCheck(root);
  const section = [
    '## `check` on a monorepo',
    '',
    `${r.files} Dockerfiles and 500 workflows (bench/gen-monorepo.mjs). Speed-up = dockerfilelint time / tool time; target: pybase >= 5x, peak < 200 MiB.`,
    '',
    '| tool | median ms | speed-up vs dockerfilelint | peak MiB |',
    '|---|---|---|---|',
    ...r.rows.map(
      (row) => `| ${row.label} | ${fmt(row.ms)} | ${fmt(row.speedup, 2)}x | ${fmt(row.peakMiB)} |`,
    ),
    r.pybaseMissing ? '\n`pybase check` is not in dist/cli.js yet: only the baselines ran.' : '',
    '',
  ];
  lines.push(...section);
  writeFileSync(resolve(root, 'bench/RESULTS.md'), `${lines.join('\n')}\n`);
  console.log(section.join('\n'));
}
