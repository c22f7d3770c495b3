import type { AddressRecord } from '../address/address.port';
import type { GoodsRecord } from '../goods/goods.port';
import type { PersonRecord } from '../identity/identity.port';
import type { CompanyRecord } from '../legal-entity/legal-entity.port';
import type { VehicleRecord } from '../vehicle/vehicle.port';

/**
 * The records the schema examples and the README's try-it calls use. They
 * are part of every sample dataset, whatever the seed.
 */
export const PINNED_PERSONS: PersonRecord[] = [
  { nationalId: '0067749828', firstName: 'زهرا', lastName: 'محمدی', fatherName: 'علی', gender: 'female', birthDate: '1988-03-21', deathDate: null },
  { nationalId: '1273456904', firstName: 'حسن', lastName: 'رضایی', fatherName: 'محمود', gender: 'male', birthDate: '1941-08-15', deathDate: '2019-11-02' },
];

export const PINNED_ADDRESSES: AddressRecord[] = [
  {
    postalCode: '1193653471',
    province: 'تهران',
    city: 'تهران',
    locality: 'یوسف‌آباد',
    street: 'خیابان فتحی شقاقی',
    plaque: '12',
    unit: '3',
    floor: '2',
    latitude: 35.7298,
    longitude: 51.4042,
  },
  {
    postalCode: '8155139411',
    province: 'اصفهان',
    city: 'اصفهان',
    locality: 'جلفا',
    street: 'خیابان نظر شرقی',
    plaque: '48',
    unit: null,
    floor: null,
    latitude: 32.6371,
    longitude: 51.6621,
  },
];

export const PINNED_COMPANIES: CompanyRecord[] = [
  {
    nationalId: '10100841331',
    name: 'شرکت داده‌پردازان پارس',
    legalForm: 'private-joint-stock',
    registrationNumber: '123456',
    registrationDate: '2004-05-10',
    status: 'active',
    postalCode: '1193653471',
  },
  {
    nationalId: '10320608751',
    name: 'شرکت تعاونی فرش دستباف اصفهان',
    legalForm: 'cooperative',
    registrationNumber: '8841',
    registrationDate: '1996-10-02',
    status: 'in-liquidation',
    postalCode: '8155139411',
  },
];

export const PINNED_VEHICLES: VehicleRecord[] = [
  {
    plate: '12ب345-67',
    vin: 'NAAM11CA3EK123456',
    make: 'ایران خودرو',
    model: 'سمند',
    year: 2014,
    colour: 'سفید',
    status: 'active',
    ownerNationalId: '0067749828',
  },
];

export const PINNED_GOODS: GoodsRecord[] = [
  {
    iranCode: '2780000116820001',
    gtin: '6260100001237',
    descriptionFa: 'آب آشامیدنی معدنی ۱٫۵ لیتری',
    descriptionEn: 'Mineral drinking water, 1.5 L',
    hsCode: '22011010',
    hsTitle: 'آب معدنی',
    brand: 'چشمه پارس',
    producerNationalId: '10100841331',
  },
];
