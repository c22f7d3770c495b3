import type { BackendRequest } from '../adapter/registry-adapter';

export interface AddressRecord {
  postalCode: string;
  province: string;
  city: string;
  locality: string;
  street: string;
  plaque: string;
  unit: string | null;
  floor: string | null;
  latitude: number;
  longitude: number;
}

export interface AddressRegistry {
  findAddress(postalCode: string, request: BackendRequest): Promise<AddressRecord | null>;
}
