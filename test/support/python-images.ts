/**
 * The python-like images the registry integration tests push: tiny layers, realistic configs and tags.
 */

import type { PushedImage, RegistryHarness, TestImage } from './registry.js';

export const slimTrixie: TestImage = {
  repository: 'library/python',
  tags: ['3.12.14-slim-trixie', '3.12-slim-trixie', '3.12.14-slim', '3.12-slim', '3-slim', 'slim'],
  pythonVersion: '3.12.14',
  created: '2026-08-13T18:02:11Z',
  baseName: 'debian:trixie-slim',
  platforms: [
    { architecture: 'amd64' },
    { architecture: 'arm64', variant: 'v8' },
    { architecture: 'arm', variant: 'v7' },
  ],
  attestation: true,
};

export const alpine: TestImage = {
  repository: 'library/python',
  tags: ['3.13.15-alpine3.23', '3.13-alpine3.23', '3.13-alpine'],
  pythonVersion: '3.13.15',
  created: '2026-08-12T23:30:00-02:00',
  baseName: 'alpine:3.23',
  platforms: [{ architecture: 'amd64' }, { architecture: 'arm64', variant: 'v8' }, { architecture: 's390x' }],
};

export const windows: TestImage = {
  repository: 'library/python',
  tags: ['3.11.16-windowsservercore-ltsc2022'],
  pythonVersion: '3.11.16',
  created: '2026-07-01T10:00:00Z',
  platforms: [{ architecture: 'amd64', os: 'windows' }],
  single: true,
};

export interface PushedSet {
  slim: PushedImage;
  alpine: PushedImage;
  windows: PushedImage;
  allTags: string[];
}

export async function pushPythonImages(
  harness: RegistryHarness,
  repository = 'library/python',
): Promise<PushedSet> {
  const withRepo = (image: TestImage) => ({ ...image, repository });
  const slim = await harness.push(withRepo(slimTrixie));
  const alpineImage = await harness.push(withRepo(alpine));
  const windowsImage = await harness.push(withRepo(windows));
  return {
    slim,
    alpine: alpineImage,
    windows: windowsImage,
    allTags: [...slimTrixie.tags, ...alpine.tags, ...windows.tags],
  };
}
