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
  findVehicle(key: VehicleKey, signal: AbortSignal): Promise<VehicleRecord | null>;
}
