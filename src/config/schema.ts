/**
 * pybase's configuration: `[tool.pybase]` in pyproject.toml or the top level of pybase.toml.
 * The zod schema is the single definition; schemas/config.schema.json is generated from it.
 */
import { z } from 'zod';

const ruleCode = z
  .string()
  .regex(/^PB(?:E?\d{1,3})$/, 'a rule code or code prefix such as PB001, PB1 or PBE010')
  .describe('A rule code (PB001) or a prefix of codes (PB1 selects PB101-PB199).');

const level = z.enum(['error', 'warning', 'info', 'off']);
const stageLevels = z
  .object({ dev: level, ci: level, build: level, prod: level })
  .partial()
  .strict()
  .describe('Severity per stage; stages not named keep the rule default.');

const globs = z.array(z.string().min(1));

export const configSchema = z
  .object({
    select: z
      .array(ruleCode)
      .optional()
      .describe('Only these rules (codes or prefixes) run. Default: every rule.'),
    ignore: z.array(ruleCode).default([]).describe('Rules (codes or prefixes) that never run.'),
    severity: z
      .record(z.string().regex(/^PB\d{3}$/, 'a rule code such as PB005'), z.union([level, stageLevels]))
      .default({})
      .describe('Severity override per rule: one level for every stage, or a table of levels per stage.'),
    stages: z
      .object({ dev: globs, ci: globs, build: globs, prod: globs })
      .partial()
      .strict()
      .default({})
      .describe('Globs (relative to the project root) of files whose references serve each stage.'),
    'allowed-registries': z
      .array(z.string().min(1))
      .default([])
      .describe('Registry hosts python images may come from (docker.io for Docker Hub). Empty: any.'),
    mirrors: z
      .array(z.string().min(1))
      .default([])
      .describe('Private mirrors of the python image, as host[/path]/python.'),
    'eol-window-days': z
      .number()
      .int()
      .min(0)
      .max(3650)
      .default(180)
      .describe('How many days before an end of life PB102 and PB104 start warning.'),
    'debian-eol-policy': z
      .enum(['security', 'lts'])
      .default('security')
      .describe(
        'Which Debian date counts as end of life: end of security support (security) or end of Debian LTS (lts).',
      ),
    'build-args': z
      .record(z.string(), z.string())
      .default({})
      .describe('Values for Dockerfile ARGs without a default, as --build-arg would give them.'),
    'fail-on': z
      .enum(['error', 'warning', 'info', 'never'])
      .default('error')
      .describe('Lowest severity that makes pybase check exit 1.'),
    exclude: globs.default([]).describe('Globs of files pybase never reads.'),
    // Dependency rules (PB2xx): which architectures the images are built for, and what needs glibc.
    archs: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Architectures the images are built for (amd64, arm64v8, linux/arm64 ...). Default: amd64 and arm64v8.',
      ),
    'glibc-only': z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Packages or vendor SDKs that only run on glibc (PB206 flags Alpine images while this is not empty).',
      ),
  })
  .strict()
  .describe('pybase configuration ([tool.pybase] in pyproject.toml, or pybase.toml).');

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** The JSON schema of the configuration, as shipped in schemas/config.schema.json. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://github.com/pybase-dev/pybase/blob/main/schemas/config.schema.json',
    title: 'pybase configuration',
  };
}
