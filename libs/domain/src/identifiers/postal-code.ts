/**
 * Iran Post 10-digit postal code. Iran Post never issues 0 or 2 in the first
 * five digits (the sorting zone), 5 in the fifth digit, 2 in the last five,
 * nor a code starting with four equal digits.
 */
const ZONE_DIGITS = /^[13-9]{4}[1346-9]$/;
const TAIL_DIGITS = /^[013-9]{5}$/;

export function postalCodeProblem(value: string): string | null {
  if (!/^\d{10}$/.test(value)) return 'must be exactly 10 digits (0-9)';
  if (!ZONE_DIGITS.test(value.slice(0, 5))) {
    return 'has an invalid zone: the first five digits may not contain 0 or 2, and the fifth may not be 5';
  }
  if (!TAIL_DIGITS.test(value.slice(5))) return 'may not contain 2 in its last five digits';
  if (/^(\d)\1{3}/.test(value)) return 'may not start with four equal digits';
  return null;
}
