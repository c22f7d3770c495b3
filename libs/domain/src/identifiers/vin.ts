/**
 * Vehicle identification number (ISO 3779): 17 characters without I, O or Q.
 * The ninth character is the check digit: transliterated characters weighted
 * 8,7,6,5,4,3,2,10,0,9,...,2, summed mod 11, with 10 written as X.
 */
const TRANSLITERATION: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

function valueOf(char: string): number {
  return char >= '0' && char <= '9' ? char.charCodeAt(0) - 48 : TRANSLITERATION[char];
}

export function vinCheckCharacter(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) if (i !== 8) sum += valueOf(vin[i]) * WEIGHTS[i];
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

export function vinProblem(value: string): string | null {
  if (value.length !== 17) return 'must be exactly 17 characters';
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(value)) return 'may hold only digits and capital letters other than I, O and Q';
  // Position 10 is the model year; U, Z and 0 are never used there.
  if (/[UZ0]/.test(value[9])) return 'has an invalid model-year character at position 10';
  if (vinCheckCharacter(value) !== value[8]) return 'has a wrong check character at position 9';
  return null;
}
