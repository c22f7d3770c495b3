import { RecordNotFoundError, type RegistryAdapter, type RegistryCall } from '../adapter/registry-adapter';
import type { AddressRegistry } from './address.port';

export class AddressAdapter implements RegistryAdapter {
  readonly registry = 'address';
  readonly services = ['postal-code'] as const;

  constructor(private readonly backend: AddressRegistry) {}

  async answer(_service: string, body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
    const address = await call((request) => this.backend.findAddress(body.postalCode as string, request));
    if (!address) throw new RecordNotFoundError();
    const { latitude, longitude, postalCode: _key, ...fields } = address;
    return { ...fields, coordinates: { latitude, longitude } };
  }
}
