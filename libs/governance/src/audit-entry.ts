import type { AuditRecord } from '@nix/ledger';

/** One governance change (the audit log's row, @nix/ledger's AuditRecord), with what each field holds here. */
export interface AuditEntry extends AuditRecord {
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
