import { RecordNotFoundError, type RegistryAdapter, type RegistryCall } from '../adapter/registry-adapter';
import type { VehicleKey, VehicleRegistry } from './vehicle.port';

export class VehicleAdapter implements RegistryAdapter {
  readonly registry = 'vehicle';
  readonly services = ['vehicle'] as const;

  constructor(private readonly backend: VehicleRegistry) {}

  async answer(_service: string, body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
    const key: VehicleKey = typeof body.plate === 'string' ? { plate: body.plate } : { vin: body.vin as string };
    const vehicle = await call((request) => this.backend.findVehicle(key, request));
    if (!vehicle) throw new RecordNotFoundError();
    const { ownerNationalId, ...fields } = vehicle;
    // The owner is never revealed; a named person is only confirmed or not.
    const ownership = typeof body.ownerNationalId === 'string' ? { ownerMatch: body.ownerNationalId === ownerNationalId } : {};
    return { ...fields, ...ownership };
  }
}
