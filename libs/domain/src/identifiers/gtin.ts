/**
 * GS1 GTIN-8, -12, -13 or -14. The last digit is a mod-10 check digit over
 * the others weighted 3,1,3,... from the right.
 */
export function gtinCheckDigit(withoutCheck: string): number {
  let sum = 0;
  for (let i = withoutCheck.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (withoutCheck.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

export function gtinProblem(value: string): string | null {
  if (!/^(\d{8}|\d{12,14})$/.test(value)) return 'must be 8, 12, 13 or 14 digits (GTIN-8, -12, -13 or -14)';
  if (gtinCheckDigit(value.slice(0, -1)) !== value.charCodeAt(value.length - 1) - 48) return 'has a wrong check digit';
  return null;
}
