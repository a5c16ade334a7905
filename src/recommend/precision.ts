/**
 * The precision a stage's recommendation is written at: the development stage follows the minor line
 * (`3.12-slim-trixie`), the others name the full tag.
 */
import type { Catalog } from '../catalog/catalog.js';
import { tryParseTag } from '../catalog/tag.js';
import type { IsoDate } from '../model/date.js';
import type { RecommendStage } from '../model/stage.js';

/** The tag at the stage's precision: dev the minor line (`3.12-slim-trixie`), else the full tag. */
export function tagAtPrecision(
  catalog: Catalog,
  date: IsoDate,
  fullTag: string,
  precision: 'minor' | 'patch',
): string {
  if (precision === 'patch') return fullTag;
  const res = catalog.resolve(fullTag, date);
  const line = res?.sameImage.find((t) => {
    const p = tryParseTag(t);
    return p !== undefined && p.precision === 'minor' && p.distro !== undefined && !p.rcLine;
  });
  return line ?? fullTag;
}

export function stagePrecision(stage: RecommendStage): 'minor' | 'patch' {
  return stage === 'dev' ? 'minor' : 'patch';
}
