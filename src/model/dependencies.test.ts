import { describe, expect, it } from 'vitest';
import { dependencySourceLabel } from './dependencies.js';

describe('dependencySourceLabel', () => {
  it('adds the kind only when the file name does not say it', () => {
    expect(dependencySourceLabel('examples/app/uv.lock', 'uv.lock')).toBe('examples/app/uv.lock');
    expect(dependencySourceLabel('requirements/prod.txt', 'requirements')).toBe(
      'requirements/prod.txt (requirements)',
    );
    expect(dependencySourceLabel('requirements-dev.txt', 'requirements')).toBe('requirements-dev.txt');
    expect(dependencySourceLabel('pyproject.toml', 'pyproject')).toBe('pyproject.toml');
    expect(dependencySourceLabel('locks/app.lock', 'poetry.lock')).toBe('locks/app.lock (poetry.lock)');
  });
});
