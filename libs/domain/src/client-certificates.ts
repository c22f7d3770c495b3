import { X509Certificate } from 'node:crypto';

/**
 * A CA an agency's client certificates are issued by, with the subject they must carry (issue 13): the agency's own
 * PKI, instead of a fingerprint for each certificate. `ca` is the CA certificate (PEM), `subject` the required subject
 * in its canonical form (canonicalSubject).
 */
export interface CertificateIssuer {
  ca: string;
  subject: string;
}

/** What an agency registered to be known by: certificate fingerprints (lowercase hex SHA-256) and issuers. */
export interface AgencyCertificates {
  fingerprints: string[];
  issuers: CertificateIssuer[];
}

/** A key bound to this accepts any certificate the agency registered (a fingerprint, or one of its issuers). */
export const ANY_AGENCY_CERTIFICATE = 'agency';

/** A client certificate the broker received, over mTLS or from a trusted proxy. */
export interface PresentedCertificate {
  /** SHA-256, lowercase hex. */
  fingerprint: string;
  /** Whether it chains to NIX_TLS_CLIENT_CA (verified by the TLS layer), or came from a trusted proxy. */
  chainVerified: boolean;
  /** The certificate itself, parsed only when an issuer must be checked. */
  certificate(): X509Certificate;
}

/** An issuer ready to check certificates against: its CA parsed once per governance snapshot (null: it no longer parses, and matches nothing). */
export interface PreparedIssuer {
  ca: X509Certificate | null;
  subjectKey: string;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9.-]*)=(.+)$/;

/** The attributes of a subject, in order, as `ATTR=value` (attribute names upper-cased), or null when it is not one. */
function subjectAttributes(text: string, separator: RegExp): string[] | null {
  const parts = text.split(separator).map((p) => p.trim());
  const attributes: string[] = [];
  for (const part of parts) {
    const match = ATTRIBUTE.exec(part);
    if (!match) return null;
    const value = match[2].trim();
    if (value === '' || /["\\]/.test(value)) return null;
    attributes.push(`${match[1].trim().toUpperCase()}=${value}`);
  }
  return attributes.length > 0 ? attributes : null;
}

/** A registered subject ("CN=tax-gateway, O=Tax Organization") in canonical form ("CN=tax-gateway,O=Tax Organization"), or null. */
export function canonicalSubject(text: string): string | null {
  const attributes = subjectAttributes(text, /,/);
  return attributes ? attributes.join(',') : null;
}

/** Subjects compare by their attributes, in any order (RFC 4514 strings list them the other way round from openssl). */
function subjectKey(attributes: readonly string[]): string {
  return [...attributes].sort().join('\n');
}

/** The issuer as it is stored, or why it cannot be: the field at fault and the reason (never the PEM itself). */
export function parseIssuer(ca: string, subject: string, now: number): { issuer: CertificateIssuer } | { field: 'ca' | 'subject'; detail: string } {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(ca);
  } catch {
    return { field: 'ca', detail: 'is not a PEM certificate' };
  }
  if (!certificate.ca) return { field: 'ca', detail: 'is not a CA certificate (basicConstraints CA:TRUE)' };
  if (Date.parse(certificate.validTo) < now) return { field: 'ca', detail: `expired on ${new Date(certificate.validTo).toISOString().slice(0, 10)}` };
  const canonical = canonicalSubject(subject);
  if (!canonical) return { field: 'subject', detail: 'must be a subject such as "CN=tax-gateway,O=Tax Organization": ATTRIBUTE=value pairs separated by commas, without quotes or backslashes' };
  return { issuer: { ca: certificate.toString(), subject: canonical } };
}

/**
 * The issuer with its CA parsed. One whose PEM or subject no longer reads (both were checked when registered) matches
 * no certificate, and still holds the agency's keys to certificates.
 */
export function prepareIssuer(issuer: CertificateIssuer): PreparedIssuer {
  const attributes = subjectAttributes(issuer.subject, /,/);
  try {
    return attributes ? { ca: new X509Certificate(issuer.ca), subjectKey: subjectKey(attributes) } : { ca: null, subjectKey: '' };
  } catch {
    return { ca: null, subjectKey: '' };
  }
}

const within = (certificate: X509Certificate, now: number) => Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);

/**
 * Whether a client certificate is one of this issuer's: issued and signed by its CA, both valid now, for client
 * authentication (when it limits its use), with exactly the registered subject. Only certificates the CA issued
 * directly are accepted.
 */
export function issuedUnder(certificate: X509Certificate, issuer: PreparedIssuer, now: number): boolean {
  if (!issuer.ca || !within(certificate, now) || !within(issuer.ca, now)) return false;
  if (certificate.keyUsage !== undefined && !certificate.keyUsage.includes(CLIENT_AUTH)) return false;
  const attributes = subjectAttributes(certificate.subject, /\n/);
  if (!attributes || subjectKey(attributes) !== issuer.subjectKey) return false;
  return certificate.checkIssued(issuer.ca) && certificate.verify(issuer.ca.publicKey);
}

/**
 * Whether the presented certificate is one the agency registered: a fingerprint (of a certificate whose chain the TLS
 * layer or a trusted proxy verified), or a certificate of one of its issuers.
 */
export function isAgencyCertificate(presented: PresentedCertificate, fingerprints: readonly string[], issuers: readonly PreparedIssuer[], now: number): boolean {
  if (presented.chainVerified && fingerprints.includes(presented.fingerprint)) return true;
  if (issuers.length === 0) return false;
  let certificate: X509Certificate;
  try {
    certificate = presented.certificate();
  } catch {
    return false;
  }
  return issuers.some((issuer) => issuedUnder(certificate, issuer, now));
}
