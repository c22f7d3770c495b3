import type { LiveCatalog, RunningVersion, ServiceCatalog, ServiceDefinition } from '@nix/catalog';
import {
  GovernanceInputError,
  GovernanceNotFoundError,
  NotPermittedError,
  type AccessRequest,
  type Dispute,
  type GovernanceActor,
  type GovernedAgreement,
} from '@nix/governance';
import type { Agency } from '@nix/domain';
import { GovernanceService, type GovernanceStore } from './governance.service';

const person = (version: string, dataItems: string[]) =>
  ({ registry: 'identity', service: 'person', version, custodian: 'civil-registration', dataItems }) as ServiceDefinition;
/** Major 1 answers alive; major 2 dropped it for birthDate. */
const PERSON_1 = person('1.1.0', ['firstName', 'lastName', 'alive']);
const PERSON_2 = person('2.0.0', ['firstName', 'lastName', 'birthDate']);
const running = (definition: ServiceDefinition) => ({ published: { version: definition.version }, definition }) as RunningVersion;

/** The live catalogue: identity/person published as 1.0.0, 1.1.0 and 2.0.0 (`versioned`), or only as schemas/ has it. */
function catalogOf(versioned: boolean): Pick<LiveCatalog, 'get' | 'registry' | 'versions'> {
  const newest = versioned ? PERSON_2 : person('1.0.0', PERSON_1.dataItems);
  return {
    get: (registry, service) => (registry === 'identity' && service === 'person' ? newest : undefined),
    registry: (name) => (name === 'identity' ? ({ registry: 'identity', custodian: 'civil-registration' } as ReturnType<ServiceCatalog['registry']>) : undefined),
    versions: (registry, service) =>
      versioned && registry === 'identity' && service === 'person' ? [running(person('1.0.0', ['firstName', 'alive'])), running(PERSON_1), running(PERSON_2)] : [],
  };
}
const catalog = catalogOf(true);
const agreement = (id: string, consumer: string): GovernedAgreement => ({
  id,
  consumer,
  registry: 'identity',
  service: 'person',
  dataItems: ['firstName'],
  purposes: ['benefit-eligibility'],
  dailyQuota: 10,
  validFrom: '2026-03-21',
  validUntil: '2027-03-20',
  resolution: 'IWG-1',
  status: 'active',
});

/** A store that holds agreements and agencies in memory and records what it was asked to write. */
class FakeStore implements GovernanceStore {
  readonly agencies = new Set(['civil-registration', 'welfare']);
  readonly stored = [agreement('ag-1', 'welfare'), agreement('ag-2', 'tax')];
  readonly filed: Array<Omit<AccessRequest, 'id' | 'status' | 'agreementId' | 'resolution'>> = [];
  readonly amended: unknown[] = [];

  async agreements() {
    return this.stored;
  }
  async agreement(id: string) {
    const found = this.stored.find((a) => a.id === id);
    if (!found) throw new GovernanceNotFoundError(`agreement ${id}`);
    return found;
  }
  async requireAgency(id: string): Promise<Agency> {
    if (!this.agencies.has(id)) throw new GovernanceNotFoundError(`agency ${id}`);
    return { id, name: { fa: id, en: id }, roles: ['provider'], demo: false };
  }
  async fileAccessRequest(_actor: GovernanceActor, draft: Omit<AccessRequest, 'id' | 'status' | 'agreementId' | 'resolution'>): Promise<AccessRequest> {
    this.filed.push(draft);
    return { ...draft, id: 'ar-1', status: 'pending-custodian', agreementId: null, resolution: null };
  }
  readonly disputes: Dispute[] = [];
  async accessRequest(actor: GovernanceActor, id: string): Promise<AccessRequest> {
    if (actor.agencyId === 'stranger') throw new NotPermittedError(actor.agencyId, `see access request ${id}`);
    return { ...this.filed[0], id, status: 'pending-custodian', agreementId: null, resolution: null };
  }
  async openDispute(actor: GovernanceActor, subject: Dispute['subject'], statement: string): Promise<Dispute> {
    const dispute: Dispute = { id: `dp-${this.disputes.length + 1}`, raisedBy: actor.agencyId, subject, statement, status: 'open', resolution: null };
    this.disputes.push(dispute);
    return dispute;
  }
  readonly created: unknown[] = [];
  async createAgreement(_actor: GovernanceActor, draft: unknown): Promise<GovernedAgreement> {
    this.created.push(draft);
    return this.stored[0];
  }
  async amendAgreement(_actor: GovernanceActor, id: string, amendment: unknown): Promise<GovernedAgreement> {
    this.amended.push(amendment);
    return this.agreement(id);
  }
}

const WELFARE: GovernanceActor = { agencyId: 'welfare', roles: ['consumer'] };
const WORKING_GROUP: GovernanceActor = { agencyId: 'iwg', roles: ['working-group'] };
const REQUEST = { registry: 'identity', service: 'person', dataItems: ['firstName', 'alive'], purposes: ['benefit-eligibility'], dailyQuota: 5, justification: ' Welfare law ' };

async function fieldOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GovernanceInputError);
  return (error as GovernanceInputError).field;
}

describe('GovernanceService', () => {
  let store: FakeStore;
  let service: GovernanceService;
  beforeEach(() => {
    store = new FakeStore();
    service = new GovernanceService(store, catalog);
  });

  it("shows an agency its own agreements and the working group all", async () => {
    expect((await service.agreements(WELFARE)).map((a) => a.id)).toEqual(['ag-1']);
    expect((await service.agreements(WORKING_GROUP)).map((a) => a.id)).toEqual(['ag-1', 'ag-2']);
  });

  it("files a request with the registry's custodian from the catalogue, for the caller", async () => {
    await service.fileAccessRequest(WELFARE, REQUEST);
    expect(store.filed).toEqual([{ ...REQUEST, major: 1, consumer: 'welfare', custodian: 'civil-registration', validFrom: null, validUntil: null, justification: 'Welfare law' }]);
  });

  it("checks data items against the newest published version of the major asked for (1 when none is named)", async () => {
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, dataItems: ['birthDate'] }))).toBe('dataItems/0');
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, major: 2 }))).toBe('dataItems/1');
    await service.fileAccessRequest(WELFARE, { ...REQUEST, major: 2, dataItems: ['firstName', 'birthDate'] });
    await service.fileAccessRequest(WELFARE, { ...REQUEST, dataItems: ['lastName', 'alive'] });
    expect(store.filed.map((r) => [r.major, r.dataItems])).toEqual([
      [2, ['firstName', 'birthDate']],
      [1, ['lastName', 'alive']],
    ]);
  });

  it('refuses a major with no published version, naming the major, in requests and agreements alike', async () => {
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, major: 3 }))).toBe('major');
    const body = { consumer: 'welfare', registry: 'identity', service: 'person', major: 3, dataItems: ['firstName'], purposes: ['benefit-eligibility'], dailyQuota: 5, validFrom: '2026-01-01', validUntil: '2026-12-31', resolution: 'IWG-9' };
    expect(await fieldOf(service.createAgreement(WORKING_GROUP, body))).toBe('major');
    expect(store.filed).toEqual([]);
  });

  it("creates an agreement for the major named, or for major 1", async () => {
    const body = { consumer: 'welfare', registry: 'identity', service: 'person', dataItems: ['birthDate'], purposes: ['benefit-eligibility'], dailyQuota: 5, validFrom: '2026-01-01', validUntil: '2026-12-31', resolution: 'IWG-9' };
    expect(await fieldOf(service.createAgreement(WORKING_GROUP, body))).toBe('dataItems/0');
    await service.createAgreement(WORKING_GROUP, { ...body, major: 2 });
    await service.createAgreement(WORKING_GROUP, { ...body, dataItems: ['alive'] });
    expect(store.created).toEqual([{ ...body, major: 2 }, { ...body, dataItems: ['alive'], major: 1 }]);
  });

  it("checks against the catalogue's one definition, as major 1, before the store's catalogue has versions", async () => {
    service = new GovernanceService(store, catalogOf(false));
    await service.fileAccessRequest(WELFARE, REQUEST);
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, major: 2 }))).toBe('major');
    expect(store.filed.map((r) => r.major)).toEqual([1]);
  });

  it('names the field at fault: registry, service, a data item, a purpose, the quota, the validity', async () => {
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, registry: 'weather' }))).toBe('registry');
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, service: 'horoscope' }))).toBe('service');
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, dataItems: ['firstName', 'shoeSize'] }))).toBe('dataItems/1');
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, purposes: ['Benefits!'] }))).toBe('purposes/0');
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, dailyQuota: 0 }))).toBe('dailyQuota');
    expect(await fieldOf(service.fileAccessRequest(WELFARE, { ...REQUEST, validFrom: '2027-01-02', validUntil: '2027-01-01' }))).toBe('validUntil');
    expect(store.filed).toEqual([]);
  });

  it('refuses a request for a registry whose custodian is not a registered agency, naming the registry', async () => {
    store.agencies.delete('civil-registration');
    expect(await fieldOf(service.fileAccessRequest(WELFARE, REQUEST))).toBe('registry');
  });

  it('passes on a store failure while looking up the custodian, rather than blaming the registry', async () => {
    const down = new Error('store down');
    store.requireAgency = async () => {
      throw down;
    };
    await expect(service.fileAccessRequest(WELFARE, REQUEST)).rejects.toBe(down);
  });

  it("checks an amendment against the agreement's major, which it keeps", async () => {
    store.stored.push({ ...agreement('ag-3', 'welfare'), major: 2 });
    expect(await fieldOf(service.amendAgreement(WORKING_GROUP, 'ag-3', { dataItems: ['alive'], resolution: 'IWG-2' }))).toBe('dataItems/0');
    await service.amendAgreement(WORKING_GROUP, 'ag-3', { dataItems: ['birthDate'], resolution: 'IWG-2' });
    expect(await fieldOf(service.amendAgreement(WORKING_GROUP, 'ag-1', { dataItems: ['birthDate'], resolution: 'IWG-2' }))).toBe('dataItems/0');
    expect(store.amended).toEqual([{ dataItems: ['birthDate'], resolution: 'IWG-2' }]);
  });

  it("checks an amendment against the agreement's service, and its validity as it would be after", async () => {
    expect(await fieldOf(service.amendAgreement(WORKING_GROUP, 'ag-1', { dataItems: ['deathDate'], resolution: 'IWG-2' }))).toBe('dataItems/0');
    expect(await fieldOf(service.amendAgreement(WORKING_GROUP, 'ag-1', { validUntil: '2026-03-20', resolution: 'IWG-2' }))).toBe('validUntil');
    await service.amendAgreement(WORKING_GROUP, 'ag-1', { dataItems: ['lastName'], validUntil: '2028-03-19', resolution: 'IWG-2' });
    expect(store.amended).toEqual([{ dataItems: ['lastName'], validUntil: '2028-03-19', resolution: 'IWG-2' }]);
  });

  it("lets the parties to an agreement dispute it (its consumer, its registry's custodian, the working group), and no one else", async () => {
    const custodian: GovernanceActor = { agencyId: 'civil-registration', roles: ['provider'] };
    for (const actor of [WELFARE, custodian, WORKING_GROUP]) await service.openDispute(actor, { kind: 'agreement', id: 'ag-1' }, 'unfair');
    expect(store.disputes.map((d) => d.raisedBy)).toEqual(['welfare', 'civil-registration', 'iwg']);
    const stranger: GovernanceActor = { agencyId: 'stranger', roles: ['consumer'] };
    await expect(service.openDispute(stranger, { kind: 'agreement', id: 'ag-1' }, 'unfair')).rejects.toBeInstanceOf(NotPermittedError);
    await expect(service.openDispute(stranger, { kind: 'access-request', id: 'ar-1' }, 'unfair')).rejects.toBeInstanceOf(NotPermittedError);
    await expect(service.openDispute(WELFARE, { kind: 'agreement', id: 'ag-none' }, 'unfair')).rejects.toBeInstanceOf(GovernanceNotFoundError);
    expect(store.disputes).toHaveLength(3);
  });
});
