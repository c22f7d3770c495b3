import { isIP } from 'node:net';
import { GovernanceInputError } from './governance-error';
import { parseIssuer, type AgencyCertificates, type CertificateIssuer } from '@nix/domain';

/** The same pattern contracts/ agreements use for purposes (AGREEMENT_FILE_SCHEMA). */
export const PURPOSE_CODE = /^[a-z][a-z0-9-]{1,62}$/;

export function checkPurposes(purposes: readonly string[], field = 'purposes'): void {
  if (purposes.length === 0) throw new GovernanceInputError(field, 'must name at least one purpose');
  purposes.forEach((p, i) => {
    if (!PURPOSE_CODE.test(p)) throw new GovernanceInputError(`${field}/${i}`, `"${p}" is not a purpose code (${PURPOSE_CODE.source})`);
  });
  if (new Set(purposes).size !== purposes.length) throw new GovernanceInputError(field, 'names a purpose twice');
}

/** Data items must be properties of the service's answer: `available` is that list, from the catalogue. */
export function checkDataItems(dataItems: readonly string[], available: readonly string[], field = 'dataItems'): void {
  if (dataItems.length === 0) throw new GovernanceInputError(field, 'must name at least one data item');
  dataItems.forEach((item, i) => {
    if (!available.includes(item)) throw new GovernanceInputError(`${field}/${i}`, `"${item}" is not a property of the service's answer (it has: ${available.join(', ')})`);
  });
  if (new Set(dataItems).size !== dataItems.length) throw new GovernanceInputError(field, 'names a data item twice');
}

export function checkQuota(dailyQuota: number, field = 'dailyQuota'): void {
  if (!Number.isInteger(dailyQuota) || dailyQuota < 1) throw new GovernanceInputError(field, 'must be a whole number of at least 1');
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export function checkValidity(validFrom: string, validUntil: string): void {
  if (!DAY.test(validFrom) || Number.isNaN(Date.parse(validFrom))) throw new GovernanceInputError('validFrom', 'must be a day, YYYY-MM-DD');
  if (!DAY.test(validUntil) || Number.isNaN(Date.parse(validUntil))) throw new GovernanceInputError('validUntil', 'must be a day, YYYY-MM-DD');
  if (validUntil < validFrom) throw new GovernanceInputError('validUntil', 'is before validFrom');
}

export function checkResolution(resolution: string | undefined | null, field = 'resolution'): string {
  if (typeof resolution !== 'string' || resolution.trim().length === 0) throw new GovernanceInputError(field, "must name the working group's resolution");
  return resolution.trim();
}

/** A key's limits: an expiry day and networks as CIDR (an address alone is one host). */
export function checkKeyLimits(expires: string | null, networks: readonly string[] | null): void {
  if (expires !== null && (!DAY.test(expires) || Number.isNaN(Date.parse(expires)))) throw new GovernanceInputError('expires', 'must be a day, YYYY-MM-DD');
  networks?.forEach((cidr, i) => {
    const [address, bits, extra] = cidr.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max))) {
      throw new GovernanceInputError(`networks/${i}`, `"${cidr}" is not an address or a CIDR network`);
    }
  });
}

/** A certificate's SHA-256 fingerprint, as hex with or without colons (openssl's form): stored as lowercase hex. */
export function certificateFingerprintOf(text: string, field = 'certificate'): string {
  const hex = text.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new GovernanceInputError(field, 'must be a SHA-256 certificate fingerprint: 64 hex digits, colons allowed');
  return hex;
}

/** At most this many fingerprints and issuers per agency, and this long a CA's PEM. */
export const CERTIFICATE_LIMITS = { fingerprints: 20, issuers: 10, pemLength: 20_000 } as const;

/**
 * What an agency registers to be known by, checked and in stored form: fingerprints as lowercase hex, each issuer's CA
 * as a PEM CA certificate valid now, its subject canonical (canonicalSubject). Errors name the field
 * (`certificates/0`, `issuers/1/ca`), never echo a PEM.
 */
export function agencyCertificatesOf(registration: { fingerprints: readonly string[]; issuers?: readonly { ca: string; subject: string }[] }, now: number): AgencyCertificates {
  if (registration.fingerprints.length > CERTIFICATE_LIMITS.fingerprints) throw new GovernanceInputError('certificates', `lists more than ${CERTIFICATE_LIMITS.fingerprints} certificates`);
  const fingerprints = registration.fingerprints.map((f, i) => certificateFingerprintOf(f, `certificates/${i}`));
  if (new Set(fingerprints).size !== fingerprints.length) throw new GovernanceInputError('certificates', 'names a certificate twice');
  const given = registration.issuers ?? [];
  if (given.length > CERTIFICATE_LIMITS.issuers) throw new GovernanceInputError('issuers', `lists more than ${CERTIFICATE_LIMITS.issuers} issuers`);
  const issuers: CertificateIssuer[] = given.map(({ ca, subject }, i) => {
    if (ca.length > CERTIFICATE_LIMITS.pemLength) throw new GovernanceInputError(`issuers/${i}/ca`, `is longer than ${CERTIFICATE_LIMITS.pemLength} characters`);
    const parsed = parseIssuer(ca, subject, now);
    if ('field' in parsed) throw new GovernanceInputError(`issuers/${i}/${parsed.field}`, parsed.detail);
    return parsed.issuer;
  });
  if (new Set(issuers.map((i) => `${i.ca}\u0000${i.subject}`)).size !== issuers.length) throw new GovernanceInputError('issuers', 'names an issuer and subject twice');
  return { fingerprints, issuers };
}
