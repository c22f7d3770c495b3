import { isIP } from 'node:net';
import { GovernanceInputError } from './governance-error';

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
