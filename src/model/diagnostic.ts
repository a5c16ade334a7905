/**
 * The one diagnostic shape for everything pybase tells a user: rule findings, configuration
 * errors, unreadable files, data-source failures.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A range in a text file. Lines and columns are 1-based; `endColumn` is exclusive. */
export interface SourceRange {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** Byte-free character offsets into the file text (UTF-16 code units, as JavaScript strings index). */
  startOffset?: number;
  endOffset?: number;
}

export interface Diagnostic {
  /** A stable code: `PB001` for rules, `PBE…` for input and I/O problems. */
  code: string;
  severity: Severity;
  message: string;
  location?: SourceRange;
  /**
   * Other places the finding is about: where the values it judges are written when that is not at
   * `location` (the matrix entry that gives a setup-python version, the statement a value belongs
   * to). An ignore pragma at one of them silences the finding as one at `location` does.
   */
  related?: SourceRange[];
  /** One line telling the user what to do. */
  hint?: string;
  /** Link to the documentation page of the code. */
  docUrl?: string;
  /** A replacement the fixer may apply. */
  fix?: { description: string; replacement?: string; range?: SourceRange };
  /** Free-form structured data for JSON output (rule name, stage, suggestions, ...). */
  data?: Record<string, unknown>;
}

/** Codes for problems that are not rule findings. Stable, like rule codes. */
export const inputCodes = {
  usage: 'PBE001',
  badReference: 'PBE002',
  badDate: 'PBE003',
  config: 'PBE004',
  unreadableFile: 'PBE005',
  parseError: 'PBE006',
  skippedFile: 'PBE007',
  network: 'PBE008',
  data: 'PBE009',
  unusedIgnore: 'PBE010',
} as const;

/**
 * The only error pybase throws on purpose. Everything else escaping a library function is a bug.
 */
export class PybaseError extends Error {
  readonly diagnostic: Diagnostic;

  constructor(diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = 'PybaseError';
    this.diagnostic = diagnostic;
  }
}

export function isPybaseError(value: unknown): value is PybaseError {
  return value instanceof PybaseError;
}

const severityRank: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/** True when `severity` is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank[severity] >= severityRank[threshold];
}
