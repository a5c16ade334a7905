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

const months = z.number().int().min(0).max(240);
const vulnLimit = z.number().int().min(0);

/** `[tool.pybase.policy]`: the recommendation policy. Every key is optional; see defaultPolicy. */
const policySchema = z
  .object({
    'min-support-months': z
      .union([
        months,
        z.object({ dev: months, ci: months, prod: months, 'prod-ai': months }).partial().strict(),
      ])
      .optional()
      .describe(
        'Remaining support (Python and distro) an image must have, in months: one number for every stage, or a table per stage (dev, ci, prod, prod-ai). Default: prod and prod-ai 12, ci 6, dev 0.',
      ),
    libc: z
      .enum(['glibc', 'musl', 'any'])
      .optional()
      .describe('The C library images may use: glibc (Debian), musl (Alpine) or any (default).'),
    appetite: z
      .enum(['patch', 'minor', 'any'])
      .optional()
      .describe(
        'How far from the current Python minor a recommendation may go: patch (stay), minor (default: no downgrade), any.',
      ),
    prereleases: z.boolean().optional().describe('Accept pre-release Pythons (default false).'),
    'prefer-small': z
      .boolean()
      .optional()
      .describe('With libc any, let Alpine win when every dependency has a musl wheel (default false).'),
    'allow-build': z
      .boolean()
      .optional()
      .describe('Accept building sdists on images without a compiler (default false).'),
    'max-critical': vulnLimit.optional().describe('Most critical vulnerabilities a scanned image may have.'),
    'max-high': vulnLimit.optional().describe('Most high vulnerabilities a scanned image may have.'),
    'max-medium': vulnLimit.optional().describe('Most medium vulnerabilities a scanned image may have.'),
    'max-low': vulnLimit.optional().describe('Most low vulnerabilities a scanned image may have.'),
  })
  .strict()
  .describe('The recommendation policy ([tool.pybase.policy]).');

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
        'Packages or vendor SDKs that only run on glibc (PB206 flags Alpine images while this is not empty; pybase recommend never proposes Alpine then).',
      ),
    'index-url': z
      .string()
      .url()
      .optional()
      .describe(
        'Package index (PEP 691/503 simple API) for dependency look-ups; --index-url and PIP_INDEX_URL win over it. Credentials belong in ~/.netrc.',
      ),
    'extra-index-urls': z
      .array(z.string().url())
      .optional()
      .describe('Indexes asked after the main one for projects it does not have.'),
    policy: policySchema
      .optional()
      .describe(
        'The policy pybase recommend (and pybase fix --to recommended) decides by; flags override it.',
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
