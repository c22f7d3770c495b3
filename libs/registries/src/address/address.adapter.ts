import { notFound, ok, type AdapterAnswer, type RegistryAdapter, type RegistryCall } from '../adapter/registry-adapter';
import type { AddressRegistry } from './address.port';

export class AddressAdapter implements RegistryAdapter {
  readonly registry = 'address';
  readonly services = ['postal-code'] as const;

  constructor(private readonly backend: AddressRegistry) {}

  async answer(_service: string, body: Record<string, unknown>, call: RegistryCall): Promise<AdapterAnswer> {
    const address = await call((signal) => this.backend.findAddress(body.postalCode as string, signal));
    if (!address) return notFound;
    const { latitude, longitude, postalCode: _key, ...fields } = address;
    return ok({ ...fields, coordinates: { latitude, longitude } });
  }
}
