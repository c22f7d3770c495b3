import type { InquiryMessage, InquiryReply } from '@nix/domain';
import {
  AdapterHost,
  IdentityAdapter,
  IdentityHttpRegistry,
  KNOWN_REGISTRIES,
  RegistryAnswerError,
  SampleRegistry,
  addressFromApi,
  asObject,
  buildAdapter,
  companyFromApi,
  generateSampleDataset,
  goodsFromApi,
  personFromApi,
  vehicleFromApi,
  type BuiltAdapter,
  type RegistryHttpClient,
} from '@nix/registries';
import { addressToApi, companyToApi, goodsToApi, personToApi, SampleRegistryServer, vehicleToApi } from '@nix/registries/testing';

const REGISTRIES = ['identity', 'legal-entity', 'address', 'vehicle', 'goods'];
const clock = { now: () => Date.now() };
const registry = new SampleRegistry(generateSampleDataset(7, { persons: 50, companies: 20, addresses: 50, vehicles: 20, goods: 20 }));
const { persons, companies, addresses, vehicles, goods } = registry.dataset;

let server: SampleRegistryServer;
let httpHost: AdapterHost;
let sampleHost: AdapterHost;
const built: BuiltAdapter[] = [];
/** When the server's stalled handler finishes: its timer must not outlive the suite. */
let stallEndsAt = 0;

beforeAll(async () => {
  server = new SampleRegistryServer(registry);
  const baseUrl = await server.listen(0);
  const http = REGISTRIES.map((name) => buildAdapter(name, { kind: 'http', baseUrl }));
  const sample = REGISTRIES.map((name) => buildAdapter(name, { kind: 'sample' }, () => registry));
  built.push(...http, ...sample);
  httpHost = new AdapterHost(http.map((b) => ({ adapter: b.adapter })), 'adapter-http', clock);
  sampleHost = new AdapterHost(sample.map((b) => ({ adapter: b.adapter })), 'adapter-sample', clock);
});

afterEach(() => {
  server.fault = { kind: 'none' };
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, stallEndsAt - Date.now())));
  await Promise.all(built.map((b) => b.close()));
  await server.close();
});

let exchanges = 0;
function message(registryName: string, service: string, body: Record<string, unknown>, deadlineMs = 3000): InquiryMessage {
  return {
    exchangeId: `exchange-${++exchanges}`,
    registry: registryName,
    service,
    version: '1.0.0',
    consumer: 'demo-agency',
    purpose: 'demo',
    deadline: Date.now() + deadlineMs,
    body,
  };
}

/** The reply of a host that must not drop the inquiry. */
async function answered(host: AdapterHost, inquiry: InquiryMessage): Promise<InquiryReply> {
  const reply = await host.handle(inquiry);
  if (reply === null) throw new Error('the adapter dropped an inquiry whose deadline had not passed');
  return reply;
}

/** Asks both backends the same inquiry; the HTTP one must answer ok. */
async function bothAnswers(registryName: string, service: string, body: Record<string, unknown>) {
  const viaHttp = await answered(httpHost, message(registryName, service, body));
  const viaSample = await answered(sampleHost, message(registryName, service, body));
  expect(viaHttp.detail).toBeUndefined();
  expect(viaHttp.status).toBe('ok');
  return { viaHttp: viaHttp.answer, viaSample: viaSample.answer };
}

describe('HTTP backends answer what the sample backend answers', () => {
  it('identity/person, for every person', async () => {
    for (const person of persons) {
      const { viaHttp, viaSample } = await bothAnswers('identity', 'person', { nationalId: person.nationalId, birthDate: person.birthDate });
      expect(viaHttp).toEqual(viaSample);
    }
  });

  it('identity/person, with the values of the pinned records', async () => {
    const { viaHttp: alive } = await bothAnswers('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' });
    expect(alive).toEqual({
      firstName: 'زهرا',
      lastName: 'محمدی',
      fatherName: 'علی',
      gender: 'female',
      birthDate: '1988-03-21',
      birthDateJalali: '1367-01-01',
      alive: true,
      deathDate: null,
    });
    const { viaHttp: deceased } = await bothAnswers('identity', 'person', { nationalId: '1273456904', birthDate: '1941-08-15' });
    expect(deceased).toMatchObject({ gender: 'male', alive: false, deathDate: '2019-11-02', birthDateJalali: '1320-05-24' });
  });

  it('identity/person-verification, comparing names as a clerk would', async () => {
    const body = { nationalId: '0067749828', firstName: 'زهرا', lastName: 'احمدی', fatherName: 'علي', birthDate: '1988-03-21' };
    const { viaHttp, viaSample } = await bothAnswers('identity', 'person-verification', body);
    expect(viaHttp).toEqual({ firstNameMatches: true, lastNameMatches: false, fatherNameMatches: true, birthDateMatches: true, allMatch: false });
    expect(viaHttp).toEqual(viaSample);
  });

  it('legal-entity/company, for every company', async () => {
    for (const company of companies) {
      const { viaHttp, viaSample } = await bothAnswers('legal-entity', 'company', { nationalId: company.nationalId });
      expect(viaHttp).toEqual(viaSample);
    }
    const { viaHttp } = await bothAnswers('legal-entity', 'company', { nationalId: '10320608751' });
    expect(viaHttp).toMatchObject({ legalForm: 'cooperative', status: 'in-liquidation', registrationNumber: '8841', postalCode: '8155139411' });
  });

  it('address/postal-code, for every address', async () => {
    for (const address of addresses) {
      const { viaHttp, viaSample } = await bothAnswers('address', 'postal-code', { postalCode: address.postalCode });
      expect(viaHttp).toEqual(viaSample);
    }
    const { viaHttp } = await bothAnswers('address', 'postal-code', { postalCode: '8155139411' });
    expect(viaHttp).toMatchObject({ unit: null, floor: null, plaque: '48', coordinates: { latitude: 32.6371, longitude: 51.6621 } });
  });

  it('vehicle/vehicle, by plate and by VIN, for every vehicle', async () => {
    for (const vehicle of vehicles) {
      const byPlate = await bothAnswers('vehicle', 'vehicle', { plate: vehicle.plate });
      expect(byPlate.viaHttp).toEqual(byPlate.viaSample);
      const byVin = await bothAnswers('vehicle', 'vehicle', { vin: vehicle.vin });
      expect(byVin.viaHttp).toEqual(byVin.viaSample);
      expect(byVin.viaHttp).toEqual(byPlate.viaHttp);
      expect(byVin.viaHttp).not.toHaveProperty('ownerMatch');
      expect(byVin.viaHttp).not.toHaveProperty('ownerNationalId');
    }
  });

  it('goods/goods, by Iran Code and by GTIN, for every item', async () => {
    for (const item of goods) {
      const byCode = await bothAnswers('goods', 'goods', { iranCode: item.iranCode });
      expect(byCode.viaHttp).toEqual(byCode.viaSample);
      if (item.gtin !== null) {
        const byGtin = await bothAnswers('goods', 'goods', { gtin: item.gtin });
        expect(byGtin.viaHttp).toEqual(byCode.viaHttp);
      }
    }
    expect(goods.some((g) => g.gtin === null)).toBe(true);
  });
});

describe('vehicle ownership', () => {
  const pinned = { plate: '12ب345-67', owner: '0067749828' };

  it('confirms the registered owner without naming them', async () => {
    const reply = await answered(httpHost, message('vehicle', 'vehicle', { plate: pinned.plate, ownerNationalId: pinned.owner }));
    expect(reply.status).toBe('ok');
    expect(reply.answer!.ownerMatch).toBe(true);
    expect(JSON.stringify(reply)).not.toContain(pinned.owner);
  });

  it('denies ownership to anyone else', async () => {
    const reply = await answered(httpHost, message('vehicle', 'vehicle', { vin: 'NAAM11CA3EK123456', ownerNationalId: '1273456904' }));
    expect(reply.status).toBe('ok');
    expect(reply.answer!.ownerMatch).toBe(false);
    expect(JSON.stringify(reply)).not.toContain(pinned.owner);
  });

  it('agrees with the sample backend for every vehicle and its owner', async () => {
    for (const vehicle of vehicles) {
      const owned = await bothAnswers('vehicle', 'vehicle', { vin: vehicle.vin, ownerNationalId: vehicle.ownerNationalId });
      expect(owned.viaHttp).toEqual({ ...owned.viaSample, ownerMatch: true });
    }
  });
});

describe('records the registry does not hold', () => {
  it.each([
    ['identity', 'person', { nationalId: '0499370899', birthDate: '1980-01-01' }],
    ['identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-22' }],
    ['identity', 'person-verification', { nationalId: '0499370899', firstName: 'زهرا' }],
    ['legal-entity', 'company', { nationalId: '10100841370' }],
    ['address', 'postal-code', { postalCode: '9176843310' }],
    ['vehicle', 'vehicle', { plate: '99ژ999-99' }],
    ['vehicle', 'vehicle', { vin: '1M8GDM9AXKP042788' }],
    ['goods', 'goods', { iranCode: '9999999999999999' }],
    ['goods', 'goods', { gtin: '4006381333931' }],
  ])('answer not-found for %s/%s %j', async (registryName, service, body) => {
    const reply = await answered(httpHost, message(registryName, service, body));
    expect(reply.status).toBe('not-found');
    expect(reply.answer).toBeUndefined();
    expect((await answered(sampleHost, message(registryName, service, body))).status).toBe('not-found');
  });
});

describe('registry failures', () => {
  it('turn an HTTP 500 into a provider error that names the status, not the inquiry', async () => {
    server.fault = { kind: 'error', status: 500 };
    const reply = await answered(httpHost, message('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }));
    expect(reply.status).toBe('provider-error');
    expect(reply.answer).toBeUndefined();
    expect(reply.detail).toContain('HTTP 500');
    expect(reply.detail).not.toContain('0067749828');
    expect(reply.detail).not.toContain('1988-03-21');
  });

  it('turn an HTTP 503 of any registry into a provider error', async () => {
    server.fault = { kind: 'error', status: 503 };
    const reply = await answered(httpHost, message('vehicle', 'vehicle', { plate: '12ب345-67' }));
    expect(reply).toMatchObject({ status: 'provider-error', detail: 'the registry answered HTTP 503' });
    expect(reply.detail).not.toContain('345');
  });

  it('give up on a stalled registry at the deadline, and drop the work: nobody waits for its reply', async () => {
    server.fault = { kind: 'stall', ms: 2000 };
    const started = Date.now();
    stallEndsAt = started + 2000;
    const reply = await httpHost.handle(message('legal-entity', 'company', { nationalId: '10100841331' }, 200));
    const elapsed = Date.now() - started;
    expect(reply).toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1000);
  });

  it('do not call the registry once the deadline has passed', async () => {
    const before = server.requests;
    const reply = await httpHost.handle(message('address', 'postal-code', { postalCode: '1193653471' }, -1));
    expect(reply).toBeNull();
    expect(server.requests).toBe(before);
  });

  it('answer again once the fault clears', async () => {
    server.fault = { kind: 'error', status: 500 };
    expect((await answered(httpHost, message('address', 'postal-code', { postalCode: '1193653471' }))).status).toBe('provider-error');
    server.fault = { kind: 'none' };
    expect((await answered(httpHost, message('address', 'postal-code', { postalCode: '1193653471' }))).status).toBe('ok');
  });

  it('turn an unreadable registry answer into a provider error that carries no data', async () => {
    const person = personToApi(persons[0]);
    const client: RegistryHttpClient = {
      getJson: async () => ({ status: 200, body: { ...person, sex: 'X' } }),
      close: async () => undefined,
    };
    const host = new AdapterHost([{ adapter: new IdentityAdapter(new IdentityHttpRegistry(client)) }], 'adapter-stub', clock);
    const reply = await answered(host, message('identity', 'person', { nationalId: persons[0].nationalId, birthDate: persons[0].birthDate }));
    expect(reply.status).toBe('provider-error');
    expect(reply.answer).toBeUndefined();
    for (const value of [persons[0].nationalId, persons[0].firstName, persons[0].lastName]) expect(reply.detail).not.toContain(value);
  });
});

describe('tracking end to end (R9)', () => {
  it("sends every registry's API the exchange's ID and the consumer's tracking code as headers", async () => {
    const asked: [string, string, Record<string, unknown>][] = [
      ['identity', 'person', { nationalId: persons[0].nationalId, birthDate: persons[0].birthDate }],
      ['legal-entity', 'company', { nationalId: companies[0].nationalId }],
      ['address', 'postal-code', { postalCode: addresses[0].postalCode }],
      ['vehicle', 'vehicle', { plate: vehicles[0].plate }],
      ['goods', 'goods', { iranCode: goods[0].iranCode }],
    ];
    for (const [registryName, service, body] of asked) {
      const inquiry = { ...message(registryName, service, body), trackingCode: `TRK-${registryName}` };
      server.exchanges.length = 0;
      expect((await answered(httpHost, inquiry)).status).toBe('ok');
      expect(server.exchanges.map(({ exchangeId, trackingCode }) => ({ exchangeId, trackingCode }))).toEqual([{ exchangeId: inquiry.exchangeId, trackingCode: `TRK-${registryName}` }]);
    }
  });

  it('sends no tracking code header when the consumer sent none', async () => {
    const inquiry = message('identity', 'person', { nationalId: persons[0].nationalId, birthDate: persons[0].birthDate });
    server.exchanges.length = 0;
    await answered(httpHost, inquiry);
    expect(server.exchanges).toEqual([{ collection: 'persons', exchangeId: inquiry.exchangeId, trackingCode: undefined }]);
  });
});

describe('the adapter host', () => {
  it('echoes the exchange and times the reply', async () => {
    const sent = message('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' });
    const before = Date.now();
    const reply: InquiryReply = await answered(httpHost, sent);
    expect(reply.exchangeId).toBe(sent.exchangeId);
    expect(reply.adapterInstance).toBe('adapter-http');
    expect(reply.adapterReceivedAt).toBeGreaterThanOrEqual(before);
    expect(reply.adapterRepliedAt).toBeGreaterThanOrEqual(reply.adapterReceivedAt);
    expect(reply.registryMs).toBeGreaterThan(0);
    expect(reply.registryMs).toBeLessThanOrEqual(reply.adapterRepliedAt - reply.adapterReceivedAt + 1);
  });

  it('refuses a service its adapters do not serve', async () => {
    const reply = await answered(httpHost, message('identity', 'marriage', { nationalId: '0067749828' }));
    expect(reply).toMatchObject({ status: 'provider-error', detail: 'this adapter does not serve identity/marriage' });
    const unknown = await answered(httpHost, message('cadastre', 'parcel', {}));
    expect(unknown).toMatchObject({ status: 'provider-error', detail: 'this adapter does not serve cadastre/parcel' });
  });

  it('knows an adapter for each of the five registries, and builds it for its registry', () => {
    expect([...KNOWN_REGISTRIES].sort()).toEqual(['address', 'goods', 'identity', 'legal-entity', 'vehicle']);
    for (const name of KNOWN_REGISTRIES) expect(buildAdapter(name, { kind: 'sample' }, () => registry).adapter.registry).toBe(name);
  });

  it('refuses to build an adapter for an unknown registry', () => {
    expect(() => buildAdapter('cadastre', { kind: 'sample' }, () => registry)).toThrow('no adapter is known for registry "cadastre"');
  });
});

describe('HTTP mapping of registry answers', () => {
  const unreadable = (map: () => unknown, field: string) => {
    let thrown: unknown;
    try {
      map();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegistryAnswerError);
    expect((thrown as RegistryAnswerError).message).toContain(`no readable "${field}"`);
  };

  it('round-trips every record through its API shape', () => {
    for (const p of persons) expect(personFromApi(personToApi(p))).toEqual(p);
    for (const c of companies) expect(companyFromApi(companyToApi(c))).toEqual(c);
    for (const a of addresses) expect(addressFromApi(addressToApi(a))).toEqual(a);
    for (const v of vehicles) expect(vehicleFromApi(vehicleToApi(v))).toEqual(v);
    for (const g of goods) expect(goodsFromApi(goodsToApi(g))).toEqual(g);
  });

  it('reads sex F and M, and nothing else', () => {
    expect(personFromApi({ ...personToApi(persons[0]), sex: 'F' }).gender).toBe('female');
    expect(personFromApi({ ...personToApi(persons[0]), sex: 'M' }).gender).toBe('male');
    unreadable(() => personFromApi({ ...personToApi(persons[0]), sex: 'X' }), 'sex');
    unreadable(() => personFromApi({ ...personToApi(persons[0]), sex: 'female' }), 'sex');
  });

  it.each([
    ['a person without a first name', () => personFromApi({ ...personToApi(persons[0]), first_name: '' }), 'first_name'],
    ['a person with a numeric national ID', () => personFromApi({ ...personToApi(persons[0]), nin: 67749828 }), 'nin'],
    ['a person with a death date object', () => personFromApi({ ...personToApi(persons[0]), death_date: { y: 2019 } }), 'death_date'],
    ['a company of an unknown legal form', () => companyFromApi({ ...companyToApi(companies[0]), entity_type: 'شرکت نامعلوم' }), 'entity_type'],
    ['a company in an unknown state', () => companyFromApi({ ...companyToApi(companies[0]), state: 'ACTIVE' }), 'state'],
    ['a company without a registration number', () => companyFromApi({ ...companyToApi(companies[0]), reg_no: null }), 'reg_no'],
    ['an address with text coordinates', () => addressFromApi({ ...addressToApi(addresses[0]), lat: '35.7' }), 'lat'],
    ['an address without a building number', () => addressFromApi({ ...addressToApi(addresses[0]), building_no: null }), 'building_no'],
    ['a vehicle with a text model year', () => vehicleFromApi({ ...vehicleToApi(vehicles[0]), model_year: '2014' }), 'model_year'],
    ['a vehicle in an unknown state', () => vehicleFromApi({ ...vehicleToApi(vehicles[0]), state: 'active' }), 'state'],
    ['goods without an Iran Code', () => goodsFromApi({ ...goodsToApi(goods[0]), iran_code: undefined }), 'iran_code'],
    ['an answer that is a list', () => asObject('goods', [goodsToApi(goods[0])]), 'body'],
    ['an answer that is null', () => asObject('identity', null), 'body'],
  ])('refuses %s', (_case, map, field) => {
    unreadable(map, field);
  });
});
