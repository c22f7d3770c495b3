/**
 * Compares names the way a clerk would: Arabic and Persian forms of the same
 * letter are one letter, and diacritics, tatweel, ZWNJ and spacing do not count.
 */
export function normalizePersianName(name: string): string {
  return name
    .normalize('NFC')
    .replace(/[\u064A\u0649]/g, '\u06CC') // Arabic yeh and alef maksura → Persian yeh
    .replace(/\u0643/g, '\u06A9') // Arabic kaf → Persian keheh
    .replace(/\u0629/g, '\u0647') // teh marbuta → heh
    .replace(/[\u0623\u0625\u0671]/g, '\u0627') // hamza-carrying alefs → alef
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '') // harakat, superscript alef, tatweel
    .replace(/[\s\u200C\u200D]+/g, '')
    .toLowerCase();
}

export function sameName(a: string, b: string): boolean {
  return normalizePersianName(a) === normalizePersianName(b);
}
