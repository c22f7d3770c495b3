import type { PersonRecord } from '../identity/identity.port';
import { API_COMPANY_STATES, API_LEGAL_FORMS } from '../legal-entity/legal-entity.http';
import type { CompanyRecord } from '../legal-entity/legal-entity.port';
import type { AddressRecord } from '../address/address.port';
import type { VehicleRecord } from '../vehicle/vehicle.port';
import type { GoodsRecord } from '../goods/goods.port';

/**
 * The registries' records as their REST APIs give them (each registry's own field names): the inverse of the
 * HTTP backends' mappings, for the fake registries the tests serve. Never used by a deployment.
 */
export function personToApi(person: PersonRecord): Record<string, unknown> {
  return {
    nin: person.nationalId,
    first_name: person.firstName,
    last_name: person.lastName,
    father_name: person.fatherName,
    sex: person.gender === 'female' ? 'F' : 'M',
    birth_date: person.birthDate,
    death_date: person.deathDate,
  };
}

export function companyToApi(company: CompanyRecord): Record<string, unknown> {
  const label = (map: Record<string, string>, code: string) => Object.keys(map).find((k) => map[k] === code);
  return {
    national_id: company.nationalId,
    title: company.name,
    entity_type: label(API_LEGAL_FORMS, company.legalForm),
    reg_no: Number(company.registrationNumber),
    reg_date: company.registrationDate,
    state: label(API_COMPANY_STATES, company.status),
    postal_code: company.postalCode,
  };
}

export function addressToApi(address: AddressRecord): Record<string, unknown> {
  return {
    postcode: address.postalCode,
    province_name: address.province,
    city_name: address.city,
    district: address.locality,
    street_name: address.street,
    building_no: address.plaque,
    unit_no: address.unit,
    floor_no: address.floor,
    lat: address.latitude,
    lng: address.longitude,
  };
}

export function vehicleToApi(vehicle: VehicleRecord): Record<string, unknown> {
  return {
    plate_no: vehicle.plate,
    vin: vehicle.vin,
    manufacturer: vehicle.make,
    model_name: vehicle.model,
    model_year: vehicle.year,
    color: vehicle.colour,
    state: vehicle.status.toUpperCase(),
    owner_nin: vehicle.ownerNationalId,
  };
}

export function goodsToApi(goods: GoodsRecord): Record<string, unknown> {
  return {
    iran_code: goods.iranCode,
    gtin: goods.gtin,
    title_fa: goods.descriptionFa,
    title_en: goods.descriptionEn,
    hs_code: goods.hsCode,
    hs_title: goods.hsTitle,
    brand_name: goods.brand,
    producer_national_id: goods.producerNationalId,
  };
}
