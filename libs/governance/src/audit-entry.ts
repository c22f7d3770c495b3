/** One governance change: who made it, when, what it was, and the value before and after. */
export interface AuditEntry {
  /** The acting agency, or `contracts-import` for the YAML bootstrap and imports. */
  actor: string;
  at: Date;
  /** What changed, e.g. `access-request.consent`, `agreement.suspend`, `agency.import`. */
  action: string;
  /** The changed thing, e.g. `agreement:tax-identity-person-1405`. */
  subject: string;
  before: unknown;
  after: unknown;
}
