import { Faker, base, en, fa } from '@faker-js/faker';
import {
  PLATE_LETTERS,
  gtinCheckDigit,
  legalEntityIdCheckDigit,
  nationalIdCheckDigit,
  nationalIdProblem,
  postalCodeProblem,
  vinCheckCharacter,
} from '@nix/domain';
import type { AddressRecord } from '../address/address.port';
import type { GoodsRecord } from '../goods/goods.port';
import type { PersonRecord } from '../identity/identity.port';
import type { CompanyRecord, LegalForm } from '../legal-entity/legal-entity.port';
import type { VehicleRecord } from '../vehicle/vehicle.port';
import { GOODS_KINDS, GOODS_SIZES, MODEL_YEAR_CODES, PROVINCE_ZONES, VEHICLE_COLOURS, VEHICLE_MODELS } from './reference-data';
import { PINNED_ADDRESSES, PINNED_COMPANIES, PINNED_GOODS, PINNED_PERSONS, PINNED_VEHICLES } from './pinned-records';

export interface SampleDataset {
  persons: PersonRecord[];
  companies: CompanyRecord[];
  addresses: AddressRecord[];
  vehicles: VehicleRecord[];
  goods: GoodsRecord[];
}

export interface SampleSizes {
  persons: number;
  companies: number;
  addresses: number;
  vehicles: number;
  goods: number;
}

export const DEFAULT_SAMPLE_SIZES: SampleSizes = { persons: 5000, companies: 2000, addresses: 5000, vehicles: 3000, goods: 2000 };
export const DEFAULT_SAMPLE_SEED = 1405;

const LEGAL_FORMS: LegalForm[] = ['private-joint-stock', 'limited-liability', 'public-joint-stock', 'cooperative', 'general-partnership', 'non-commercial-institution', 'state-owned'];
const INDUSTRIES = ['صنایع غذایی', 'بازرگانی', 'فناوری اطلاعات', 'ساختمانی', 'حمل و نقل', 'داروسازی', 'نساجی', 'پتروشیمی', 'کشاورزی', 'خدمات مالی'];

/**
 * Synthetic registries for the embedded default and the tests: the same seed
 * always gives the same records. Every identifier is valid, and the links
 * between registries hold: company seats and people's addresses are sample
 * postal codes, vehicle owners are sample persons, producers are sample
 * companies. The pinned records come first; the schema examples use them.
 */
export function generateSampleDataset(seed = DEFAULT_SAMPLE_SEED, sizes: SampleSizes = DEFAULT_SAMPLE_SIZES): SampleDataset {
  const faker = new Faker({ locale: [fa, en, base] });
  faker.seed(seed);
  const digits = (n: number) => faker.string.numeric({ length: n, allowLeadingZeros: true });
  const unique = <T>(taken: Set<string>, make: () => T, keyOf: (t: T) => string): T => {
    for (;;) {
      const value = make();
      const key = keyOf(value);
      if (!taken.has(key)) {
        taken.add(key);
        return value;
      }
    }
  };
  const day = (from: string, to: string) => faker.date.between({ from, to }).toISOString().slice(0, 10);

  const postalCodes = new Set(PINNED_ADDRESSES.map((a) => a.postalCode));
  const addresses: AddressRecord[] = [...PINNED_ADDRESSES];
  while (addresses.length < sizes.addresses) {
    const zone = faker.helpers.arrayElement(PROVINCE_ZONES);
    const postalCode = unique(
      postalCodes,
      () => {
        for (;;) {
          const code = faker.helpers.arrayElement(zone.postalPrefixes) + faker.helpers.fromRegExp(/[13-9]{2}[1346-9][013-9]{5}/);
          if (postalCodeProblem(code) === null) return code;
        }
      },
      (c) => c,
    );
    const hasUnit = faker.datatype.boolean({ probability: 0.6 });
    addresses.push({
      postalCode,
      province: zone.province,
      city: zone.city,
      locality: `محله ${faker.person.lastName()}`,
      street: faker.location.street(),
      plaque: String(faker.number.int({ min: 1, max: 400 })),
      unit: hasUnit ? String(faker.number.int({ min: 1, max: 40 })) : null,
      floor: hasUnit ? String(faker.number.int({ min: 1, max: 12 })) : null,
      latitude: round4(zone.latitude + faker.number.float({ min: -0.06, max: 0.06 })),
      longitude: round4(zone.longitude + faker.number.float({ min: -0.06, max: 0.06 })),
    });
  }

  const nationalIds = new Set(PINNED_PERSONS.map((p) => p.nationalId));
  const persons: PersonRecord[] = [...PINNED_PERSONS];
  while (persons.length < sizes.persons) {
    const nationalId = unique(
      nationalIds,
      () => {
        for (;;) {
          const firstNine = digits(9);
          const id = firstNine + nationalIdCheckDigit(firstNine);
          if (nationalIdProblem(id) === null) return id;
        }
      },
      (id) => id,
    );
    const gender = faker.helpers.arrayElement(['female', 'male'] as const);
    const birthDate = day('1930-01-01', '2008-12-31');
    const deceased = faker.datatype.boolean({ probability: 0.08 });
    persons.push({
      nationalId,
      firstName: faker.person.firstName(gender),
      lastName: faker.person.lastName(),
      fatherName: faker.person.firstName('male'),
      gender,
      birthDate,
      deathDate: deceased ? day(later(birthDate, 1), '2026-06-30') : null,
    });
  }

  const companyIds = new Set(PINNED_COMPANIES.map((c) => c.nationalId));
  const companies: CompanyRecord[] = [...PINNED_COMPANIES];
  while (companies.length < sizes.companies) {
    const nationalId = unique(
      companyIds,
      () => {
        const firstTen = `10${digits(8)}`;
        return firstTen + legalEntityIdCheckDigit(firstTen);
      },
      (id) => id,
    );
    companies.push({
      nationalId,
      name: `شرکت ${faker.helpers.arrayElement(INDUSTRIES)} ${faker.person.lastName()}`,
      legalForm: faker.helpers.weightedArrayElement(LEGAL_FORMS.map((value, i) => ({ value, weight: LEGAL_FORMS.length - i }))),
      registrationNumber: String(faker.number.int({ min: 1000, max: 999999 })),
      registrationDate: day('1970-01-01', '2025-12-31'),
      status: faker.helpers.weightedArrayElement([
        { value: 'active', weight: 80 },
        { value: 'suspended', weight: 4 },
        { value: 'in-liquidation', weight: 6 },
        { value: 'dissolved', weight: 10 },
      ]),
      postalCode: faker.helpers.arrayElement(addresses).postalCode,
    });
  }

  const plates = new Set(PINNED_VEHICLES.map((v) => v.plate));
  const vins = new Set(PINNED_VEHICLES.map((v) => v.vin));
  const vehicles: VehicleRecord[] = [...PINNED_VEHICLES];
  while (vehicles.length < sizes.vehicles) {
    const maker = faker.helpers.arrayElement(VEHICLE_MODELS);
    const year = faker.number.int({ min: 2001, max: 2025 });
    const plate = unique(
      plates,
      () =>
        `${faker.number.int({ min: 10, max: 99 })}${faker.helpers.arrayElement(PLATE_LETTERS)}${faker.number.int({ min: 100, max: 999 })}-${faker.number.int({ min: 10, max: 99 })}`,
      (p) => p,
    );
    const vin = unique(
      vins,
      () => {
        const draft = `${maker.wmi}${faker.helpers.fromRegExp(/[A-HJ-NPR-Z0-9]{5}/)}0${MODEL_YEAR_CODES[year]}${faker.helpers.fromRegExp(/[A-HJ-NPR-Z]/)}${digits(6)}`;
        return draft.slice(0, 8) + vinCheckCharacter(draft) + draft.slice(9);
      },
      (v) => v,
    );
    vehicles.push({
      plate,
      vin,
      make: maker.make,
      model: faker.helpers.arrayElement(maker.models),
      year,
      colour: faker.helpers.arrayElement(VEHICLE_COLOURS),
      status: faker.helpers.weightedArrayElement([
        { value: 'active', weight: 90 },
        { value: 'stolen', weight: 4 },
        { value: 'scrapped', weight: 6 },
      ]),
      ownerNationalId: faker.helpers.arrayElement(persons).nationalId,
    });
  }

  const iranCodes = new Set(PINNED_GOODS.map((g) => g.iranCode));
  const gtins = new Set(PINNED_GOODS.map((g) => g.gtin ?? ''));
  const goods: GoodsRecord[] = [...PINNED_GOODS];
  while (goods.length < sizes.goods) {
    const kind = faker.helpers.arrayElement(GOODS_KINDS);
    const size = faker.helpers.arrayElement(GOODS_SIZES);
    const brand = faker.person.lastName();
    goods.push({
      iranCode: unique(iranCodes, () => `${faker.number.int({ min: 1, max: 9 })}${digits(15)}`, (c) => c),
      gtin: faker.datatype.boolean({ probability: 0.8 })
        ? unique(
            gtins,
            () => {
              const body = `626${digits(9)}`;
              return body + gtinCheckDigit(body);
            },
            (g) => g,
          )
        : null,
      descriptionFa: `${kind.fa} ${brand} ${size.fa}`,
      descriptionEn: `${kind.en}, ${size.en}`,
      hsCode: kind.hsCode,
      hsTitle: kind.title,
      brand,
      producerNationalId: faker.helpers.arrayElement(companies).nationalId,
    });
  }

  return { persons, companies, addresses, vehicles, goods };
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}

function later(isoDate: string, years: number): string {
  return `${Number(isoDate.slice(0, 4)) + years}${isoDate.slice(4)}`;
}
