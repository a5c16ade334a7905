/**
 * Vulnerability limits, and reading a scanner report without loading its parser up front: the
 * parser (vulns.ts) validates with zod, which only a run given a report should pay for loading.
 */
import type { VulnerabilityReport, VulnSeverity } from './types.js';
import { vulnSeverities } from './types.js';

/** The limits a report breaks, in words (`3 critical > 0`); empty when within every limit. */
export function exceededLimits(
  counts: Record<VulnSeverity, number>,
  limits: Partial<Record<VulnSeverity, number>>,
): string[] {
  return vulnSeverities.flatMap((s) => {
    const max = limits[s];
    return max !== undefined && counts[s] > max ? [`${counts[s]} ${s} > ${max}`] : [];
  });
}

/**
 * {@link parseVulnerabilityReport} of vulns.ts, loading it on the first call.
 * @throws PybaseError naming the file when it is neither a Trivy nor a Grype JSON report.
 */
export async function parseVulnerabilityReportAsync(
  text: string,
  file: string,
): Promise<VulnerabilityReport> {
  const { parseVulnerabilityReport } = await import('./vulns.js');
  return parseVulnerabilityReport(text, file);
}
