import type { BackendRequest } from '../adapter/registry-adapter';
import { asObject, text, unreadable, type RegistryHttpClient } from '../http/registry-http-client';
import type { VehicleKey, VehicleRecord, VehicleRegistry } from './vehicle.port';

const STATES: Record<string, VehicleRecord['status']> = { ACTIVE: 'active', STOLEN: 'stolen', SCRAPPED: 'scrapped' };

/**
 * The traffic police's REST API:
 * GET /vehicles?plate=… or ?vin=… → { plate_no, vin, manufacturer, model_name, model_year, color, state, owner_nin }.
 */
export class VehicleHttpRegistry implements VehicleRegistry {
  constructor(private readonly http: RegistryHttpClient) {}

  async findVehicle(key: VehicleKey, request: BackendRequest): Promise<VehicleRecord | null> {
    const query = 'plate' in key ? `plate=${encodeURIComponent(key.plate)}` : `vin=${key.vin}`;
    const { status, body } = await this.http.getJson(`/vehicles?${query}`, request);
    return status === 404 ? null : vehicleFromApi(asObject('vehicle', body));
  }
}

export function vehicleFromApi(api: Record<string, unknown>): VehicleRecord {
  const year = api.model_year;
  if (typeof year !== 'number' || !Number.isInteger(year)) unreadable('vehicle', 'model_year');
  return {
    plate: text('vehicle', api, 'plate_no'),
    vin: text('vehicle', api, 'vin'),
    make: text('vehicle', api, 'manufacturer'),
    model: text('vehicle', api, 'model_name'),
    year,
    colour: text('vehicle', api, 'color'),
    status: STATES[text('vehicle', api, 'state')] ?? unreadable('vehicle', 'state'),
    ownerNationalId: text('vehicle', api, 'owner_nin'),
  };
}
