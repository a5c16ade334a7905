/**
 * Progress of batches of look-ups. The library only calls back (see `lookupMany`); this file holds the small
 * printer the command line uses, which writes one self-overwriting line to a terminal and nothing otherwise.
 */

export interface ProgressEvent {
  done: number;
  total: number;
  /** What just finished (a project name, an image reference). */
  name: string;
}

/** The part of a stream the printer needs; `process.stderr` fits. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressPrinterOptions {
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Print only for batches larger than this (default 5). */
  minTotal?: number;
  /** Word in front of the counter (default "looking up"). */
  label?: string;
}

export interface ProgressPrinter {
  /** Pass as the progress callback. */
  update(event: ProgressEvent): void;
  /** Erases the line, if one was drawn. Call when the batch is over (also after a failure). */
  finish(): void;
}

/** Whether a batch of `total` look-ups on `stream` deserves a progress line. */
export function shouldShowProgress(stream: ProgressStream, total: number, minTotal = 5): boolean {
  return stream.isTTY === true && total > minTotal;
}

/** Formats one progress line, cut to `columns` characters. */
export function formatProgressLine(event: ProgressEvent, label = 'looking up', columns = 80): string {
  const line = `${label} [${event.done}/${event.total}] ${event.name}`;
  const width = Math.max(10, columns - 1);
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/**
 * A printer that redraws one line on a terminal (`\r` + erase-line). It stays silent when the stream is not
 * a terminal or the batch is small, so logs and pipes never see control characters.
 */
export function createProgressPrinter(options: ProgressPrinterOptions = {}): ProgressPrinter {
  const stream = options.stream ?? process.stderr;
  const minTotal = options.minTotal ?? 5;
  let drawn = false;
  return {
    update(event) {
      if (!shouldShowProgress(stream, event.total, minTotal)) return;
      stream.write(`\r\x1b[2K${formatProgressLine(event, options.label, stream.columns ?? 80)}`);
      drawn = true;
    },
    finish() {
      if (!drawn) return;
      stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
