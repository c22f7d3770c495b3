import type { BackendRequest } from '../adapter/registry-adapter';

export interface VehicleRecord {
  plate: string;
  vin: string;
  make: string;
  model: string;
  year: number;
  colour: string;
  status: 'active' | 'stolen' | 'scrapped';
  ownerNationalId: string;
}

export type VehicleKey = { plate: string } | { vin: string };

export interface VehicleRegistry {
  findVehicle(key: VehicleKey, request: BackendRequest): Promise<VehicleRecord | null>;
}
