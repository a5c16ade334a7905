// The `check` benchmark: pybase's `check` over a generated monorepo (5,000 Dockerfiles, 500 workflows)
// against two Dockerfile linters over the same 5,000 Dockerfiles: dockerfilelint (its CLI, given every
// file) and dockerfile-utils (a library: a small driver lints every file), plus the floor: a driver that
// only reads the same files and parses them with the parsers pybase uses. Runs are interleaved; each
// time is a median. Peak memory from GNU time when present.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateMonorepo } from './gen-monorepo.mjs';
import { median, peakMemory, timeOnce } from './lib.mjs';

function listDockerfiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) listDockerfiles(full, out);
    else if (/^(Dockerfile.*|.*\.Dockerfile|Containerfile)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Whether the built CLI has the `check` command yet. */
function hasCheck(node, cli) {
  const r = spawnSync(node, [cli, 'check', '--help'], { encoding: 'utf8' });
  return r.status === 0;
}

export function benchCheck(root, { runs = 5 } = {}) {
  const bench = resolve(root, 'bench');
  if (!existsSync(resolve(bench, 'node_modules', 'dockerfilelint'))) {
    execFileSync('npm', ['ci', '--prefix', bench, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
  const { root: mono } = generateMonorepo({ out: resolve(bench, 'out', 'mono') });
  const files = listDockerfiles(resolve(mono, 'services'));
  const node = process.execPath;
  const cli = resolve(root, 'dist', 'cli.js');
  const driver = resolve(bench, 'out', 'dockerfile-utils-driver.cjs');
  writeFileSync(
    driver,
    `// Lints every file named in the list file with dockerfile-utils' validator.
const { readFileSync } = require('node:fs');
const { validate } = require(${JSON.stringify(resolve(bench, 'node_modules', 'dockerfile-utils'))});
let problems = 0;
for (const file of readFileSync(process.argv[2], 'utf8').split('\\n').filter(Boolean)) {
  problems += validate(readFileSync(file, 'utf8')).length;
}
console.log(JSON.stringify({ problems }));
`,
  );
  const listFile = resolve(bench, 'out', 'dockerfiles.txt');
  writeFileSync(listFile, `${files.join('\n')}\n`);
  // The floor under any tool built on pybase's parsers: one Node process that reads every file
  // pybase reads here and parses it with the same libraries and options, judging nothing.
  const floorDriver = resolve(bench, 'out', 'read-parse-floor.cjs');
  const workflowDir = resolve(mono, '.github', 'workflows');
  const workflows = readdirSync(workflowDir).map((name) => join(workflowDir, name));
  const floorList = resolve(bench, 'out', 'floor-files.txt');
  writeFileSync(floorList, `${[...files, ...workflows, resolve(mono, '.python-version')].join('\n')}\n`);
  writeFileSync(
    floorDriver,
    `// Reads every file in the list file; parses Dockerfiles with dockerfile-ast and workflows with yaml.
const { readFileSync } = require('node:fs');
const { DockerfileParser } = require(${JSON.stringify(resolve(root, 'node_modules', 'dockerfile-ast'))});
const { parseDocument } = require(${JSON.stringify(resolve(root, 'node_modules', 'yaml'))});
let nodes = 0;
for (const file of readFileSync(process.argv[2], 'utf8').split('\\n').filter(Boolean)) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.yml')) nodes += parseDocument(text, { merge: true, uniqueKeys: false, prettyErrors: false }).errors.length + 1;
  else if (!file.endsWith('.python-version')) nodes += DockerfileParser.parse(text).getInstructions().length;
}
console.log(JSON.stringify({ nodes }));
`,
  );

  // Lower floors: what any Node program pays before judging anything. Reading the Dockerfiles named
  // one by one (as dockerfilelint is given them), walking the tree and reading every file (as a tool
  // handed the repository must), and starting Node at all.
  const readDriver = resolve(bench, 'out', 'read-only-floor.cjs');
  writeFileSync(
    readDriver,
    `// Reads every file in the list file, or every file under a directory when given --walk DIR.
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
let bytes = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full);
    else bytes += readFileSync(full, 'utf8').length;
  }
};
if (process.argv[2] === '--walk') walk(process.argv[3]);
else for (const file of readFileSync(process.argv[2], 'utf8').split('\\n').filter(Boolean)) bytes += readFileSync(file, 'utf8').length;
console.log(JSON.stringify({ bytes }));
`,
  );

  const subjects = [];
  if (hasCheck(node, cli)) {
    subjects.push({
      label: 'pybase check',
      cmd: [node, [cli, 'check', mono, '--format', 'json', '--fail-on', 'never', '--offline']],
    });
  }
  subjects.push(
    {
      label: 'dockerfilelint',
      cmd: [node, [resolve(bench, 'node_modules/dockerfilelint/bin/dockerfilelint'), '-j', ...files]],
    },
    { label: 'dockerfile-utils', cmd: [node, [driver, listFile]] },
    {
      label: 'floor: read + parse every instruction (dockerfile-ast, yaml)',
      cmd: [node, [floorDriver, floorList]],
    },
    { label: 'floor: walk the tree and read every file', cmd: [node, [readDriver, '--walk', mono]] },
    { label: 'floor: read the Dockerfiles, given by name', cmd: [node, [readDriver, listFile]] },
    { label: 'floor: `node -e 0`', cmd: [node, ['-e', '0']] },
  );
  const times = new Map(subjects.map((s) => [s.label, []]));
  for (let i = 0; i < runs + 1; i++) {
    for (const s of subjects) {
      const r = timeOnce(s.cmd[0], s.cmd[1], { cwd: root, allowFailure: true });
      if (s.label === 'pybase check' && r.status !== 0 && r.status !== 1) {
        throw new Error(`pybase check exited ${r.status}: ${r.stderr.slice(0, 500)}`);
      }
      if (i > 0) times.get(s.label).push(r.ms); // the first round warms the file cache
    }
  }
  const baseline = median(times.get('dockerfilelint'));
  return {
    files: files.length,
    pybaseMissing: !hasCheck(node, cli),
    rows: subjects.map((s) => {
      const ms = median(times.get(s.label));
      return {
        label: s.label,
        ms,
        speedup: baseline / ms,
        peakMiB: peakMemory(s.cmd[0], s.cmd[1], { cwd: root }),
      };
    }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(import.meta.dirname, '..');
  console.log(JSON.stringify(benchCheck(root, { runs: Number(process.env.BENCH_RUNS ?? 5) }), null, 2));
}
