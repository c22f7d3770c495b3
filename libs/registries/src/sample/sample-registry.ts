import type { AddressRecord, AddressRegistry } from '../address/address.port';
import type { GoodsKey, GoodsRecord, GoodsRegistry } from '../goods/goods.port';
import type { IdentityRegistry, PersonRecord } from '../identity/identity.port';
import type { CompanyRecord, LegalEntityRegistry } from '../legal-entity/legal-entity.port';
import type { VehicleKey, VehicleRecord, VehicleRegistry } from '../vehicle/vehicle.port';
import { generateSampleDataset, type SampleDataset } from './sample-dataset';

/**
 * The sample backend: all five registries answered from a generated dataset
 * held in memory. It belongs to the registries, not the broker, and is never
 * written to disk.
 */
export class SampleRegistry implements IdentityRegistry, LegalEntityRegistry, AddressRegistry, VehicleRegistry, GoodsRegistry {
  private readonly persons: Map<string, PersonRecord>;
  private readonly companies: Map<string, CompanyRecord>;
  private readonly addresses: Map<string, AddressRecord>;
  private readonly vehiclesByPlate: Map<string, VehicleRecord>;
  private readonly vehiclesByVin: Map<string, VehicleRecord>;
  private readonly goodsByIranCode: Map<string, GoodsRecord>;
  private readonly goodsByGtin: Map<string, GoodsRecord>;

  constructor(readonly dataset: SampleDataset) {
    this.persons = indexBy(dataset.persons, (p) => p.nationalId);
    this.companies = indexBy(dataset.companies, (c) => c.nationalId);
    this.addresses = indexBy(dataset.addresses, (a) => a.postalCode);
    this.vehiclesByPlate = indexBy(dataset.vehicles, (v) => v.plate);
    this.vehiclesByVin = indexBy(dataset.vehicles, (v) => v.vin);
    this.goodsByIranCode = indexBy(dataset.goods, (g) => g.iranCode);
    this.goodsByGtin = indexBy(dataset.goods.filter((g) => g.gtin), (g) => g.gtin!);
  }

  private static shared: SampleRegistry | undefined;

  /** The default dataset, generated once per process. */
  static default(): SampleRegistry {
    return (SampleRegistry.shared ??= new SampleRegistry(generateSampleDataset()));
  }

  async findPerson(nationalId: string): Promise<PersonRecord | null> {
    return this.persons.get(nationalId) ?? null;
  }

  async findCompany(nationalId: string): Promise<CompanyRecord | null> {
    return this.companies.get(nationalId) ?? null;
  }

  async findAddress(postalCode: string): Promise<AddressRecord | null> {
    return this.addresses.get(postalCode) ?? null;
  }

  async findVehicle(key: VehicleKey): Promise<VehicleRecord | null> {
    return ('plate' in key ? this.vehiclesByPlate.get(key.plate) : this.vehiclesByVin.get(key.vin)) ?? null;
  }

  async findGoods(key: GoodsKey): Promise<GoodsRecord | null> {
    return ('iranCode' in key ? this.goodsByIranCode.get(key.iranCode) : this.goodsByGtin.get(key.gtin)) ?? null;
  }
}

function indexBy<T>(records: readonly T[], key: (record: T) => string): Map<string, T> {
  return new Map(records.map((r) => [key(r), r]));
}
