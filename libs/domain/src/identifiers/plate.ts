/**
 * Iranian vehicle plate, written the way agencies exchange it:
 * two digits, a Persian series letter, three digits, a dash and the two-digit
 * region code, e.g. "12ب345-67". Persian digits are not accepted: the API is
 * machine-to-machine and uses ASCII digits throughout.
 */
export const PLATE_LETTERS = [
  'الف', 'ب', 'پ', 'ت', 'ث', 'ج', 'د', 'ز', 'س', 'ش', 'ص', 'ط', 'ظ', 'ع', 'ف', 'ق', 'ک', 'گ', 'ل', 'م', 'ن', 'و', 'ه', 'ی', 'ژ',
] as const;

const PLATE = /^(\d{2})(\p{Script=Arabic}+)(\d{3})-(\d{2})$/u;

export interface PlateParts {
  left: string;
  letter: string;
  middle: string;
  region: string;
}

export function parsePlate(value: string): PlateParts | null {
  const match = PLATE.exec(value);
  if (!match) return null;
  return { left: match[1], letter: match[2], middle: match[3], region: match[4] };
}

export function formatPlate(parts: PlateParts): string {
  return `${parts.left}${parts.letter}${parts.middle}-${parts.region}`;
}

export function plateProblem(value: string): string | null {
  const parts = parsePlate(value);
  if (!parts) return 'must look like 12ب345-67: two digits, a Persian letter, three digits, a dash and a two-digit region code';
  if (!(PLATE_LETTERS as readonly string[]).includes(parts.letter)) return `has "${parts.letter}", which is not a plate series letter`;
  if (parts.left.startsWith('0')) return 'may not start with 0';
  if (parts.region < '10') return 'has a region code below 10';
  return null;
}
