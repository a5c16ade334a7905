/**
 * Reading vulnerability reports of the scanners users already run (pybase does not scan): Trivy
 * JSON (`ArtifactName`, `Results[].Vulnerabilities[].Severity`) and Grype JSON
 * (`source.target.userInput`, `matches[].vulnerability.severity`). Each report names the image it
 * scanned; the counts per severity are matched to candidate tags.
 */
import { z } from 'zod';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import { type VulnerabilityReport, type VulnSeverity, vulnSeverities } from './types.js';

const trivySchema = z.object({
  ArtifactName: z.string(),
  Results: z
    .array(
      z.object({
        Vulnerabilities: z
          .array(z.object({ Severity: z.string().optional(), VulnerabilityID: z.string().optional() }))
          .nullish(),
      }),
    )
    .nullish(),
});

const grypeSchema = z.object({
  matches: z.array(
    z.object({
      vulnerability: z.object({ severity: z.string().optional(), id: z.string().optional() }),
    }),
  ),
  source: z.object({ target: z.object({ userInput: z.string() }).passthrough() }).passthrough(),
});

function emptyCounts(): Record<VulnSeverity, number> {
  return Object.fromEntries(vulnSeverities.map((s) => [s, 0])) as Record<VulnSeverity, number>;
}

function severityOf(text: string | undefined): VulnSeverity {
  const s = (text ?? '').toLowerCase();
  return (vulnSeverities as readonly string[]).includes(s) ? (s as VulnSeverity) : 'unknown';
}

function bad(file: string, message: string): PybaseError {
  return new PybaseError({
    code: inputCodes.parseError,
    severity: 'error',
    message: `${file}: ${message}`,
    location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    hint: 'Give a Trivy report (trivy image --format json) or a Grype report (grype -o json).',
  });
}

/**
 * Read one report. Vulnerabilities are counted once per id within a report (Trivy lists a CVE once
 * per affected package; the image has it once).
 * @throws PybaseError naming the file when it is neither a Trivy nor a Grype JSON report.
 */
export function parseVulnerabilityReport(text: string, file: string): VulnerabilityReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(file, `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const counts = emptyCounts();
  const seen = new Set<string>();
  const count = (id: string | undefined, severity: string | undefined) => {
    const s = severityOf(severity);
    if (id !== undefined) {
      const key = `${id}\u0000${s}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    counts[s]++;
  };
  const trivy = trivySchema.safeParse(json);
  if (trivy.success) {
    for (const r of trivy.data.Results ?? [])
      for (const v of r.Vulnerabilities ?? []) count(v.VulnerabilityID, v.Severity);
    return { scanner: 'trivy', file, image: trivy.data.ArtifactName, counts };
  }
  const grype = grypeSchema.safeParse(json);
  if (grype.success) {
    for (const m of grype.data.matches) count(m.vulnerability.id, m.vulnerability.severity);
    return { scanner: 'grype', file, image: grype.data.source.target.userInput, counts };
  }
  throw bad(
    file,
    'neither a Trivy report (ArtifactName, Results) nor a Grype report (matches, source.target)',
  );
}
