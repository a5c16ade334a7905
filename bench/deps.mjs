// Dependency engine benchmarks: `pybase deps` and `pybase recommend` on the largest corpus lockfile
// against every candidate image (offline), cold and warm, against `node -e 0`; the engine's own CPU
// time in-process; and a cold look-up of 300 projects from a loopback index that adds 20 ms to every
// answer, against the ideal 300 x 20 ms / concurrency.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compare, median, peakMemory, timeOnce } from './lib.mjs';

const benchDate = '2026-08-13';

/**
 * The corpus lockfile with the most packages (`[[package]]` tables, or `==` pins), or undefined when
 * the corpus is not beside the checkout.
 */
export function largestCorpusLock(root) {
  const corpus = resolve(root, '../shared/corpus/lockfiles');
  if (!existsSync(corpus)) return undefined;
  let best;
  for (const d of readdirSync(corpus, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(corpus, d.name))) {
      const file = join(corpus, d.name, f);
      const text = readFileSync(file, 'utf8');
      const tables = text.match(/^\[\[package\]\]/gm)?.length ?? 0;
      const size = tables > 0 ? tables : (text.match(/^[A-Za-z0-9_.-]+==/gm)?.length ?? 0);
      if (!best || size > best.size) best = { file, size };
    }
  }
  return best?.file;
}

/**
 * `pybase deps` and `pybase recommend` offline on the largest corpus lock, each against `node -e 0`
 * in the same interleaved run: cold (`--no-cache`: the dependency analysis is computed) and warm (the
 * analysis stored by a previous run is read from the cache), with the text a user sees and with
 * `--json`. The cache lives in a temporary directory (`--cache-dir`), never the user's.
 */
export async function benchDepsOffline(root) {
  const file = largestCorpusLock(root);
  if (!file) return undefined;
  const cli = resolve(root, 'dist/cli.js');
  const node = process.execPath;
  const cacheDir = mkdtempSync(join(tmpdir(), 'pybase-bench-cache-'));
  const runs = [];
  try {
    for (const command of ['deps', 'recommend']) {
      for (const output of ['text', 'json']) {
        const args = [cli, command, dirname(file), '--deps', file, '--offline', '--date', benchDate];
        if (output === 'json') args.push('--json');
        const coldArgs = [...args, '--no-cache'];
        const warmArgs = [...args, '--cache-dir', cacheDir];
        // Fill the cache, and check that what it serves is what a cold run prints.
        const cold = timeOnce(node, coldArgs).stdout;
        timeOnce(node, warmArgs);
        if (timeOnce(node, warmArgs).stdout !== cold) {
          throw new Error(`${command} ${output}: the cached run printed something else`);
        }
        for (const [mode, a] of [
          ['cold', coldArgs],
          ['warm', warmArgs],
        ]) {
          runs.push({
            command,
            output,
            mode,
            ...compare([node, a], [node, ['-e', '0']], 15, 1),
            peakMiB: peakMemory(node, a),
          });
        }
      }
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const cacheEntryBytes = (() => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-bench-cache-'));
    try {
      timeOnce(node, [
        cli,
        'deps',
        dirname(file),
        '--deps',
        file,
        '--offline',
        '--date',
        benchDate,
        '--cache-dir',
        dir,
      ]);
      return readdirSync(join(dir, 'deps')).reduce((n, f) => n + statSync(join(dir, 'deps', f)).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  // What a first run cannot avoid for a TOML lock: reading and parsing it (nothing else).
  const floor = /\.(lock|toml)$/.test(file)
    ? compare([node, [resolve(root, 'bench/floor-lock.mjs'), file]], [node, ['-e', '0']], 15, 1)
    : undefined;
  // What a command cannot avoid: loading it (`--help` stops after the command's modules load).
  const load = compare([node, [cli, 'deps', '--help']], [node, ['-e', '0']], 9, 1);
  const recommendLoad = compare([node, [cli, 'recommend', '--help']], [node, ['-e', '0']], 9, 1);
  const jsonBytes = timeOnce(node, [
    cli,
    'deps',
    dirname(file),
    '--deps',
    file,
    '--offline',
    '--json',
    '--no-cache',
    '--date',
    benchDate,
  ]).stdout.length;
  // The engine alone, in this process: read the lock, then judge it on every candidate x 2 archs.
  const lib = await import(pathToFileURL(resolve(root, 'dist/index.js')).href);
  const catalog = lib.createCatalog();
  const images = lib.candidateImages(catalog, benchDate);
  const readMs = [];
  const engineCpuMs = [];
  const stringifyMs = [];
  let report;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const deps = lib.readDependencies(file);
    readMs.push(performance.now() - t0);
    const c0 = process.cpuUsage();
    report = await lib.analyzeDependencies({ deps, images, date: benchDate, offline: true });
    const c = process.cpuUsage(c0);
    engineCpuMs.push((c.user + c.system) / 1000);
    const t1 = performance.now();
    JSON.stringify(report, null, 2);
    stringifyMs.push(performance.now() - t1);
  }
  return {
    file,
    packages: report.packages.length,
    pairs: report.images.length,
    runs,
    cacheEntryBytes,
    load,
    recommendLoad,
    floor,
    jsonBytes,
    target: 2,
    readMs: median(readMs),
    readFirstMs: readMs[0],
    stringifyMs: median(stringifyMs),
    engineCpuFirstMs: engineCpuMs[0],
    engineCpuMs: median(engineCpuMs),
  };
}

/** A minimal PEP 691 index on 127.0.0.1: `count` projects, one pure wheel each, `latencyMs` per answer. */
function startSlowIndex(count, latencyMs) {
  const server = createServer((req, res) => {
    const m = /^\/simple\/(pkg-(\d+))\/$/.exec(req.url ?? '');
    setTimeout(() => {
      if (!m || Number(m[2]) >= count) {
        res.writeHead(404).end();
        return;
      }
      const name = m[1];
      const body = JSON.stringify({
        meta: { 'api-version': '1.1' },
        name,
        files: [
          {
            filename: `${name.replace(/-/g, '_')}-1.0.0-py3-none-any.whl`,
            url: `/files/${name}-1.0.0-py3-none-any.whl`,
            hashes: { sha256: '0'.repeat(64) },
            'requires-python': '>=3.8',
          },
        ],
      });
      res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(body);
    }, latencyMs);
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () =>
      ok({ server, url: `http://127.0.0.1:${server.address().port}/simple/` }),
    );
  });
}

export async function benchColdLookups(root, count = 300, latencyMs = 20, concurrency = 16) {
  const lib = await import(pathToFileURL(resolve(root, 'dist/index.js')).href);
  const { server, url } = await startSlowIndex(count, latencyMs);
  const names = Array.from({ length: count }, (_, i) => `pkg-${i}`);
  const times = [];
  try {
    for (let run = 0; run < 3; run++) {
      const fetcher = lib.createDefaultFetcher();
      // No cache: every run is cold.
      const client = lib.createIndexClient({ indexUrl: url, fetcher, concurrency });
      const t0 = performance.now();
      const results = await client.lookupMany(names);
      times.push(performance.now() - t0);
      await fetcher.close();
      if (results.some((r) => r.status !== 'found')) throw new Error('a look-up failed');
    }
  } finally {
    await new Promise((ok) => server.close(ok));
  }
  const idealMs = (count * latencyMs) / concurrency;
  const ms = median(times);
  // The look-ups run in this process (beside the index server): its peak resident size bounds theirs.
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  return { count, latencyMs, concurrency, ms, idealMs, ratio: ms / idealMs, target: 1.5, peakMiB };
}
