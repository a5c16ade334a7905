/**
 * Which stage (dev, ci, build, prod) a file's references serve. Configuration globs win; otherwise
 * the file's kind and name decide.
 */
import picomatch from 'picomatch';
import { type Stage, stages } from '../model/stage.js';

export type StageGlobs = Partial<Record<Stage, readonly string[]>>;

/** Words in a file or directory name that mark development use. */
const devWords = new Set([
  'dev',
  'devel',
  'develop',
  'development',
  'devcontainer',
  'test',
  'tests',
  'testing',
  'local',
  'debug',
  // docker-compose.override.yml is the conventional file for local overrides.
  'override',
]);

/** True when a path's file name or one of its directories says dev / test / local. */
export function isDevPath(file: string): boolean {
  const parts = file.split('/');
  return parts.some((part) =>
    part
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .some((word) => devWords.has(word)),
  );
}

export type StageMatcher = (file: string) => Stage | undefined;

/** The stage configured for a file, trying stages in their canonical order. */
export function stageMatcher(globs: StageGlobs | undefined): StageMatcher {
  if (!globs) return () => undefined;
  const matchers = stages
    .filter((s) => (globs[s]?.length ?? 0) > 0)
    .map((s) => ({ stage: s, match: picomatch([...(globs[s] ?? [])], { dot: true }) }));
  return (file) => matchers.find((m) => m.match(file))?.stage;
}
