import { BlockList } from 'node:net';
import { ProblemError, type Agency, type PresentedCertificate, type Agreement, type CalendarDay, type ProblemType } from '@nix/domain';
import type { ApiKeyEntry, ContractSet } from '@nix/contracts';
import { GovernanceSnapshot, LiveGovernance, QuotaLeases, type GovernanceState } from '@nix/governance';
import { MemoryQuotaCounter } from '@nix/governance/testing';
import { AccessService } from './access.service';
import { accessServiceOf, MemoryKeyUseLog } from '../testing';
import type { KeyHasher } from './key-hasher';

/** A readable stand-in for SHA-256: the hash of a key is the key with a prefix. */
class PrefixKeyHasher implements KeyHasher {
  readonly hashed: string[] = [];

  apiKeyHash(key: string): string {
    this.hashed.push(key);
    return `hash-of:${key}`;
  }

  trackingDigest(consumer: string, trackingCode: string): string {
    return `${consumer}/${trackingCode}`;
  }
}

const TODAY: CalendarDay = { date: '2026-11-30', startsAt: Date.UTC(2026, 10, 29, 20, 30), endsAt: Date.UTC(2026, 10, 30, 20, 30) };

const agency = (id: string, ...roles: Agency['roles']): Agency => ({ id, name: { fa: id, en: id }, roles, demo: false });
const TAX = agency('tax-organization', 'consumer');
const CIVIL = agency('civil-registration', 'provider');

function key(keyId: string, agencyId: string, extra: Partial<ApiKeyEntry> = {}): ApiKeyEntry {
  return { agencyId, keyId, sha256: `hash-of:${keyId}-secret`, networks: null, expires: null, ...extra };
}

function networks(...ranges: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return list;
}

const TAX_CERT = 'a'.repeat(64);
const POLICE_CERT = 'b'.repeat(64);
/** A certificate presented over mTLS whose chain Node verified (by default), known here by its fingerprint only. */
const presented = (fingerprint: string, chainVerified = true): PresentedCertificate => ({
  fingerprint,
  chainVerified,
  certificate: () => {
    throw new Error('no issuer is registered in these tests: the certificate itself is never read');
  },
});

const AGREEMENT: Agreement = {
  id: 'tax-identity-2026',
  consumer: TAX.id,
  registry: 'identity',
  service: 'person',
  dataItems: ['firstName'],
  purposes: ['tax-assessment'],
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  dailyQuota: 100,
};

const CONTRACTS: ContractSet = {
  agencies: [TAX, CIVIL],
  agreements: [AGREEMENT],
  apiKeys: [
    key('tax-1', TAX.id),
    key('tax-old', TAX.id, { expires: '2026-11-29' }),
    key('tax-last-day', TAX.id, { expires: '2026-11-30' }),
    key('tax-office', TAX.id, { networks: networks(['10.20.0.0', 16, 'ipv4'], ['2001:db8::', 32, 'ipv6']) }),
    key('tax-mtls', TAX.id, { certificate: TAX_CERT }),
  ],
  refusedDemoAgencies: [],
};

function problemOf(act: () => unknown): ProblemError {
  try {
    act();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem, and there was none');
}

function expectProblem(act: () => unknown, type: ProblemType, status: number, detail?: RegExp): void {
  const problem = problemOf(act);
  expect({ type: problem.problemType, status: problem.status }).toEqual({ type, status });
  if (detail) expect(problem.detail).toMatch(detail);
}

describe('AccessService', () => {
  let hasher: PrefixKeyHasher;
  let access: AccessService;

  beforeEach(() => {
    hasher = new PrefixKeyHasher();
    access = accessServiceOf(CONTRACTS, hasher);
  });

  describe('authenticate', () => {
    it('names the agency a Bearer key belongs to, comparing hashes and never the key itself', () => {
      expect(access.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date)).toBe(TAX);
      expect(hasher.hashed).toEqual(['tax-1-secret']);
    });

    it('takes the scheme in any case and a trailing space', () => {
      expect(access.authenticate('bearer tax-1-secret ', '203.0.113.7', TODAY.date)).toBe(TAX);
    });

    it.each([
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['another scheme', 'Basic dGF4OnNlY3JldA=='],
      ['a Bearer without a key', 'Bearer '],
      ['two words after Bearer', 'Bearer tax-1-secret extra'],
    ])('answers 401 and says how to send the key for %s', (_, header) => {
      expectProblem(() => access.authenticate(header, '203.0.113.7', TODAY.date), 'unauthenticated', 401, /Authorization: Bearer <key>/);
      expect(hasher.hashed).toEqual([]);
    });

    it('answers 401 for a key no agency holds', () => {
      expectProblem(() => access.authenticate('Bearer guessed', '203.0.113.7', TODAY.date), 'unauthenticated', 401, /not valid, or has expired/);
    });

    it('answers 401 for a key after its last day, and accepts it on that day', () => {
      expectProblem(() => access.authenticate('Bearer tax-old-secret', '203.0.113.7', TODAY.date), 'unauthenticated', 401);
      expect(access.authenticate('Bearer tax-last-day-secret', '203.0.113.7', TODAY.date)).toBe(TAX);
      expectProblem(() => access.authenticate('Bearer tax-last-day-secret', '203.0.113.7', '2026-12-01'), 'unauthenticated', 401);
    });

    it('accepts a certificate-bound key with its certificate only, and answers 401 certificate-mismatch otherwise', () => {
      expect(access.authenticate('Bearer tax-mtls-secret', '203.0.113.7', TODAY.date, undefined, presented(TAX_CERT))).toBe(TAX);
      expectProblem(() => access.authenticate('Bearer tax-mtls-secret', '203.0.113.7', TODAY.date, undefined, presented(POLICE_CERT)), 'certificate-mismatch', 401, /bound to another client certificate/);
      expectProblem(() => access.authenticate('Bearer tax-mtls-secret', '203.0.113.7', TODAY.date), 'certificate-mismatch', 401, /present it \(mTLS\)/);
    });

    it("holds every key of an agency that registered certificates to one of them", () => {
      const state: GovernanceState = { version: 1, agencies: [TAX], apiKeys: [key('tax-1', TAX.id), key('tax-mtls', TAX.id, { certificate: TAX_CERT })], agreements: [], agencyCertificates: { [TAX.id]: [POLICE_CERT, TAX_CERT] } };
      const held = new AccessService(LiveGovernance.fixed(new GovernanceSnapshot(state, { production: false })), hasher, new QuotaLeases(new MemoryQuotaCounter()), new MemoryKeyUseLog(), false);
      expect(held.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date, undefined, presented(POLICE_CERT))).toBe(TAX);
      expectProblem(() => held.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date), 'certificate-mismatch', 401);
      expectProblem(() => held.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date, undefined, presented('c'.repeat(64))), 'certificate-mismatch', 401, /registered client certificates/);
      // The bound key needs its own, even though the agency registered another.
      expectProblem(() => held.authenticate('Bearer tax-mtls-secret', '203.0.113.7', TODAY.date, undefined, presented(POLICE_CERT)), 'certificate-mismatch', 401);
    });

    it("accepts a registered fingerprint only of a certificate whose chain was verified, and a key bound to 'agency' only with one of the agency's", () => {
      const state: GovernanceState = {
        version: 1,
        agencies: [TAX],
        apiKeys: [key('tax-1', TAX.id), key('tax-any', TAX.id, { certificate: 'agency' })],
        agreements: [],
        agencyCertificates: { [TAX.id]: [TAX_CERT] },
      };
      const held = new AccessService(LiveGovernance.fixed(new GovernanceSnapshot(state, { production: false })), hasher, new QuotaLeases(new MemoryQuotaCounter()), new MemoryKeyUseLog(), false, false);
      expect(held.authenticate('Bearer tax-any-secret', '203.0.113.7', TODAY.date, undefined, presented(TAX_CERT))).toBe(TAX);
      expectProblem(() => held.authenticate('Bearer tax-any-secret', '203.0.113.7', TODAY.date, undefined, presented(TAX_CERT, false)), 'certificate-mismatch', 401);
      expectProblem(() => held.authenticate('Bearer tax-any-secret', '203.0.113.7', TODAY.date, undefined, presented(POLICE_CERT)), 'certificate-mismatch', 401);
      // An agency that registered nothing: a key bound to "any of its certificates" matches none.
      const none: GovernanceState = { ...state, agencyCertificates: {} };
      const bare = new AccessService(LiveGovernance.fixed(new GovernanceSnapshot(none, { production: false })), hasher, new QuotaLeases(new MemoryQuotaCounter()), new MemoryKeyUseLog(), false, false);
      expectProblem(() => bare.authenticate('Bearer tax-any-secret', '203.0.113.7', TODAY.date, undefined, presented(TAX_CERT)), 'certificate-mismatch', 401);
    });

    it('refuses a key bound to no certificate when bearer keys alone are not allowed (production), and still accepts a bound one', () => {
      const strict = new AccessService(LiveGovernance.fixed(GovernanceSnapshot.ofContracts(CONTRACTS)), hasher, new QuotaLeases(new MemoryQuotaCounter()), new MemoryKeyUseLog(), false, false);
      expectProblem(() => strict.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date, undefined, presented(TAX_CERT)), 'certificate-required', 401, /NIX_ALLOW_BEARER_ONLY/);
      expect(strict.authenticate('Bearer tax-mtls-secret', '203.0.113.7', TODAY.date, undefined, presented(TAX_CERT))).toBe(TAX);
    });

    it("accepts a network-bound key from the agency's networks only, IPv4 and IPv6", () => {
      expect(access.authenticate('Bearer tax-office-secret', '10.20.3.4', TODAY.date)).toBe(TAX);
      expect(access.authenticate('Bearer tax-office-secret', '2001:db8::7', TODAY.date)).toBe(TAX);
      expectProblem(
        () => access.authenticate('Bearer tax-office-secret', '10.21.0.1', TODAY.date),
        'network-not-allowed',
        403,
        /Key tax-office of agency tax-organization is accepted only from the agency's registered networks/,
      );
      expectProblem(() => access.authenticate('Bearer tax-office-secret', '2001:db9::7', TODAY.date), 'network-not-allowed', 403);
    });
  });

  describe('refuseRelay', () => {
    it.each(['x-on-behalf-of', 'x-forwarded-agency', 'x-original-consumer'])('refuses an inquiry carrying %s, naming it (R8)', (header) => {
      expectProblem(() => access.refuseRelay({ [header]: 'police' }), 'relay-forbidden', 403, new RegExp(`the ${header} header is refused`));
    });

    it('lets an inquiry without relay headers through', () => {
      expect(() => access.refuseRelay({ 'x-purpose': 'tax-assessment', 'x-forwarded-for': '10.0.0.1' })).not.toThrow();
    });
  });

  describe('authorize', () => {
    it('gives the agreement in force that allows the purpose (R6)', () => {
      expect(access.authorize(TAX, 'identity', 'person', 'tax-assessment', TODAY).agreementFor(1)).toEqual({ ...AGREEMENT, resolution: null, status: 'active' });
    });

    it('refuses what no agreement allows, an agreement out of force, and a purpose not agreed', () => {
      expectProblem(() => access.authorize(TAX, 'vehicle', 'vehicle', 'tax-assessment', TODAY), 'no-agreement', 403);
      const nextYear: CalendarDay = { ...TODAY, date: '2027-01-01' };
      expectProblem(() => access.authorize(TAX, 'identity', 'person', 'tax-assessment', nextYear), 'agreement-not-in-force', 403);
      expectProblem(() => access.authorize(TAX, 'identity', 'person', 'marketing', TODAY), 'purpose-not-agreed', 403, /agreed purposes: tax-assessment/);
    });

    it('refuses an agency without the consumer role', () => {
      expectProblem(() => access.authorize(CIVIL, 'identity', 'person', 'tax-assessment', TODAY), 'role-required', 403);
    });
  });

  it('looks agencies up by id', () => {
    expect(access.agency('civil-registration')).toBe(CIVIL);
    expect(access.agency('nobody')).toBeUndefined();
  });

  describe('against the live governance state', () => {
    it('answers 503 governance-unavailable until the state is read, then judges with it', async () => {
      let state: GovernanceState | null = null;
      const live = new LiveGovernance({ stateVersion: async () => state?.version ?? 0, state: async () => (state ? state : Promise.reject(new Error('store down'))) }, { production: false, pollMs: 0 });
      const keyUse = new MemoryKeyUseLog();
      const fresh = new AccessService(live, hasher, new QuotaLeases(new MemoryQuotaCounter()), keyUse, false);
      expectProblem(() => fresh.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date), 'governance-unavailable', 503);
      state = { version: 1, agencies: [TAX], apiKeys: [key('tax-1', TAX.id)], agreements: [] };
      await live.refresh();
      expect(fresh.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date)).toEqual(TAX);
      expectProblem(() => fresh.authorize(TAX, 'identity', 'person', 'tax-assessment', TODAY), 'no-agreement', 403);
    });

    it('judges with the snapshot it is given, whatever changed since (one inquiry, one state)', async () => {
      let state: GovernanceState = { version: 1, agencies: [TAX], apiKeys: [key('tax-1', TAX.id)], agreements: [{ ...AGREEMENT, resolution: 'WG-1', status: 'active' }] };
      const live = new LiveGovernance({ stateVersion: async () => state.version, state: async () => state }, { production: false, pollMs: 0 });
      await live.refresh();
      const fresh = new AccessService(live, hasher, new QuotaLeases(new MemoryQuotaCounter()), new MemoryKeyUseLog(), false);
      const taken = fresh.snapshot();
      state = { ...state, version: 2, apiKeys: [], agreements: [{ ...AGREEMENT, resolution: 'WG-2', status: 'suspended' }] };
      await live.refresh();
      expect(fresh.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date, taken)).toEqual(TAX);
      expect(fresh.authorize(TAX, 'identity', 'person', 'tax-assessment', TODAY, taken).agreementFor(1).resolution).toBe('WG-1');
      expectProblem(() => fresh.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date), 'unauthenticated', 401);
      expectProblem(() => fresh.authorize(TAX, 'identity', 'person', 'tax-assessment', TODAY), 'agreement-not-in-force', 403, /suspended, resolution WG-2/);
    });

    it("notes a key's use once a day, and again the next day", async () => {
      const keyUse = new MemoryKeyUseLog();
      const noted = accessServiceOf(CONTRACTS, hasher, new MemoryQuotaCounter(), keyUse);
      noted.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date);
      noted.authenticate('Bearer tax-1-secret', '203.0.113.7', TODAY.date);
      noted.authenticate('Bearer tax-office-secret', '10.20.0.1', TODAY.date);
      noted.authenticate('Bearer tax-1-secret', '203.0.113.7', '2026-12-01');
      expect(keyUse.uses).toEqual(['tax-organization/tax-1@2026-11-30', 'tax-organization/tax-office@2026-11-30', 'tax-organization/tax-1@2026-12-01']);
    });

    it('counts the quota in the shared counter', async () => {
      const counter = new MemoryQuotaCounter();
      const counted = accessServiceOf(CONTRACTS, hasher, counter);
      expect(await counted.consumeQuota(AGREEMENT, TODAY, TODAY.startsAt)).toBe(99);
      expect(counter.granted.get(`${AGREEMENT.id}/${TODAY.date}`)).toBe(2);
    });
  });

  describe('demo coverage (development only)', () => {
    const DEMO: Agency = { id: 'demo-agency', name: { fa: 'نمونه', en: 'Demo' }, roles: ['consumer'], demo: true };
    const withDemo: ContractSet = { ...CONTRACTS, agencies: [...CONTRACTS.agencies, DEMO] };

    const PARCEL = new Map([[1, ['parcelId', 'areaSquareMetres']]]);

    it('covers a demo agency for every data item of a service it has no agreement for, with purpose demo', () => {
      const access = accessServiceOf(withDemo, hasher, new MemoryQuotaCounter(), new MemoryKeyUseLog(), true);
      const agreement = access.authorize(DEMO, 'cadastre', 'parcel', 'demo', TODAY, undefined, () => PARCEL).agreementFor(1);
      expect(agreement).toMatchObject({ id: 'demo-cadastre-parcel', consumer: 'demo-agency', dataItems: ['parcelId', 'areaSquareMetres'], purposes: ['demo'] });
      expectProblem(() => access.authorize(DEMO, 'cadastre', 'parcel', 'tax-assessment', TODAY, undefined, () => PARCEL), 'purpose-not-agreed', 403);
    });

    it("covers every published major, each for the data items of that major's newest version", () => {
      const access = accessServiceOf(withDemo, hasher, new MemoryQuotaCounter(), new MemoryKeyUseLog(), true);
      const authorization = access.authorize(DEMO, 'cadastre', 'parcel', 'demo', TODAY, undefined, () => new Map([...PARCEL, [2, ['parcelId', 'landUse']]]));
      expect([...authorization.majors]).toEqual([1, 2]);
      expect(authorization.agreementFor(1)).toMatchObject({ id: 'demo-cadastre-parcel', major: 1, dataItems: ['parcelId', 'areaSquareMetres'] });
      expect(authorization.agreementFor(2)).toMatchObject({ id: 'demo-cadastre-parcel-v2', major: 2, dataItems: ['parcelId', 'landUse'] });
    });

    it('covers nobody else, and nobody in production', () => {
      const development = accessServiceOf(withDemo, hasher, new MemoryQuotaCounter(), new MemoryKeyUseLog(), true);
      expectProblem(() => development.authorize(TAX, 'cadastre', 'parcel', 'tax-assessment', TODAY, undefined, () => PARCEL), 'no-agreement', 403);
      const production = accessServiceOf(withDemo, hasher, new MemoryQuotaCounter(), new MemoryKeyUseLog(), false);
      expectProblem(() => production.authorize(DEMO, 'cadastre', 'parcel', 'demo', TODAY, undefined, () => PARCEL), 'no-agreement', 403);
    });
  });
});
