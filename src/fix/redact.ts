/**
 * Keep secrets out of anything the fixer reports: user:password in URLs, bearer and basic
 * authorization values, and `token=` style query parameters.
 */

/** The text with URL user info, authorization values and token parameters replaced by `***`. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/([?&](?:access_token|token|password|secret|key|sig)=)[^&\s]*/gi, '$1***');
}
