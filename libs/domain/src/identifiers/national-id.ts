/**
 * Iranian national ID (کد ملی): 10 digits, the last one a mod-11 check digit
 * over the first nine weighted 10..2.
 */
export function nationalIdCheckDigit(firstNine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (firstNine.charCodeAt(i) - 48) * (10 - i);
  const remainder = sum % 11;
  return remainder < 2 ? remainder : 11 - remainder;
}

/** Returns why the value is not a national ID, or null when it is one. */
export function nationalIdProblem(value: string): string | null {
  if (!/^\d{10}$/.test(value)) return 'must be exactly 10 digits (0-9)';
  // Ten equal digits pass the checksum but are never issued.
  if (/^(\d)\1{9}$/.test(value)) return 'is not an issued national ID (all digits equal)';
  if (nationalIdCheckDigit(value) !== value.charCodeAt(9) - 48) return 'has a wrong check digit';
  return null;
}
