import { dockerHubHosts } from '../catalog/reference.js';
import { levels, makeFinding } from './finding.js';
import { shown } from './helpers.js';
import type { Rule } from './types.js';

function hostOf(registry: string | undefined): string {
  const host = (registry ?? 'docker.io').toLowerCase();
  return dockerHubHosts.includes(host) ? 'docker.io' : host;
}

export const pb010: Rule = {
  code: 'PB010',
  name: 'registry-not-allowed',
  summary: 'python image pulled from a registry not in `allowed-registries`',
  defaultSeverity: levels('error', { dev: 'warning' }),
  docs: {
    whatItDoes:
      'When `allowed-registries` is configured, flags python images pulled from any other registry. ' +
      'Docker Hub is `docker.io` under all its names (`index.docker.io`, no registry at all).',
    whyIsThisBad:
      'Organisations route pulls through a mirror for rate limits, availability and audit; a direct pull ' +
      'bypasses it and breaks when the outside registry is unreachable.',
    example: '# allowed-registries = ["registry.example.com"]\nFROM python:3.12.14-slim-trixie',
    useInstead: 'FROM registry.example.com/library/python:3.12.14-slim-trixie',
    fix: 'Prefix the reference with the allowed mirror, keeping the tag and digest.',
    options: [
      {
        key: 'allowed-registries',
        description: 'registry hosts python images may come from',
        default: '[] (any)',
      },
    ],
  },
  check(ctx) {
    const allowed = ctx.options.allowedRegistries.map((r) => hostOf(r));
    if (allowed.length === 0) return [];
    return ctx.python.flatMap((pr) => {
      const host = hostOf(pr.image.registry);
      if (allowed.includes(host)) return [];
      return [
        makeFinding(pb010, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} comes from ${host}, which is not an allowed registry`,
          hint: `pull it through ${allowed.join(' or ')}`,
          data: { registry: host, allowed },
        }),
      ];
    });
  },
};
