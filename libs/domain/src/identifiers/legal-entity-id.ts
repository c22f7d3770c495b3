/**
 * Legal-entity national ID (شناسه ملی اشخاص حقوقی): 11 digits. The check digit
 * weights each of the first ten digits, shifted by the tenth digit plus two,
 * with the coefficients 29, 27, 23, 19, 17 repeated; the sum mod 11 (10 → 0).
 */
const COEFFICIENTS = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17];

export function legalEntityIdCheckDigit(firstTen: string): number {
  const shift = firstTen.charCodeAt(9) - 48 + 2;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (firstTen.charCodeAt(i) - 48 + shift) * COEFFICIENTS[i];
  const remainder = sum % 11;
  return remainder === 10 ? 0 : remainder;
}

export function legalEntityIdProblem(value: string): string | null {
  if (!/^\d{11}$/.test(value)) return 'must be exactly 11 digits (0-9)';
  // The registry never issues a serial (digits 4 to 9) of all zeros.
  if (value.slice(3, 9) === '000000') return 'is not an issued legal-entity ID (digits 4 to 9 are all 0)';
  if (legalEntityIdCheckDigit(value) !== value.charCodeAt(10) - 48) return 'has a wrong check digit';
  return null;
}
