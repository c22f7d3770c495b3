import { BlockList } from 'node:net';
import { ProblemError, type Agency } from '@nix/domain';
import { GovernanceNotFoundError, NotPermittedError, type StoredApiKey } from '@nix/governance';
import { NodeKeyHasher } from '../access/key-hasher';
import { GovernanceCaller } from './governance-caller';

const hasher = new NodeKeyHasher('tracking-key');
const agency = (id: string, roles: Agency['roles'], demo = false): Agency => ({ id, name: { fa: id, en: id }, roles, demo });
const storedKey = (agencyId: string, key: string, limits: Partial<StoredApiKey> = {}): StoredApiKey => ({
  agencyId,
  keyId: `k-${agencyId}`,
  sha256: hasher.apiKeyHash(key),
  expires: null,
  networks: null,
  createdAt: new Date('2026-11-01T00:00:00Z'),
  lastUsedDay: null,
  revokedAt: null,
  ...limits,
});

/** Access as loaded from contracts/: one key per agency it knows. */
class FakeAccess {
  constructor(readonly keys: Record<string, Agency>) {}
  authenticate(authorization: string | undefined): Agency {
    const found = this.keys[authorization?.replace(/^Bearer /, '') ?? ''];
    if (!found) throw new ProblemError('unauthenticated', 'no');
    return found;
  }
  agency(id: string): Agency | undefined {
    return Object.values(this.keys).find((a) => a.id === id);
  }
}

class FakeStore {
  constructor(
    readonly agencies: Agency[],
    readonly keys: StoredApiKey[] = [],
  ) {}
  async apiKeys() {
    return this.keys;
  }
  async requireAgency(id: string) {
    const found = this.agencies.find((a) => a.id === id);
    if (!found) throw new GovernanceNotFoundError(`agency ${id}`);
    return found;
  }
}

const NOON = Date.parse('2026-11-30T08:30:00Z'); // 12:00 in Tehran
const callerOf = (access: FakeAccess, store: FakeStore) => new GovernanceCaller(access, store, hasher, { now: () => NOON });
const asking = (key: string | undefined, ip = '127.0.0.1') => ({ headers: key ? { authorization: `Bearer ${key}` } : {}, ip });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('GovernanceCaller', () => {
  const wg = agency('iwg', ['working-group']);
  const welfare = agency('welfare', ['consumer']);

  it('identifies a contracts key through access, with the roles the governance store holds', async () => {
    const caller = callerOf(new FakeAccess({ 'wg-key': agency('iwg', ['consumer']) }), new FakeStore([wg]));
    expect(await caller.actorOf(asking('wg-key'))).toEqual({ agencyId: 'iwg', roles: ['working-group'] });
  });

  it('refuses an agency access knows but the store does not hold yet, with 403 naming the import', async () => {
    const error = await failure(callerOf(new FakeAccess({ 'wg-key': wg }), new FakeStore([])).actorOf(asking('wg-key')));
    expect(error).toBeInstanceOf(NotPermittedError);
    expect((error as Error).message).toContain('npm run contracts:import');
  });

  it('finds a key issued through the API in the store, unless it has expired or is revoked (absent from apiKeys)', async () => {
    const store = new FakeStore([welfare], [storedKey('welfare', 'nix_fresh'), storedKey('welfare', 'nix_old', { expires: '2026-11-29' })]);
    const caller = callerOf(new FakeAccess({}), store);
    expect(await caller.actorOf(asking('nix_fresh'))).toEqual({ agencyId: 'welfare', roles: ['consumer'] });
    expect(await failure(caller.actorOf(asking('nix_old')))).toMatchObject({ problemType: 'unauthenticated' });
    expect(await failure(caller.actorOf(asking('nix_unknown')))).toMatchObject({ problemType: 'unauthenticated' });
    expect(await failure(caller.actorOf(asking(undefined)))).toMatchObject({ problemType: 'unauthenticated' });
  });

  it("refuses a stored key from outside its networks with 403, and a demo agency's stored key where access has no demo agencies", async () => {
    const office = new BlockList();
    office.addSubnet('10.0.0.0', 8, 'ipv4');
    const store = new FakeStore([welfare, agency('demo-agency', ['consumer'], true)], [storedKey('welfare', 'nix_office', { networks: office }), storedKey('demo-agency', 'demo-key')]);
    const caller = callerOf(new FakeAccess({}), store);
    expect(await caller.actorOf(asking('nix_office', '10.1.2.3'))).toMatchObject({ agencyId: 'welfare' });
    expect(await failure(caller.actorOf(asking('nix_office', '192.0.2.1')))).toMatchObject({ problemType: 'network-not-allowed' });
    expect(await failure(caller.actorOf(asking('demo-key')))).toMatchObject({ problemType: 'unauthenticated' });
  });
});
