/**
 * The JSON report's schema, written once in zod; schemas/check-result.schema.json is generated
 * from it (src/report/json.test.ts checks that the file is fresh).
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const severity = z.enum(['error', 'warning', 'info']);

const range = z.object({
  file: z.string().describe('Path relative to the checked root, with / separators.'),
  startLine: z.number().int().min(1),
  startColumn: z.number().int().min(1),
  endLine: z.number().int().min(1),
  endColumn: z.number().int().min(1).describe('Exclusive.'),
  startOffset: z.number().int().min(0).optional(),
  endOffset: z.number().int().min(0).optional(),
});

const diagnostic = z.object({
  code: z
    .string()
    .regex(/^PBE?\d{3}$/)
    .describe('Stable code: PBnnn for rules, PBEnnn for input problems.'),
  severity,
  message: z.string(),
  location: range.optional(),
  related: z
    .array(range)
    .optional()
    .describe('Other places the finding is about: where the values it judges are written.'),
  hint: z.string().optional(),
  docUrl: z.string().optional(),
  fix: z
    .object({ description: z.string(), replacement: z.string().optional(), range: range.optional() })
    .optional(),
  data: z.record(z.string(), z.unknown()).optional().describe('Rule name, stage and rule-specific details.'),
});

export const checkResultSchema = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal('pybase'), version: z.string().optional() }),
  date: isoDate.describe('The date the check judged at.'),
  root: z
    .string()
    .optional()
    .describe('The checked root, as an absolute path: the file of every location is relative to it.'),
  dataAge: z.object({ dataDate: isoDate, ageDays: z.number().int(), stale: z.boolean() }),
  rulesRun: z.array(z.string()),
  files: z.array(z.string()).describe('Files read, relative to the root.'),
  counts: z.object({
    error: z.number().int().min(0),
    warning: z.number().int().min(0),
    info: z.number().int().min(0),
    total: z.number().int().min(0),
    byCode: z.record(z.string(), z.number().int().min(0)),
  }),
  findings: z.array(diagnostic),
  suppressed: z.array(diagnostic),
  notices: z.array(diagnostic),
});

export function checkResultJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(checkResultSchema) as Record<string, unknown>),
    $id: 'https://github.com/pybase-dev/pybase/blob/main/schemas/check-result.schema.json',
    title: 'pybase check --format json',
  };
}
