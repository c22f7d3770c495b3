import { normalizePersianName, sameName } from '@nix/registries';

const ZWNJ = '\u200C';
const TATWEEL = '\u0640';

describe('sameName', () => {
  it.each([
    ['Arabic yeh for Persian yeh', 'علي', 'علی'],
    ['alef maksura for Persian yeh', 'مصطفى', 'مصطفی'],
    ['Arabic kaf for Persian keheh', 'كاظم', 'کاظم'],
    ['Arabic kaf and yeh together', 'كريمي', 'کریمی'],
    ['teh marbuta for heh', 'فاطمة', 'فاطمه'],
    ['alef with hamza above for alef', 'أحمد', 'احمد'],
    ['alef with hamza below for alef', 'إبراهيم', 'ابراهیم'],
    ['ZWNJ against a space', `عبد${ZWNJ}الله`, 'عبد الله'],
    ['ZWNJ against nothing', `محمد${ZWNJ}حسین`, 'محمدحسین'],
    ['a space against nothing', 'عبد الله', 'عبدالله'],
    ['surrounding and doubled spaces', '  زهرا   ', 'زهرا'],
    ['diacritics (harakat)', 'مُحَمَّد', 'محمد'],
    ['tanwin', 'جداً', 'جدا'],
    ['superscript alef', 'رحمٰن', 'رحمن'],
    ['tatweel', `محـ${TATWEEL}ـمد`, 'محمد'],
    ['Latin letter case', 'Zahra', 'ZAHRA'],
  ])('treats %s as the same name', (_how, a, b) => {
    expect(sameName(a, b)).toBe(true);
    expect(sameName(b, a)).toBe(true);
  });

  it.each([
    ['different names', 'زهرا', 'فاطمه'],
    ['different family names', 'محمدی', 'احمدی'],
    ['a missing letter', 'محمدی', 'محمد'],
    ['an extra letter', 'علی', 'عالی'],
    ['keheh against gaf', 'کل', 'گل'],
    ['yeh against alef', 'علی', 'علا'],
    ['a name against the empty string', 'زهرا', ''],
  ])('tells %s apart', (_how, a, b) => {
    expect(sameName(a, b)).toBe(false);
  });

  it('compares composed and decomposed forms alike', () => {
    // Alef with madda above, precomposed (U+0622) and as alef + combining madda (U+0627 U+0653).
    expect(sameName('\u0622رش', '\u0627\u0653رش')).toBe(true);
  });
});

describe('normalizePersianName', () => {
  it('writes Arabic letter forms as Persian and drops marks and spacing', () => {
    expect(normalizePersianName(`عَليّ ${ZWNJ}كريمي${TATWEEL}`)).toBe('علیکریمی');
  });

  it('leaves a clean Persian name as it is', () => {
    expect(normalizePersianName('فاطمه')).toBe('فاطمه');
  });
});
