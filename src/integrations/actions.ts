/**
 * GitHub Actions that pybase's generated workflow and its own action use, each pinned to the full
 * commit of a release. The commits were read from each repository's release tag (`git rev-list -n1
 * <tag>`); the tag is written next to the commit as a comment so that Renovate and Dependabot can
 * update both together.
 */

export interface PinnedAction {
  /** `owner/name` (with a sub-path for actions that live in a folder). */
  uses: string;
  /** The release tag the commit belongs to. */
  version: string;
  /** Full 40-character commit. */
  commit: string;
  /** Date of the release commit. */
  released: string;
}

export const pinnedActions = {
  checkout: {
    uses: 'actions/checkout',
    version: 'v7.0.1',
    commit: '3d3c42e5aac5ba805825da76410c181273ba90b1',
    released: '2026-07-17',
  },
  setupNode: {
    uses: 'actions/setup-node',
    version: 'v7.0.0',
    commit: '820762786026740c76f36085b0efc47a31fe5020',
    released: '2026-07-13',
  },
  setupBuildx: {
    uses: 'docker/setup-buildx-action',
    version: 'v4.3.0',
    commit: '37fe631027851001ddb9b187196cc803df7f5f0e',
    released: '2026-08-17',
  },
  login: {
    uses: 'docker/login-action',
    version: 'v4.1.0',
    commit: '4907a6ddec9925e35a0a9e82d7399ccc52663121',
    released: '2026-04-02',
  },
  buildPush: {
    uses: 'docker/build-push-action',
    version: 'v7.3.0',
    commit: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a',
    released: '2026-07-01',
  },
  trivy: {
    uses: 'aquasecurity/trivy-action',
    version: 'v0.36.0',
    commit: 'ed142fd0673e97e23eac54620cfb913e5ce36c25',
    released: '2026-04-22',
  },
  sbom: {
    uses: 'anchore/sbom-action',
    version: 'v0.24.0',
    commit: 'e22c389904149dbc22b58101806040fa8d37a610',
    released: '2026-03-19',
  },
  cosignInstaller: {
    uses: 'sigstore/cosign-installer',
    version: 'v4.1.2',
    commit: '6f9f17788090df1f26f669e9d70d6ae9567deba6',
    released: '2026-05-06',
  },
  uploadSarif: {
    uses: 'github/codeql-action/upload-sarif',
    version: 'v4.36.2',
    commit: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e',
    released: '2026-06-04',
  },
} as const satisfies Record<string, PinnedAction>;

/** `owner/name@<commit> # <version>`, the form written after `uses:`. */
export function usesLine(action: PinnedAction): string {
  return `${action.uses}@${action.commit} # ${action.version}`;
}
