import type { ServiceCatalog, ServiceDefinition } from '@nix/catalog';
import { GovernanceInputError, GovernanceNotFoundError, type AccessRequest, type GovernanceActor, type GovernedAgreement } from '@nix/governance';
import type { Agency } from '@nix/domain';
import { GovernanceService, type GovernanceStore } from './governance.service';

const PERSON = { registry: 'identity', service: 'person', custodian: 'civil-registration', dataItems: ['firstName', 'lastName', 'alive'] } as ServiceDefinition;
const catalog: Pick<ServiceCatalog, 'get' | 'registry'> = {
  get: (registry, service) => (registry === PERSON.registry && service === PERSON.service ? PERSON : undefined),
  registry: (name) => (name === 'identity' ? ({ registry: 'identity' } as ReturnType<ServiceCatalog['registry']>) : undefined),
};
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
  async createAgreement(): Promise<GovernedAgreement> {
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
    expect(store.filed).toEqual([{ ...REQUEST, consumer: 'welfare', custodian: 'civil-registration', validFrom: null, validUntil: null, justification: 'Welfare law' }]);
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

  it("checks an amendment against the agreement's service, and its validity as it would be after", async () => {
    expect(await fieldOf(service.amendAgreement(WORKING_GROUP, 'ag-1', { dataItems: ['deathDate'], resolution: 'IWG-2' }))).toBe('dataItems/0');
    expect(await fieldOf(service.amendAgreement(WORKING_GROUP, 'ag-1', { validUntil: '2026-03-20', resolution: 'IWG-2' }))).toBe('validUntil');
    await service.amendAgreement(WORKING_GROUP, 'ag-1', { dataItems: ['lastName'], validUntil: '2028-03-19', resolution: 'IWG-2' });
    expect(store.amended).toEqual([{ dataItems: ['lastName'], validUntil: '2028-03-19', resolution: 'IWG-2' }]);
  });
});
