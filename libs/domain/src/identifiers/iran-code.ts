/**
 * Iran Code (ایران‌کد), the national goods and services code: 16 digits.
 * The first digit gives the kind (1 to 9; goods codes do not start with 0).
 * No public check-digit algorithm exists for it, so only its shape is checked;
 * the registry answers 404 for codes it never issued.
 */
export function iranCodeProblem(value: string): string | null {
  if (!/^\d{16}$/.test(value)) return 'must be exactly 16 digits (0-9)';
  if (value.startsWith('0')) return 'may not start with 0';
  return null;
}
