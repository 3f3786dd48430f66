/**
 * Input the audit cannot start from (a records folder that is missing or
 * unreadable, a malformed allowed_signers file): exit status 2, not a finding.
 */
export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
}
