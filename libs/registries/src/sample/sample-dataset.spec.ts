import {
  gtinProblem,
  iranCodeProblem,
  legalEntityIdProblem,
  nationalIdProblem,
  plateProblem,
  postalCodeProblem,
  vinProblem,
} from '@nix/domain';
import {
  DEFAULT_SAMPLE_SEED,
  DEFAULT_SAMPLE_SIZES,
  PINNED_ADDRESSES,
  PINNED_COMPANIES,
  PINNED_GOODS,
  PINNED_PERSONS,
  PINNED_VEHICLES,
  generateSampleDataset,
  type SampleDataset,
} from '@nix/registries';

const SMALL = { persons: 40, companies: 20, addresses: 40, vehicles: 20, goods: 20 };

/** The values for which `problem` finds a fault, with the fault: empty when all are valid. */
function invalid(values: readonly string[], problem: (value: string) => string | null): string[] {
  return values.flatMap((value) => {
    const reason = problem(value);
    return reason === null ? [] : [`${value}: ${reason}`];
  });
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

describe('generateSampleDataset', () => {
  let dataset: SampleDataset;
  beforeAll(() => {
    dataset = generateSampleDataset();
  });

  it('makes thousands of records per registry by default', () => {
    expect(DEFAULT_SAMPLE_SIZES).toEqual({ persons: 5000, companies: 2000, addresses: 5000, vehicles: 3000, goods: 2000 });
    expect(dataset.persons).toHaveLength(5000);
    expect(dataset.companies).toHaveLength(2000);
    expect(dataset.addresses).toHaveLength(5000);
    expect(dataset.vehicles).toHaveLength(3000);
    expect(dataset.goods).toHaveLength(2000);
  });

  it('gives the same records for the same seed', () => {
    expect(generateSampleDataset(DEFAULT_SAMPLE_SEED)).toEqual(dataset);
    expect(generateSampleDataset(7, SMALL)).toEqual(generateSampleDataset(7, SMALL));
  });

  it('gives different records for different seeds, keeping the pinned ones', () => {
    const one = generateSampleDataset(1, SMALL);
    const two = generateSampleDataset(2, SMALL);
    expect(one.persons.slice(PINNED_PERSONS.length)).not.toEqual(two.persons.slice(PINNED_PERSONS.length));
    expect(one.persons.map((p) => p.nationalId)).not.toEqual(two.persons.map((p) => p.nationalId));
    expect(one.vehicles.map((v) => v.vin)).not.toEqual(two.vehicles.map((v) => v.vin));
    expect(one.persons.slice(0, PINNED_PERSONS.length)).toEqual(two.persons.slice(0, PINNED_PERSONS.length));
  });

  it('makes as many records as asked', () => {
    const small = generateSampleDataset(3, SMALL);
    expect([small.persons, small.companies, small.addresses, small.vehicles, small.goods].map((r) => r.length)).toEqual([40, 20, 40, 20, 20]);
  });

  it('puts the pinned records first', () => {
    expect(dataset.persons.slice(0, PINNED_PERSONS.length)).toEqual(PINNED_PERSONS);
    expect(dataset.companies.slice(0, PINNED_COMPANIES.length)).toEqual(PINNED_COMPANIES);
    expect(dataset.addresses.slice(0, PINNED_ADDRESSES.length)).toEqual(PINNED_ADDRESSES);
    expect(dataset.vehicles.slice(0, PINNED_VEHICLES.length)).toEqual(PINNED_VEHICLES);
    expect(dataset.goods.slice(0, PINNED_GOODS.length)).toEqual(PINNED_GOODS);
  });

  it("holds the records the schema examples and the README use", () => {
    expect(dataset.persons).toContainEqual(expect.objectContaining({ nationalId: '0067749828', birthDate: '1988-03-21', deathDate: null }));
    expect(dataset.persons).toContainEqual(expect.objectContaining({ nationalId: '1273456904', birthDate: '1941-08-15' }));
    expect(dataset.companies.map((c) => c.nationalId)).toEqual(expect.arrayContaining(['10100841331', '10320608751']));
    expect(dataset.addresses.map((a) => a.postalCode)).toEqual(expect.arrayContaining(['1193653471', '8155139411']));
    expect(dataset.vehicles).toContainEqual(expect.objectContaining({ plate: '12ب345-67', vin: 'NAAM11CA3EK123456', ownerNationalId: '0067749828' }));
    expect(dataset.goods).toContainEqual(expect.objectContaining({ iranCode: '2780000116820001', gtin: '6260100001237' }));
  });

  it('makes every identifier valid', () => {
    expect(invalid(dataset.persons.map((p) => p.nationalId), nationalIdProblem)).toEqual([]);
    expect(invalid(dataset.companies.map((c) => c.nationalId), legalEntityIdProblem)).toEqual([]);
    expect(invalid(dataset.companies.map((c) => c.postalCode), postalCodeProblem)).toEqual([]);
    expect(invalid(dataset.addresses.map((a) => a.postalCode), postalCodeProblem)).toEqual([]);
    expect(invalid(dataset.vehicles.map((v) => v.plate), plateProblem)).toEqual([]);
    expect(invalid(dataset.vehicles.map((v) => v.vin), vinProblem)).toEqual([]);
    expect(invalid(dataset.vehicles.map((v) => v.ownerNationalId), nationalIdProblem)).toEqual([]);
    expect(invalid(dataset.goods.map((g) => g.iranCode), iranCodeProblem)).toEqual([]);
    expect(invalid(dataset.goods.flatMap((g) => (g.gtin === null ? [] : [g.gtin])), gtinProblem)).toEqual([]);
    expect(invalid(dataset.goods.map((g) => g.producerNationalId), legalEntityIdProblem)).toEqual([]);
  });

  it('makes every key unique within its registry', () => {
    expect(duplicates(dataset.persons.map((p) => p.nationalId))).toEqual([]);
    expect(duplicates(dataset.companies.map((c) => c.nationalId))).toEqual([]);
    expect(duplicates(dataset.addresses.map((a) => a.postalCode))).toEqual([]);
    expect(duplicates(dataset.vehicles.map((v) => v.plate))).toEqual([]);
    expect(duplicates(dataset.vehicles.map((v) => v.vin))).toEqual([]);
    expect(duplicates(dataset.goods.map((g) => g.iranCode))).toEqual([]);
    expect(duplicates(dataset.goods.flatMap((g) => (g.gtin === null ? [] : [g.gtin])))).toEqual([]);
  });

  it('links the registries: seats are addresses, owners are persons, producers are companies', () => {
    const postalCodes = new Set(dataset.addresses.map((a) => a.postalCode));
    const nationalIds = new Set(dataset.persons.map((p) => p.nationalId));
    const companyIds = new Set(dataset.companies.map((c) => c.nationalId));
    expect(dataset.companies.filter((c) => !postalCodes.has(c.postalCode)).map((c) => c.nationalId)).toEqual([]);
    expect(dataset.vehicles.filter((v) => !nationalIds.has(v.ownerNationalId)).map((v) => v.vin)).toEqual([]);
    expect(dataset.goods.filter((g) => !companyIds.has(g.producerNationalId)).map((g) => g.iranCode)).toEqual([]);
  });

  it('has people both alive and deceased, each death after the birth', () => {
    const deceased = dataset.persons.filter((p) => p.deathDate !== null);
    expect(deceased.length).toBeGreaterThan(0);
    expect(deceased.length).toBeLessThan(dataset.persons.length / 4);
    expect(deceased.filter((p) => !(p.deathDate! > p.birthDate)).map((p) => p.nationalId)).toEqual([]);
    const isoDate = /^\d{4}-\d{2}-\d{2}$/;
    expect(dataset.persons.filter((p) => !isoDate.test(p.birthDate) || (p.deathDate !== null && !isoDate.test(p.deathDate)))).toEqual([]);
  });

  it("writes each vehicle's model year into its VIN", () => {
    const yearCode = (year: number) => '123456789ABCDEFGHJKLMNPRS'[year - 2001];
    expect(dataset.vehicles.filter((v) => yearCode(v.year) !== v.vin[9]).map((v) => `${v.vin} ${v.year}`)).toEqual([]);
  });

  it('places addresses inside Iran', () => {
    // The bounds the address answer schema allows.
    expect(dataset.addresses.filter((a) => a.latitude < 25 || a.latitude > 40 || a.longitude < 44 || a.longitude > 64)).toEqual([]);
  });
});
