// Generates the monorepo the `check` benchmark reads: 5,000 Dockerfiles and 500 GitHub workflows in
// bench/out/mono (git-ignored). Deterministic: the same seed writes byte-identical files.
//   node bench/gen-monorepo.mjs [--seed N] [--dockerfiles N] [--workflows N] [--out DIR]
// Variety modelled on real repositories: multi-stage builds, ARG-templated FROMs, digests, python
// and non-python bases, COPY --from, comments, long RUN lines with continuations, setup-python
// matrices and job containers.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** mulberry32: a tiny seeded generator, so the corpus does not depend on Math.random. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const minors = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];
const patches = { 3.8: 20, 3.9: 23, '3.10': 18, 3.11: 13, 3.12: 11, 3.13: 5, 3.14: 0 };
const variants = [
  '',
  '-slim',
  '-slim',
  '-slim-bookworm',
  '-bookworm',
  '-alpine',
  '-alpine3.20',
  '-bullseye',
  '-slim-bullseye',
];
const others = [
  'node:20-alpine',
  'node:22-bookworm-slim',
  'golang:1.22',
  'ubuntu:22.04',
  'debian:bookworm-slim',
  'nginx:1.27-alpine',
  'alpine:3.20',
  'ghcr.io/astral-sh/uv:0.5',
  'gcr.io/distroless/python3-debian12',
  'registry.example.com/platform/base:2024.10',
  'nvidia/cuda:12.4.1-runtime-ubuntu22.04',
  'postgres:16',
];
const packages = [
  'requests',
  'fastapi',
  'uvicorn',
  'numpy',
  'pandas',
  'django',
  'gunicorn',
  'celery',
  'psycopg[binary]',
  'pydantic',
];

function generator(seed) {
  const rnd = prng(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const chance = (p) => rnd() < p;
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');

  function pythonImage() {
    const minor = pick(minors);
    const version = chance(0.35) ? `${minor}.${Math.floor(rnd() * (patches[minor] + 1))}` : minor;
    const registry = chance(0.1) ? pick(['docker.io/library/', 'docker.io/', 'mirror.gcr.io/library/']) : '';
    const tag = chance(0.03) ? pick(['latest', '3', 'slim', 'alpine']) : `${version}${pick(variants)}`;
    const digest = chance(0.12) ? `@sha256:${hex(64)}` : '';
    return `${registry}python:${tag}${digest}`;
  }

  function runLine() {
    const deps = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(packages)).join(' ');
    return pick([
      `RUN pip install --no-cache-dir ${deps}`,
      'RUN pip install --no-cache-dir -r requirements.txt',
      'RUN apt-get update \\\n    && apt-get install -y --no-install-recommends build-essential libpq-dev \\\n    && rm -rf /var/lib/apt/lists/*',
      'RUN apk add --no-cache gcc musl-dev libffi-dev',
      'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
      `RUN python -m venv /opt/venv && /opt/venv/bin/pip install ${deps}`,
      'RUN useradd --create-home app',
    ]);
  }

  function body(lines) {
    if (chance(0.5)) lines.push('WORKDIR /app');
    if (chance(0.4)) lines.push('ENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1');
    lines.push('COPY requirements.txt .');
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) lines.push(runLine());
    if (chance(0.3)) lines.push('# keep the image small: no build tools in the final stage');
    lines.push('COPY . .');
  }

  function dockerfile() {
    const lines = [];
    if (chance(0.2)) lines.push('# syntax=docker/dockerfile:1');
    if (chance(0.3)) lines.push(`# Service image, generated for the benchmark (${hex(6)})`);
    const kind = rnd();
    if (kind < 0.15) {
      // Not a python service at all.
      lines.push(`FROM ${pick(others)}`);
      lines.push('WORKDIR /srv', 'COPY . .', 'RUN make build');
      lines.push('CMD ["./start"]');
    } else if (kind < 0.45) {
      // ARG-templated FROM, sometimes with a default, sometimes with a variant argument.
      const minor = pick(minors);
      lines.push(`ARG PYTHON_VERSION=${minor}`);
      if (chance(0.5)) lines.push(`ARG VARIANT=${pick(['slim', 'slim-bookworm', 'alpine'])}`);
      const variantRef = lines.some((l) => l.startsWith('ARG VARIANT')) ? '-${VARIANT}' : pick(variants);
      const platform = chance(0.15) ? '--platform=$BUILDPLATFORM ' : '';
      lines.push(`FROM ${platform}python:\${PYTHON_VERSION}${variantRef}`);
      body(lines);
      lines.push(`CMD ["python", "-m", "app"]`);
    } else if (kind < 0.8) {
      // Multi-stage: a builder and a runtime stage, often another base in between.
      lines.push(`FROM ${pythonImage()} AS builder`);
      body(lines);
      lines.push('RUN pip wheel --wheel-dir /wheels -r requirements.txt');
      if (chance(0.3)) {
        lines.push(`FROM ${pick(others)} AS assets`, 'RUN echo building assets');
      }
      if (chance(0.2)) lines.push('FROM builder AS test', 'RUN pytest -q');
      lines.push(`FROM ${pythonImage()}${chance(0.5) ? ' AS runtime' : ''}`);
      lines.push('COPY --from=builder /wheels /wheels');
      if (chance(0.2)) lines.push(`COPY --from=${pick(others)} /usr/local/bin /usr/local/bin`);
      lines.push('RUN pip install --no-cache-dir /wheels/*');
      lines.push('USER 1000', 'CMD ["gunicorn", "app:app"]');
    } else {
      lines.push(`FROM ${pythonImage()}`);
      body(lines);
      if (chance(0.2)) lines.push('EXPOSE 8000');
      lines.push('CMD ["python", "main.py"]');
    }
    return `${lines.join('\n')}\n`;
  }

  function workflow(i) {
    const matrix = Array.from(
      new Set(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(minors))),
    ).sort();
    const useMatrix = chance(0.6);
    const container = chance(0.25) ? `    container: ${pythonImage()}\n` : '';
    const services = chance(0.15) ? '    services:\n      db:\n        image: postgres:16\n' : '';
    const strategy = useMatrix
      ? `    strategy:\n      fail-fast: false\n      matrix:\n        python-version: [${matrix.map((m) => `"${m}"`).join(', ')}]\n`
      : '';
    const version = useMatrix ? '${{ matrix.python-version }}' : chance(0.2) ? null : `"${pick(minors)}"`;
    const withBlock =
      version === null
        ? '          python-version-file: ".python-version"\n'
        : `          python-version: ${version}\n`;
    return `name: ci-${i}
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
${container}${services}${strategy}    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
${withBlock}      - run: pip install -r requirements.txt
      - run: pytest -q
`;
  }

  return { dockerfile, workflow, pick, chance };
}

/** Writes the monorepo; returns the Dockerfile paths (absolute), in a stable order. */
export function generateMonorepo({ seed = 20260101, dockerfiles = 5000, workflows = 500, out } = {}) {
  const root = out ?? resolve(here, 'out', 'mono');
  rmSync(root, { recursive: true, force: true });
  const g = generator(seed);
  const files = [];
  for (let i = 0; i < dockerfiles; i++) {
    const group = `team-${String(Math.floor(i / 250)).padStart(2, '0')}`;
    const service = `svc-${String(i).padStart(4, '0')}`;
    const name = g.chance(0.85)
      ? 'Dockerfile'
      : g.pick(['Dockerfile.prod', 'worker.Dockerfile', 'Containerfile']);
    const file = resolve(root, 'services', group, service, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, g.dockerfile());
    files.push(file);
  }
  const wfDir = resolve(root, '.github', 'workflows');
  mkdirSync(wfDir, { recursive: true });
  for (let i = 0; i < workflows; i++) {
    writeFileSync(resolve(wfDir, `ci-${String(i).padStart(3, '0')}.yml`), g.workflow(i));
  }
  writeFileSync(resolve(root, '.python-version'), '3.12\n');
  return { root, dockerfiles: files };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const result = generateMonorepo({
    seed: opt('seed') === undefined ? undefined : Number(opt('seed')),
    dockerfiles: opt('dockerfiles') === undefined ? undefined : Number(opt('dockerfiles')),
    workflows: opt('workflows') === undefined ? undefined : Number(opt('workflows')),
    out: opt('out') && resolve(opt('out')),
  });
  console.log(`wrote ${result.dockerfiles.length} Dockerfiles and the workflows under ${result.root}`);
}
