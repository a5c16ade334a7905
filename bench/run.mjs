// `npm run bench`: builds nothing itself (run `npm run build` first, as the script does), runs every
// benchmark and writes bench/RESULTS.md. Each figure is a median of several interleaved runs and a ratio
// against a baseline measured in the same run.
//
// `node bench/run.mjs --only deps` runs only the dependency benchmarks and replaces their section of
// an existing bench/RESULTS.md, leaving the other sections as they were last measured.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
const onlyFlag = process.argv.indexOf('--only');
const only = onlyFlag > 0 ? process.argv[onlyFlag + 1] : undefined;
const resultsFile = resolve(root, 'bench/RESULTS.md');

if (!only) {
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

  writeFileSync(resultsFile, `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

// Dependency engine: `pybase deps` offline on the largest corpus lock, and cold index look-ups.
const { benchDepsOffline, benchColdLookups } = await import('./deps.mjs');
// The look-ups run first: after the engine benchmark this process holds its garbage, which a
// command doing a cold look-up (a fresh process) would not.
const lookups = await benchColdLookups(root);
const depsRun = await benchDepsOffline(root);
const depLines = ['## Dependencies', ''];
if (depsRun) {
  const met = (ratio) => (ratio < depsRun.target ? 'yes' : 'NO');
  depLines.push(
    `\`pybase deps\` and \`pybase recommend\` with \`--offline\` on ${depsRun.file.split('/').slice(-2).join('/')} (${depsRun.packages} packages, ${depsRun.pairs} image x arch pairs), target < ${depsRun.target}x \`node -e 0\` measured in the same interleaved run.`,
    '**cold** = `--no-cache`: the lock is read and every package judged on every image, as on a first run or after the lock changed;',
    '**warm** = a previous run with the same inputs stored its result: `deps` reads the analysis from the result cache, `recommend` its decisions.',
    '**text** = the report a user reads; **json** = `--json` (the whole report).',
    '',
    '| command | output | cache | median ms | `node -e 0` ms | ratio | met | peak MiB |',
    '|---|---|---|---|---|---|---|---|',
    ...depsRun.runs.map(
      (r) =>
        `| \`pybase ${r.command}\` | ${r.output} | ${r.mode} | ${fmt(r.subjectMs)} | ${fmt(r.baselineMs)} | ${fmt(r.ratio, 2)}x | ${met(r.ratio)} | ${fmt(r.peakMiB)} |`,
    ),
    '',
    '| measure | value |',
    '|---|---|',
    `| loading the deps command (\`deps --help\`), median ms (\`node -e 0\` ms) | ${fmt(depsRun.load.subjectMs)} (${fmt(depsRun.load.baselineMs)}), ${fmt(depsRun.load.ratio, 2)}x |`,
    `| loading the recommend command (\`recommend --help\`), median ms (\`node -e 0\` ms) | ${fmt(depsRun.recommendLoad.subjectMs)} (${fmt(depsRun.recommendLoad.baselineMs)}), ${fmt(depsRun.recommendLoad.ratio, 2)}x |`,
    ...(depsRun.floor
      ? [
          `| floor of a cold run: start Node, read the lock and parse it with smol-toml, nothing else (bench/floor-lock.mjs), median ms (\`node -e 0\` ms) | ${fmt(depsRun.floor.subjectMs)} (${fmt(depsRun.floor.baselineMs)}), ${fmt(depsRun.floor.ratio, 2)}x |`,
        ]
      : []),
    `| result cache entry for this lock, MB | ${fmt(depsRun.cacheEntryBytes / 1e6, 2)} |`,
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
    `(target < ${lookups.target}x: ${lookups.ratio < lookups.target ? 'met' : 'NOT met'}); ` +
    `peak resident size of the process doing them, index server included, ${fmt(lookups.peakMiB)} MiB.`,
  '',
);
depLines.splice(
  2,
  0,
  `Measured on ${m.date}: ${m.cpu}, ${m.memory}, Node ${m.node}, load average ${loadavg()[0].toFixed(2)}.`,
  '',
);
const depsText = depLines.join('\n');
if (only === 'deps' && existsSync(resultsFile)) {
  // Replace the section in place: from its heading to the next one.
  const old = readFileSync(resultsFile, 'utf8');
  const start = old.indexOf('## Dependencies');
  const end = start < 0 ? -1 : old.indexOf('\n## ', start + 1);
  const next =
    start < 0
      ? `${old}\n${depsText}\n`
      : `${old.slice(0, start)}${depsText}${end < 0 ? '\n' : old.slice(end)}`;
  writeFileSync(resultsFile, next);
  console.log(depsText);
  process.exit(0);
}
// Kept in `lines`, so the sections written after this one do not drop it.
lines.push(...depLines);
writeFileSync(resultsFile, `${lines.join('\n')}\n`);
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
  const row = (prefix) => r.rows.find((x) => x.label.startsWith(prefix));
  const lint = row('dockerfilelint');
  const walk = row('floor: walk');
  const named = row('floor: read the Dockerfiles');
  const bare = row('floor: `node');
  if (lint && walk && named && bare) {
    section.push(
      `Five times dockerfilelint's speed means ${fmt(lint.ms / 5)} ms. In this run, walking the tree and reading its files with nothing else took ${fmt(walk.ms)} ms, reading only the Dockerfiles by name ${fmt(named.ms)} ms, and starting Node ${fmt(bare.ms)} ms: ` +
        `the floors show what part of the target any Node program that reads these files can reach.`,
      '',
    );
  }
  lines.push(...section);
  writeFileSync(resultsFile, `${lines.join('\n')}\n`);
  console.log(section.join('\n'));
}
