import type { BackendRequest } from '../adapter/registry-adapter';
import { asObject, optionalText, text, unreadable, type RegistryHttpClient } from '../http/registry-http-client';
import type { AddressRecord, AddressRegistry } from './address.port';

/**
 * Iran Post's GNAF REST API:
 * GET /addresses/{postalCode} → { postcode, province_name, city_name, district, street_name, building_no, unit_no, floor_no, lat, lng }.
 */
export class AddressHttpRegistry implements AddressRegistry {
  constructor(private readonly http: RegistryHttpClient) {}

  async findAddress(postalCode: string, request: BackendRequest): Promise<AddressRecord | null> {
    const { status, body } = await this.http.getJson(`/addresses/${postalCode}`, request);
    return status === 404 ? null : addressFromApi(asObject('address', body));
  }
}

export function addressFromApi(api: Record<string, unknown>): AddressRecord {
  const coordinate = (field: string) => (typeof api[field] === 'number' ? (api[field]) : unreadable('address', field));
  return {
    postalCode: text('address', api, 'postcode'),
    province: text('address', api, 'province_name'),
    city: text('address', api, 'city_name'),
    locality: text('address', api, 'district'),
    street: text('address', api, 'street_name'),
    plaque: optionalText('address', api, 'building_no') ?? unreadable('address', 'building_no'),
    unit: optionalText('address', api, 'unit_no'),
    floor: optionalText('address', api, 'floor_no'),
    latitude: coordinate('lat'),
    longitude: coordinate('lng'),
  };
}
