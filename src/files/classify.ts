/**
 * Which files pybase reads, decided by path alone. Paths are relative to the scanned root with '/'
 * separators.
 */
import type { ProjectFileKind } from '../model/project.js';

/** Names that look like Dockerfiles but hold something else (`Dockerfile.dockerignore`, `Dockerfile.md`). */
const notDockerfileSuffix =
  /\.(dockerignore|md|markdown|rst|txt|json|ya?ml|toml|ini|cfg|sh|bash|ps1|py|js|cjs|mjs|ts|lock|j2|jinja|jinja2|tpl|tmpl|template|orig|bak|swp|patch|diff)$/i;

/**
 * `Dockerfile`, `Dockerfile.<x>`, `Dockerfile-<x>` / `Dockerfile_<x>` (seen in real projects),
 * `<x>.Dockerfile`, `<x>.dockerfile`, `Containerfile*`; case-insensitive on the `dockerfile` part.
 */
export function isDockerfileName(base: string): boolean {
  if (notDockerfileSuffix.test(base)) return false;
  if (/^(docker|container)file([._-].+)?$/i.test(base)) return true;
  if (/^containerfile/i.test(base)) return true;
  return /.\.(docker|container)file$/i.test(base);
}

export function isComposeName(base: string): boolean {
  return /^(docker-)?compose([._-][^/]*)?\.ya?ml$/i.test(base);
}

export function classifyProjectFile(path: string): ProjectFileKind | undefined {
  const parts = path.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (parts.length === 3 && parts[0] === '.github' && parts[1] === 'workflows' && /\.ya?ml$/i.test(base)) {
    return 'github-workflow';
  }
  // An action of the repository itself (`.github/actions/setup/action.yml`), or the repository as an action.
  if (
    /^action\.ya?ml$/.test(base) &&
    (parts.length === 1 || (parts[0] === '.github' && parts[1] === 'actions'))
  ) {
    return 'github-action';
  }
  if (/^\.gitlab-ci\.ya?ml$/i.test(base) || /.\.gitlab-ci\.ya?ml$/i.test(base)) return 'gitlab-ci';
  if (isComposeName(base)) return 'compose';
  if (isDockerfileName(base)) return 'dockerfile';
  switch (base) {
    case '.python-version':
      return 'python-version';
    case 'pyproject.toml':
      return 'pyproject';
    case 'runtime.txt':
      return 'runtime-txt';
    case 'Pipfile':
      return 'pipfile';
    case '.tool-versions':
      return 'tool-versions';
    case 'tox.ini':
      return 'tox-ini';
    case 'setup.cfg':
      return 'setup-cfg';
    default:
      return undefined;
  }
}
