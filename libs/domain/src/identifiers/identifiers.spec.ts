import {
  IDENTIFIER_FORMATS,
  formatPlate,
  gtinCheckDigit,
  gtinProblem,
  iranCodeProblem,
  legalEntityIdCheckDigit,
  legalEntityIdProblem,
  nationalIdCheckDigit,
  nationalIdProblem,
  parsePlate,
  plateProblem,
  postalCodeProblem,
  vinCheckCharacter,
  vinProblem,
} from '@nix/domain';

/** Persian (U+06F0..) and Arabic-Indic (U+0660..) forms of ASCII digits. */
const persianDigits = (ascii: string) => ascii.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
const arabicDigits = (ascii: string) => ascii.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));

describe('national ID (کد ملی)', () => {
  const LENGTH = 'must be exactly 10 digits (0-9)';

  it.each(['0499370899', '0790419904', '0084575948', '0013542419', '0067749828', '1273456904'])('accepts %s', (id) => {
    expect(nationalIdProblem(id)).toBeNull();
  });

  it.each([
    ['wrong check digit', '0499370898', 'has a wrong check digit'],
    ['check digit off by one upwards', '0067749829', 'has a wrong check digit'],
    ['two digits swapped', '0499370989', 'has a wrong check digit'],
    ['nine digits', '049937089', LENGTH],
    ['eleven digits', '04993708990', LENGTH],
    ['empty', '', LENGTH],
    ['Persian digits', persianDigits('0499370899'), LENGTH],
    ['Arabic-Indic digits', arabicDigits('0499370899'), LENGTH],
    ['a letter', '04993708a9', LENGTH],
    ['a dash', '049-937089', LENGTH],
    ['surrounding space', ' 0499370899', LENGTH],
    ['trailing newline', '0499370899\n', LENGTH],
    ['all zeros', '0000000000', 'is not an issued national ID (all digits equal)'],
    ['all ones', '1111111111', 'is not an issued national ID (all digits equal)'],
    ['all nines', '9999999999', 'is not an issued national ID (all digits equal)'],
  ])('refuses %s (%s)', (_case, id, reason) => {
    expect(nationalIdProblem(id)).toBe(reason);
  });

  it('computes the mod-11 check digit over the first nine digits', () => {
    expect(nationalIdCheckDigit('049937089')).toBe(9);
    expect(nationalIdCheckDigit('079041990')).toBe(4);
    expect(nationalIdCheckDigit('006774982')).toBe(8);
  });

  it('uses the remainder itself as the check digit when it is 0 or 1', () => {
    // 2*10 + 1*2 = 22 ≡ 0 (mod 11); 1*10 + 1*2 = 12 ≡ 1 (mod 11)
    expect(nationalIdCheckDigit('200000001')).toBe(0);
    expect(nationalIdCheckDigit('100000001')).toBe(1);
    expect(nationalIdProblem('2000000010')).toBeNull();
    expect(nationalIdProblem('1000000011')).toBeNull();
    expect(nationalIdProblem('1000000010')).toBe('has a wrong check digit');
  });

  it('ignores a tenth character when computing the check digit', () => {
    expect(nationalIdCheckDigit('0499370899')).toBe(nationalIdCheckDigit('049937089'));
  });
});

describe('legal-entity national ID (شناسه ملی)', () => {
  const LENGTH = 'must be exactly 11 digits (0-9)';

  it.each(['10100841331', '10320608751', '10100841370'])('accepts %s', (id) => {
    expect(legalEntityIdProblem(id)).toBeNull();
  });

  it.each([
    ['wrong check digit', '10100841332', 'has a wrong check digit'],
    ['wrong check digit', '10320608750', 'has a wrong check digit'],
    ['ten digits', '1010084133', LENGTH],
    ['twelve digits', '101008413310', LENGTH],
    ['a national ID instead', '0499370899', LENGTH],
    ['Persian digits', persianDigits('10100841331'), LENGTH],
    ['Arabic-Indic digits', arabicDigits('10100841331'), LENGTH],
    ['a letter', '1010084133O', LENGTH],
    ['a serial of zeros', '10100000001', 'is not an issued legal-entity ID (digits 4 to 9 are all 0)'],
    ['all zeros', '00000000000', 'is not an issued legal-entity ID (digits 4 to 9 are all 0)'],
  ])('refuses %s (%s)', (_case, id, reason) => {
    expect(legalEntityIdProblem(id)).toBe(reason);
  });

  it('computes the check digit from the first ten digits', () => {
    expect(legalEntityIdCheckDigit('1010084133')).toBe(1);
    expect(legalEntityIdCheckDigit('1032060875')).toBe(1);
  });

  it('writes a remainder of 10 as check digit 0', () => {
    // Its weighted sum is ≡ 10 (mod 11).
    expect(legalEntityIdCheckDigit('1010084137')).toBe(0);
    expect(legalEntityIdProblem('10100841370')).toBeNull();
    expect(legalEntityIdProblem('10100841371')).toBe('has a wrong check digit');
  });
});

describe('postal code (کد پستی)', () => {
  const LENGTH = 'must be exactly 10 digits (0-9)';
  const ZONE = 'has an invalid zone: the first five digits may not contain 0 or 2, and the fifth may not be 5';

  it.each(['1193653471', '8155139411', '9176843310'])('accepts %s', (code) => {
    expect(postalCodeProblem(code)).toBeNull();
  });

  it.each([
    ['nine digits', '119365347', LENGTH],
    ['eleven digits', '11936534711', LENGTH],
    ['a dash', '11936-53471', LENGTH],
    ['Persian digits', persianDigits('1193653471'), LENGTH],
    ['a letter', '119365347a', LENGTH],
    ['0 in the zone', '0193653471', ZONE],
    ['0 as the fifth digit', '1193053471', ZONE],
    ['2 in the zone', '1293653471', ZONE],
    ['5 as the fifth digit', '1193553471', ZONE],
    ['2 in the last five digits', '1193653421', 'may not contain 2 in its last five digits'],
    ['four equal leading digits', '1111653471', 'may not start with four equal digits'],
    ['all ones', '1111111111', 'may not start with four equal digits'],
  ])('refuses %s (%s)', (_case, code, reason) => {
    expect(postalCodeProblem(code)).toBe(reason);
  });

  it('allows three equal leading digits and 5 among the first four', () => {
    expect(postalCodeProblem('1115653471')).toBeNull();
    expect(postalCodeProblem('5553653471')).toBeNull();
  });
});

describe('vehicle plate', () => {
  const SHAPE = 'must look like 12ب345-67: two digits, a Persian letter, three digits, a dash and a two-digit region code';

  it.each(['12ب345-67', '12الف345-67', '99ژ999-99', '10ی100-10'])('accepts %s', (plate) => {
    expect(plateProblem(plate)).toBeNull();
  });

  it.each([
    ['a Latin letter', '12B345-67', SHAPE],
    ['Persian digits', persianDigits('12') + 'ب' + persianDigits('345') + '-' + persianDigits('67'), SHAPE],
    ['no letter', '12345-67', SHAPE],
    ['two middle digits', '12ب34-67', SHAPE],
    ['one region digit', '12ب345-6', SHAPE],
    ['a space for the dash', '12ب345 67', SHAPE],
    ['no dash', '12ب34567', SHAPE],
    ['the empty string', '', SHAPE],
    ['Arabic kaf (not Persian keheh)', '12ك345-67', 'has "ك", which is not a plate series letter'],
    ['Arabic yeh (not Persian yeh)', '12ي345-67', 'has "ي", which is not a plate series letter'],
    ['two letters', '12بب345-67', 'has "بب", which is not a plate series letter'],
    ['a leading zero', '02ب345-67', 'may not start with 0'],
    ['a region code below 10', '12ب345-07', 'has a region code below 10'],
    ['region code 00', '12ب345-00', 'has a region code below 10'],
  ])('refuses %s (%s)', (_case, plate, reason) => {
    expect(plateProblem(plate)).toBe(reason);
  });

  it('parses a plate into its parts and formats it back', () => {
    const parts = parsePlate('12الف345-67');
    expect(parts).toEqual({ left: '12', letter: 'الف', middle: '345', region: '67' });
    expect(formatPlate(parts!)).toBe('12الف345-67');
    expect(parsePlate('12B345-67')).toBeNull();
  });
});

describe('VIN', () => {
  const CHARACTERS = 'may hold only digits and capital letters other than I, O and Q';

  it.each(['1M8GDM9AXKP042788', 'NAAM11CA3EK123456', '11111111111111111'])('accepts %s', (vin) => {
    expect(vinProblem(vin)).toBeNull();
  });

  it.each([
    ['16 characters', '1M8GDM9AXKP04278', 'must be exactly 17 characters'],
    ['18 characters', '1M8GDM9AXKP0427888', 'must be exactly 17 characters'],
    ['empty', '', 'must be exactly 17 characters'],
    ['lower case', '1m8gdm9axkp042788', CHARACTERS],
    ['the letter O', '1M8GDM9AXKPO42788', CHARACTERS],
    ['the letter I', 'NAAM11CA3EKI23456', CHARACTERS],
    ['the letter Q', 'NAAM11CA3EKQ23456', CHARACTERS],
    ['a space', 'NAAM11CA3EK 23456', CHARACTERS],
    ['Persian digits', persianDigits('1M8GDM9AXKP042788'), CHARACTERS],
    ['model year 0', '1M8GDM9AX0P042788', 'has an invalid model-year character at position 10'],
    ['model year U', '1M8GDM9AXUP042788', 'has an invalid model-year character at position 10'],
    ['model year Z', '1M8GDM9AXZP042788', 'has an invalid model-year character at position 10'],
    ['a wrong check character', '1M8GDM9A1KP042788', 'has a wrong check character at position 9'],
    ['a wrong check digit', 'NAAM11CA4EK123456', 'has a wrong check character at position 9'],
    ['a changed serial', 'NAAM11CA3EK123457', 'has a wrong check character at position 9'],
  ])('refuses %s (%s)', (_case, vin, reason) => {
    expect(vinProblem(vin)).toBe(reason);
  });

  it('computes the check character, writing 10 as X and ignoring position 9', () => {
    expect(vinCheckCharacter('1M8GDM9AXKP042788')).toBe('X');
    expect(vinCheckCharacter('1M8GDM9A0KP042788')).toBe('X');
    expect(vinCheckCharacter('NAAM11CA3EK123456')).toBe('3');
  });
});

describe('GTIN', () => {
  const LENGTH = 'must be 8, 12, 13 or 14 digits (GTIN-8, -12, -13 or -14)';

  it.each([
    ['GTIN-13', '4006381333931'],
    ['GTIN-8', '96385074'],
    ['UPC-A (GTIN-12)', '036000291452'],
    ['GTIN-13 from Iran (626)', '6260100001237'],
    ['GTIN-14', '10012345678902'],
  ])('accepts a %s: %s', (_kind, gtin) => {
    expect(gtinProblem(gtin)).toBeNull();
  });

  it.each([
    ['wrong GTIN-13 check digit', '4006381333932', 'has a wrong check digit'],
    ['wrong GTIN-8 check digit', '96385075', 'has a wrong check digit'],
    ['wrong UPC-A check digit', '036000291453', 'has a wrong check digit'],
    ['7 digits', '9638507', LENGTH],
    ['9 digits', '963850740', LENGTH],
    ['11 digits', '03600029145', LENGTH],
    ['15 digits', '400638133393100', LENGTH],
    ['Persian digits', persianDigits('4006381333931'), LENGTH],
    ['a letter', '400638133393X', LENGTH],
    ['a hyphen', '400-6381333931', LENGTH],
  ])('refuses %s (%s)', (_case, gtin, reason) => {
    expect(gtinProblem(gtin)).toBe(reason);
  });

  it('computes the mod-10 check digit weighted 3,1,3,... from the right', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(gtinCheckDigit('9638507')).toBe(4);
    expect(gtinCheckDigit('03600029145')).toBe(2);
    expect(gtinCheckDigit('626010000123')).toBe(7);
  });

  it('gives 0 when the weighted sum is already a multiple of 10', () => {
    expect(gtinCheckDigit('0000000')).toBe(0);
  });
});

describe('Iran Code (ایران‌کد)', () => {
  const LENGTH = 'must be exactly 16 digits (0-9)';

  it.each(['2780000116820001', '1000000000000000', '9999999999999999'])('accepts %s', (code) => {
    expect(iranCodeProblem(code)).toBeNull();
  });

  it.each([
    ['a leading zero', '0780000116820001', 'may not start with 0'],
    ['15 digits', '278000011682000', LENGTH],
    ['17 digits', '27800001168200011', LENGTH],
    ['Persian digits', persianDigits('2780000116820001'), LENGTH],
    ['a letter', '278000011682000A', LENGTH],
    ['a GTIN instead', '6260100001237', LENGTH],
  ])('refuses %s (%s)', (_case, code, reason) => {
    expect(iranCodeProblem(code)).toBe(reason);
  });
});

describe('IDENTIFIER_FORMATS', () => {
  it('maps each schema format name to its validator, and nothing else', () => {
    const expected = {
      'ir-national-id': nationalIdProblem,
      'ir-legal-entity-id': legalEntityIdProblem,
      'ir-postal-code': postalCodeProblem,
      'ir-plate': plateProblem,
      vin: vinProblem,
      gtin: gtinProblem,
      'ir-iran-code': iranCodeProblem,
    };
    expect(Object.keys(IDENTIFIER_FORMATS).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, validator] of Object.entries(expected)) expect(IDENTIFIER_FORMATS[name]).toBe(validator);
  });

  it.each([
    ['ir-national-id', '0067749828', '0067749827'],
    ['ir-legal-entity-id', '10100841331', '10100841332'],
    ['ir-postal-code', '1193653471', '1293653471'],
    ['ir-plate', '12ب345-67', '12B345-67'],
    ['vin', 'NAAM11CA3EK123456', 'NAAM11CA4EK123456'],
    ['gtin', '6260100001237', '6260100001238'],
    ['ir-iran-code', '2780000116820001', '0780000116820001'],
  ])('%s accepts a good value and explains a bad one', (format, good, bad) => {
    expect(IDENTIFIER_FORMATS[format](good)).toBeNull();
    expect(IDENTIFIER_FORMATS[format](bad)).toEqual(expect.any(String));
  });
});
