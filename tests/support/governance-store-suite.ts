import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ServiceCatalog } from '@nix/catalog';
import { loadContracts, type ContractSet } from '@nix/contracts';
import {
  cidrsOf,
  GovernanceInputError,
  GovernanceNotFoundError,
  GovernanceRepository,
  IllegalTransitionError,
  NotPermittedError,
  type AccessRequest,
  type GovernanceActor,
} from '@nix/governance';
import { migrate, type SqlClient } from '@nix/ledger';
import { TestPki } from './test-pki';
import { contractsWith, REPO_ROOT, sha256 } from './fixtures';

/** A ContractSet with its networks as CIDR strings, so that two sets compare with toEqual. */
export function comparable(set: ContractSet) {
  return { ...set, apiKeys: set.apiKeys.map((k) => ({ ...k, networks: k.networks ? cidrsOf(k.networks) : null })) };
}

/** The test consumer's CA, made once, so that every copy of the contracts holds the same. */
let testConsumerCa: string | undefined;
const caOfTestConsumer = () => (testConsumerCa ??= new TestPki().ca('test-consumer-ca', '/O=Test Consumer/CN=Test Consumer CA').pem('test-consumer-ca'));

/**
 * contracts/ plus a consumer with a network-bound, expiring key, keys bound to a certificate and to any of the
 * agency's, and registered certificates (a fingerprint and an issuer), so that every field makes the round trip.
 */
export function contractsWithBoundKey(): string {
  return contractsWith({
    'agencies/test-consumer.yaml': [
      'id: test-consumer',
      'name: {fa: مصرف‌کننده آزمایشی, en: Test consumer}',
      'roles: [consumer]',
      'apiKeys:',
      `  - {id: office, sha256: ${sha256('test-consumer-office-key')}, networks: [10.20.0.0/16, 192.0.2.7, "2001:db8::/32"], expires: 2027-01-31}`,
      `  - {id: spare, sha256: ${sha256('test-consumer-spare-key')}}`,
      `  - {id: gateway, sha256: ${sha256('test-consumer-gateway-key')}, certificate: agency}`,
      `  - {id: pinned, sha256: ${sha256('test-consumer-pinned-key')}, certificate: ${'ef'.repeat(32)}}`,
      'certificates:',
      `  fingerprints: [${'ef'.repeat(32)}]`,
      '  issuers:',
      `    - {subject: "CN=test-gateway,O=Test Consumer", ca: ${JSON.stringify(caOfTestConsumer())}}`,
      '',
    ].join('\n'),
    'agreements/test-consumer.yaml': [
      'consumer: test-consumer',
      'agreements:',
      '  - {id: test-identity-person, registry: identity, service: person, dataItems: [firstName, alive], purposes: [taxpayer-registration], validFrom: 2026-03-21, validUntil: 2027-03-20, dailyQuota: 10}',
      '',
    ].join('\n'),
  });
}

export function writeExport(files: { path: string; content: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'nix-export-'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  return dir;
}

const WORKING_GROUP: GovernanceActor = { agencyId: 'interoperability-working-group', roles: ['working-group'] };
const IDENTITY_CUSTODIAN: GovernanceActor = { agencyId: 'civil-registration', roles: ['provider'] };
const OTHER_CUSTODIAN: GovernanceActor = { agencyId: 'iran-post', roles: ['provider'] };
const OTHER_CONSUMER: GovernanceActor = { agencyId: 'tax-organization', roles: ['consumer'] };
const WELFARE: GovernanceActor = { agencyId: 'test-welfare', roles: ['consumer'] };

/** The identity/person request of issue 11's "Done when", filed by the test-welfare consumer. */
const PERSON_REQUEST = {
  consumer: 'test-welfare',
  registry: 'identity',
  custodian: 'civil-registration',
  service: 'person',
  major: 1,
  dataItems: ['firstName', 'alive'],
  purposes: ['benefit-eligibility'],
  dailyQuota: 500,
  validFrom: null,
  validUntil: null,
  justification: 'Welfare law, art. 12',
};

/** What a promise rejects with; fails if it fulfils. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function illegalState(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(IllegalTransitionError);
  return (error as IllegalTransitionError).currentState;
}

/** The governance store's guarantees, run against the embedded store and against PostgreSQL. */
export function governanceStoreSuite(describeFn: jest.Describe, name: string, open: () => Promise<SqlClient>): void {
  describeFn(name, () => {
    const catalog = ServiceCatalog.load(join(REPO_ROOT, 'schemas'));
    let sql: SqlClient;
    let repository: GovernanceRepository;

    beforeAll(async () => {
      sql = await open();
      await migrate(sql);
      repository = new GovernanceRepository(sql);
    });
    afterAll(async () => {
      await sql.close();
    });

    it('imports contracts/ into the empty store once, exports it as the same YAML, and audits every import', async () => {
      const contractsDir = contractsWithBoundKey();
      const original = loadContracts(contractsDir, catalog, { production: false });
      expect(original.agreements.find((a) => a.id === 'tax-identity-person-1405')?.resolution).toBe('IWG-1404-42');
      expect(await repository.isEmpty()).toBe(true);

      expect(await repository.bootstrap(original)).toBe(true);
      expect(await repository.bootstrap(original)).toBe(false);

      const agencies = await repository.agencies();
      expect(agencies.map((a) => a.id)).toEqual(original.agencies.map((a) => a.id).sort());
      const keys = await repository.apiKeys();
      expect(keys.find((k) => k.keyId === 'office')).toMatchObject({ agencyId: 'test-consumer', expires: '2027-01-31', lastUsedDay: null, revokedAt: null });
      expect(cidrsOf(keys.find((k) => k.keyId === 'office')!.networks!)).toEqual(['10.20.0.0/16', '192.0.2.7/32', '2001:db8::/32']);
      const agreements = await repository.agreements();
      expect(agreements.find((a) => a.id === 'tax-identity-person-1405')).toMatchObject({ resolution: 'IWG-1404-42', status: 'active', dailyQuota: 2000000, validFrom: '2026-03-21' });

      const exportDir = writeExport(await repository.exportContracts());
      const reloaded = loadContracts(exportDir, catalog, { production: false });
      const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      const byKey = (set: ContractSet) => [...comparable(set).apiKeys].sort((a, b) => `${a.agencyId}/${a.keyId}`.localeCompare(`${b.agencyId}/${b.keyId}`));
      expect(byId(reloaded.agencies)).toEqual(byId(original.agencies));
      expect(byId(reloaded.agreements)).toEqual(byId(original.agreements));
      expect(byKey(reloaded)).toEqual(byKey(original));
      expect(original.agencyCertificates?.['test-consumer']).toEqual({ fingerprints: ['ef'.repeat(32)], issuers: [{ subject: 'CN=test-gateway,O=Test Consumer', ca: caOfTestConsumer() }] });
      expect(reloaded.agencyCertificates).toEqual(original.agencyCertificates);
      expect((await repository.state()).agencyIssuers).toEqual({ 'test-consumer': original.agencyCertificates?.['test-consumer'].issuers });

      const log = await repository.auditLog();
      const imported = original.agencies.length + original.apiKeys.length + original.agreements.length + Object.keys(original.agencyCertificates ?? {}).length;
      expect(log).toHaveLength(imported);
      expect(log.every((e) => e.actor === 'contracts-import' && e.before === null)).toBe(true);
      expect(log.find((e) => e.subject === 'agreement:tax-identity-person-1405')?.after).toMatchObject({ resolution: 'IWG-1404-42' });
    });

    it('imports on demand as an upsert: only what changed is written, each change audited with before and after', async () => {
      const before = (await repository.auditLog()).length;
      const contractsDir = contractsWithBoundKey();
      const set = loadContracts(contractsDir, catalog, { production: false });
      expect((await repository.importContracts(set)).changed).toBe(0);

      const raised = { ...set, agreements: set.agreements.map((a) => (a.id === 'test-identity-person' ? { ...a, dailyQuota: 20, resolution: 'IWG-1405-9' } : a)) };
      expect((await repository.importContracts(raised, 'interoperability-working-group')).changed).toBe(1);
      expect((await repository.agreements()).find((a) => a.id === 'test-identity-person')).toMatchObject({ dailyQuota: 20, resolution: 'IWG-1405-9' });
      const log = await repository.auditLog();
      expect(log).toHaveLength(before + 1);
      expect(log[log.length - 1]).toMatchObject({
        actor: 'interoperability-working-group',
        action: 'agreement.import',
        subject: 'agreement:test-identity-person',
        before: { dailyQuota: 10, resolution: null },
        after: { dailyQuota: 20, resolution: 'IWG-1405-9' },
      });
    });

    it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
      const count = (await repository.auditLog()).length;
      expect(count).toBeGreaterThan(0);
      await expect(sql.query("UPDATE governance_audit SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
      await expect(sql.query('DELETE FROM governance_audit')).rejects.toThrow(/append-only/);
      await expect(sql.query('TRUNCATE governance_audit')).rejects.toThrow(/append-only/);
      const log = await repository.auditLog();
      expect(log).toHaveLength(count);
      expect(log.some((e) => e.actor === 'someone-else')).toBe(false);
    });

    it('holds key hashes only: a key column cannot take anything but a SHA-256', async () => {
      await expect(
        sql.query("INSERT INTO governance_api_key (agency_id, key_id, sha256) VALUES ('test-consumer', 'raw', 'nix_live_not-a-hash')"),
      ).rejects.toThrow();
      expect((await repository.apiKeys()).map((k) => k.keyId)).not.toContain('raw');
    });

    describe('the request workflow', () => {
      const decisionsOf = (id: string) =>
        sql.query<{ stage: string; outcome: string; decided_by: string }>('SELECT stage, outcome, decided_by FROM governance_decision WHERE access_request_id = $1 ORDER BY stage', [id]);
      const fileAndConsent = async (): Promise<AccessRequest> => {
        const filed = await repository.fileAccessRequest(WELFARE, PERSON_REQUEST);
        return repository.consentToAccessRequest(IDENTITY_CUSTODIAN, filed.id, 'consented');
      };

      it('registers a consumer with keys, files its request, takes consent and approval into an agreement with the resolution, revokes the key, and audits every step', async () => {
        const auditBefore = (await repository.auditLog()).length;
        await repository.registerAgency(WORKING_GROUP, { id: 'test-welfare', name: { fa: 'رفاه آزمایشی', en: 'Test welfare' }, roles: ['consumer'], demo: false });
        expect((await repository.agencies()).find((a) => a.id === 'test-welfare')).toMatchObject({ roles: ['consumer'] });
        const welfareKey = await repository.issueApiKey(WORKING_GROUP, 'test-welfare');
        const custodianKey = await repository.issueApiKey(WORKING_GROUP, 'civil-registration', { expires: '2027-03-20', networks: ['10.1.0.0/16'] });
        expect(await rejection(repository.issueApiKey(WELFARE, 'civil-registration'))).toBeInstanceOf(NotPermittedError);
        expect(await rejection(repository.issueApiKey(WORKING_GROUP, 'test-welfare', { networks: ['10.1.0.0/40'] }))).toMatchObject({ field: 'networks/0' });
        const keys = await repository.apiKeys();
        expect(keys.find((k) => k.keyId === welfareKey.keyId)).toMatchObject({ agencyId: 'test-welfare', sha256: sha256(welfareKey.key), expires: null, networks: null, revokedAt: null });
        expect(keys.find((k) => k.keyId === custodianKey.keyId)).toMatchObject({ agencyId: 'civil-registration', sha256: sha256(custodianKey.key), expires: '2027-03-20' });

        const filed = await repository.fileAccessRequest(WELFARE, PERSON_REQUEST);
        expect(filed).toMatchObject({ status: 'pending-custodian', agreementId: null, dataItems: ['firstName', 'alive'] });
        expect(await repository.accessRequest(WELFARE, filed.id)).toEqual(filed);

        const consented = await repository.consentToAccessRequest(IDENTITY_CUSTODIAN, filed.id, 'the law allows it');
        expect(consented.status).toBe('pending-working-group');
        expect((await repository.accessRequest(IDENTITY_CUSTODIAN, filed.id)).status).toBe('pending-working-group');

        const { request, agreement } = await repository.decideAccessRequest(WORKING_GROUP, filed.id, { decision: 'approved', resolution: 'IWG-1405-17', note: 'unanimous' });
        expect(request).toMatchObject({ status: 'approved', resolution: 'IWG-1405-17', agreementId: agreement!.id });
        expect(await repository.accessRequest(WORKING_GROUP, filed.id)).toEqual(request);
        const stored = (await repository.agreements()).find((a) => a.id === request.agreementId);
        expect(stored).toEqual(agreement);
        expect(stored).toMatchObject({ consumer: 'test-welfare', registry: 'identity', service: 'person', dataItems: ['firstName', 'alive'], purposes: ['benefit-eligibility'], dailyQuota: 500, resolution: 'IWG-1405-17', status: 'active' });
        expect(await decisionsOf(filed.id)).toEqual([
          { stage: 'custodian', outcome: 'consented', decided_by: 'civil-registration' },
          { stage: 'working-group', outcome: 'approved', decided_by: 'interoperability-working-group' },
        ]);

        await repository.revokeApiKey(WORKING_GROUP, 'test-welfare', welfareKey.keyId);
        expect((await repository.apiKeys()).map((k) => k.keyId)).not.toContain(welfareKey.keyId);
        expect((await repository.apiKeys({ includeRevoked: true })).find((k) => k.keyId === welfareKey.keyId)?.revokedAt).toBeInstanceOf(Date);
        expect(await illegalState(repository.revokeApiKey(WORKING_GROUP, 'test-welfare', welfareKey.keyId))).toBe('revoked');

        const steps = (await repository.auditLog()).slice(auditBefore);
        const row = (e: { actor: string; action: string; subject: string }) => [e.actor, e.action, e.subject];
        expect(steps.slice(0, 5).map(row)).toEqual([
          ['interoperability-working-group', 'agency.register', 'agency:test-welfare'],
          ['interoperability-working-group', 'api-key.issue', `api-key:test-welfare/${welfareKey.keyId}`],
          ['interoperability-working-group', 'api-key.issue', `api-key:civil-registration/${custodianKey.keyId}`],
          ['test-welfare', 'access-request.file', `access-request:${filed.id}`],
          ['civil-registration', 'access-request.consent', `access-request:${filed.id}`],
        ]);
        // The decision and the agreement it creates go in as one statement, so their order between them is not fixed.
        expect(steps.slice(5, 7).map(row).sort()).toEqual([
          ['interoperability-working-group', 'access-request.decide', `access-request:${filed.id}`],
          ['interoperability-working-group', 'agreement.create', `agreement:${agreement!.id}`],
        ]);
        expect(steps.slice(7).map(row)).toEqual([['interoperability-working-group', 'api-key.revoke', `api-key:test-welfare/${welfareKey.keyId}`]]);
        expect(steps.find((e) => e.action === 'api-key.revoke')).toMatchObject({ before: { revoked: false, sha256: sha256(welfareKey.key) }, after: { revoked: true } });
        // The audit log holds hashes, never a key.
        expect(JSON.stringify(await repository.auditLog())).not.toContain(welfareKey.key);
        expect(JSON.stringify(await repository.auditLog())).not.toContain(custodianKey.key);
        const bySubjectAction = (action: string) => steps.find((e) => e.action === action)!;
        expect(bySubjectAction('access-request.file')).toMatchObject({ before: null, after: { status: 'pending-custodian' } });
        expect(bySubjectAction('access-request.consent')).toMatchObject({ before: { status: 'pending-custodian' }, after: { status: 'pending-working-group' } });
        expect(bySubjectAction('access-request.decide')).toMatchObject({ before: { status: 'pending-working-group' }, after: { status: 'approved', resolution: 'IWG-1405-17' } });
        expect(bySubjectAction('agreement.create')).toMatchObject({ actor: 'interoperability-working-group', before: null, after: { resolution: 'IWG-1405-17', status: 'active' } });
      });

      it('shows a request to its consumer, its custodian and the working group only', async () => {
        const filed = await repository.fileAccessRequest(WELFARE, PERSON_REQUEST);
        for (const actor of [WELFARE, IDENTITY_CUSTODIAN, WORKING_GROUP]) expect((await repository.accessRequests(actor)).map((r) => r.id)).toContain(filed.id);
        for (const actor of [OTHER_CUSTODIAN, OTHER_CONSUMER]) {
          expect((await repository.accessRequests(actor)).map((r) => r.id)).not.toContain(filed.id);
          expect(await rejection(repository.accessRequest(actor, filed.id))).toBeInstanceOf(NotPermittedError);
        }
        expect((await repository.accessRequests(WELFARE)).every((r) => r.consumer === 'test-welfare')).toBe(true);
        expect(await rejection(repository.accessRequest(WORKING_GROUP, 'ar-missing'))).toBeInstanceOf(GovernanceNotFoundError);
      });

      it('refuses illegal transitions with the current state, and changes nothing for them', async () => {
        const filed = await repository.fileAccessRequest(WELFARE, PERSON_REQUEST);
        expect(await illegalState(repository.decideAccessRequest(WORKING_GROUP, filed.id, { decision: 'approved', resolution: 'IWG-1405-18' }))).toBe('pending-custodian');
        expect(await rejection(repository.consentToAccessRequest(OTHER_CUSTODIAN, filed.id))).toBeInstanceOf(NotPermittedError);
        expect(await rejection(repository.decideAccessRequest(IDENTITY_CUSTODIAN, filed.id, { decision: 'approved', resolution: 'IWG-1405-18' }))).toBeInstanceOf(NotPermittedError);
        expect((await repository.refuseAccessRequest(IDENTITY_CUSTODIAN, filed.id, 'not for this purpose')).status).toBe('refused');
        expect(await illegalState(repository.consentToAccessRequest(IDENTITY_CUSTODIAN, filed.id))).toBe('refused');
        expect(await illegalState(repository.decideAccessRequest(WORKING_GROUP, filed.id, { decision: 'approved', resolution: 'IWG-1405-18' }))).toBe('refused');
        expect(await rejection(repository.decideAccessRequest(WORKING_GROUP, filed.id, { decision: 'approved', resolution: ' ' }))).toBeInstanceOf(GovernanceInputError);
        expect(await repository.accessRequest(WELFARE, filed.id)).toMatchObject({ status: 'refused', agreementId: null });
        expect(await decisionsOf(filed.id)).toEqual([{ stage: 'custodian', outcome: 'refused', decided_by: 'civil-registration' }]);
        expect((await repository.auditLog()).filter((e) => e.subject === `access-request:${filed.id}`).map((e) => e.action)).toEqual(['access-request.file', 'access-request.refuse']);

        const approved = await fileAndConsent();
        await repository.decideAccessRequest(WORKING_GROUP, approved.id, { decision: 'rejected', resolution: 'IWG-1405-19' });
        expect(await illegalState(repository.decideAccessRequest(WORKING_GROUP, approved.id, { decision: 'approved', resolution: 'IWG-1405-20' }))).toBe('rejected');
        expect(await illegalState(repository.refuseAccessRequest(IDENTITY_CUSTODIAN, approved.id))).toBe('rejected');
      });

      // Several at once, so that on PostgreSQL's pool their reads overlap and the guard, not the order, decides.
      it('lets exactly one of several concurrent decisions win; each other gets the state the winner left', async () => {
        const request = await fileAndConsent();
        const agreementsBefore = (await repository.agreements()).length;
        const decisions = ['approved', 'rejected', 'approved', 'rejected', 'approved', 'approved'] as const;
        const outcomes = await Promise.allSettled(
          decisions.map((decision, i) => repository.decideAccessRequest(WORKING_GROUP, request.id, { decision, resolution: `IWG-1405-2${i}` })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(decisions.length - 1);
        const winner = won[0].value.request;
        for (const loser of lost) {
          expect(loser.reason).toBeInstanceOf(IllegalTransitionError);
          expect((loser.reason as IllegalTransitionError).currentState).toBe(winner.status);
        }

        expect(await repository.accessRequest(WORKING_GROUP, request.id)).toEqual(winner);
        expect((await decisionsOf(request.id)).filter((d) => d.stage === 'working-group')).toEqual([{ stage: 'working-group', outcome: winner.status, decided_by: 'interoperability-working-group' }]);
        const agreements = await repository.agreements();
        expect(agreements).toHaveLength(agreementsBefore + (winner.status === 'approved' ? 1 : 0));
        if (winner.agreementId) expect(agreements.find((a) => a.id === winner.agreementId)?.resolution).toBe(winner.resolution);
        expect((await repository.auditLog()).filter((e) => e.subject === `access-request:${request.id}` && e.action === 'access-request.decide')).toHaveLength(1);
      });

      it('suspends, reinstates, amends and revokes an agreement, each audited with before and after; revocation is final', async () => {
        const request = await fileAndConsent();
        const { agreement } = await repository.decideAccessRequest(WORKING_GROUP, request.id, { decision: 'approved', resolution: 'IWG-1405-23' });
        const id = agreement!.id;
        expect(await rejection(repository.suspendAgreement(WELFARE, id, 'IWG-1405-24'))).toBeInstanceOf(NotPermittedError);
        expect(await repository.suspendAgreement(WORKING_GROUP, id, 'IWG-1405-24')).toMatchObject({ status: 'suspended', resolution: 'IWG-1405-24' });
        expect(await illegalState(repository.suspendAgreement(WORKING_GROUP, id, 'IWG-1405-25'))).toBe('suspended');
        expect(await repository.reinstateAgreement(WORKING_GROUP, id, 'IWG-1405-25')).toMatchObject({ status: 'active' });
        const amended = await repository.amendAgreement(WORKING_GROUP, id, { dailyQuota: 800, dataItems: ['firstName'], resolution: 'IWG-1405-26' });
        expect(amended).toMatchObject({ dailyQuota: 800, dataItems: ['firstName'], purposes: ['benefit-eligibility'], status: 'active', resolution: 'IWG-1405-26' });
        expect(await repository.agreement(id)).toEqual(amended);
        expect(await repository.revokeAgreement(WORKING_GROUP, id, 'IWG-1405-27')).toMatchObject({ status: 'revoked' });
        expect(await illegalState(repository.reinstateAgreement(WORKING_GROUP, id, 'IWG-1405-28'))).toBe('revoked');
        expect(await illegalState(repository.amendAgreement(WORKING_GROUP, id, { dailyQuota: 1, resolution: 'IWG-1405-28' }))).toBe('revoked');
        expect((await repository.agreement(id)).status).toBe('revoked');

        const log = (await repository.auditLog()).filter((e) => e.subject === `agreement:${id}`);
        expect(log.map((e) => e.action)).toEqual(['agreement.create', 'agreement.suspend', 'agreement.reinstate', 'agreement.amend', 'agreement.revoke']);
        expect(log[3]).toMatchObject({ before: { dailyQuota: 500, dataItems: ['firstName', 'alive'] }, after: { dailyQuota: 800, dataItems: ['firstName'], resolution: 'IWG-1405-26' } });
        expect(log[4]).toMatchObject({ before: { status: 'active' }, after: { status: 'revoked', resolution: 'IWG-1405-27' } });
      });

      // Amendments that follow one another are all legal, so the rule is: no lost update. Each change that went in
      // started from the state the previous one left, and the ones that raced it got IllegalTransitionError.
      it('loses no update when several changes to an agreement race', async () => {
        const request = await fileAndConsent();
        const { agreement } = await repository.decideAccessRequest(WORKING_GROUP, request.id, { decision: 'approved', resolution: 'IWG-1405-29' });
        const outcomes = await Promise.allSettled(
          [10, 20, 30, 40, 50].map((dailyQuota) => repository.amendAgreement(WORKING_GROUP, agreement!.id, { dailyQuota, resolution: `IWG-1405-${dailyQuota}` })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        expect(won.length).toBeGreaterThanOrEqual(1);
        for (const loser of outcomes.filter((o) => o.status === 'rejected')) expect(loser.reason).toBeInstanceOf(IllegalTransitionError);

        const amendments = (await repository.auditLog()).filter((e) => e.subject === `agreement:${agreement!.id}` && e.action === 'agreement.amend');
        expect(amendments).toHaveLength(won.length);
        expect(amendments.map((e) => e.before)).toEqual([agreement, ...amendments.slice(0, -1).map((e) => e.after)]);
        expect(await repository.agreement(agreement!.id)).toEqual(amendments[amendments.length - 1].after);
      });

      it('creates an agreement directly (working group only), audited in the same statement; a taken id or an unknown consumer is refused', async () => {
        const draft = {
          id: 'test-welfare-postal-1405',
          consumer: 'test-welfare',
          registry: 'address',
          service: 'postal-code',
          dataItems: ['province'],
          purposes: ['benefit-eligibility'],
          dailyQuota: 40,
          validFrom: '2026-03-21',
          validUntil: '2027-03-20',
          resolution: ' IWG-1404-90 ',
        };
        expect(await rejection(repository.createAgreement(WELFARE, draft))).toBeInstanceOf(NotPermittedError);
        const created = await repository.createAgreement(WORKING_GROUP, draft);
        expect(created).toEqual({ ...draft, major: 1, resolution: 'IWG-1404-90', status: 'active' });
        expect(await repository.agreement(draft.id)).toEqual(created);
        expect(await rejection(repository.createAgreement(WORKING_GROUP, draft))).toMatchObject({ field: 'id' });
        expect(await rejection(repository.createAgreement(WORKING_GROUP, { ...draft, id: undefined, consumer: 'nobody' }))).toMatchObject({ field: 'consumer' });
        const generated = await repository.createAgreement(WORKING_GROUP, { ...draft, id: undefined });
        expect(generated.id).toMatch(/^ag-/);
        const log = (await repository.auditLog()).filter((e) => e.subject === `agreement:${draft.id}`);
        expect(log).toEqual([expect.objectContaining({ actor: WORKING_GROUP.agencyId, action: 'agreement.create', before: null, after: created })]);
      });

      it('holds the major an agreement or a request covers (1 unless named), through approval, the brokers\' state and the export', async () => {
        const second = await repository.createAgreement(WORKING_GROUP, {
          id: 'test-welfare-postal-v2',
          consumer: 'test-welfare',
          registry: 'address',
          service: 'postal-code',
          major: 2,
          dataItems: ['province'],
          purposes: ['benefit-eligibility'],
          dailyQuota: 40,
          validFrom: '2026-03-21',
          validUntil: '2027-03-20',
          resolution: 'IWG-1404-91',
        });
        expect(second.major).toBe(2);
        expect((await repository.agreement(second.id)).major).toBe(2);
        const state = await repository.state();
        expect(state.agreements.find((a) => a.id === second.id)?.major).toBe(2);
        expect(state.agreements.find((a) => a.id === 'test-welfare-postal-1405')?.major).toBe(1);

        const filed = await repository.fileAccessRequest(WELFARE, { ...PERSON_REQUEST, major: 2 });
        expect(filed.major).toBe(2);
        expect((await repository.accessRequest(WELFARE, filed.id)).major).toBe(2);
        await repository.consentToAccessRequest(IDENTITY_CUSTODIAN, filed.id);
        const { agreement } = await repository.decideAccessRequest(WORKING_GROUP, filed.id, { decision: 'approved', resolution: 'IWG-1405-30' });
        expect(agreement?.major).toBe(2);
        expect((await repository.agreement(agreement!.id)).major).toBe(2);
        // An amendment keeps the major.
        expect((await repository.amendAgreement(WORKING_GROUP, second.id, { dailyQuota: 41, resolution: 'IWG-1404-92' })).major).toBe(2);

        // The export writes the major where it is not 1, and only there.
        const file = (await repository.exportContracts()).find((f) => f.path === 'agreements/test-welfare.yaml')!;
        const entries: Array<{ id: string; major?: number }> = parse(file.content).agreements;
        expect(entries.find((e) => e.id === second.id)?.major).toBe(2);
        expect(entries.find((e) => e.id === 'test-welfare-postal-1405')).not.toHaveProperty('major');

        // The store refuses a major below 1 whoever writes it.
        await expect(sql.query("UPDATE governance_agreement SET major = 0 WHERE id = 'test-welfare-postal-v2'")).rejects.toThrow(/check/i);
        await expect(sql.query("UPDATE governance_access_request SET major = 0 WHERE id = $1", [filed.id])).rejects.toThrow(/check/i);
      });

      it("lists an agency's keys for the working group or the agency itself: ids, dates, revocation, never a hash", async () => {
        const issued = await repository.issueApiKey(WELFARE, 'test-welfare', { expires: '2027-01-31' });
        const listing = await repository.apiKeysOf(WELFARE, 'test-welfare');
        expect(listing.find((k) => k.keyId === issued.keyId)).toEqual({ keyId: issued.keyId, createdAt: expect.any(String), expires: '2027-01-31', lastUsedDay: null, revokedAt: null, certificate: null });
        expect(JSON.stringify(listing)).not.toMatch(/[0-9a-f]{64}/);
        await repository.revokeApiKey(WORKING_GROUP, 'test-welfare', issued.keyId);
        expect((await repository.apiKeysOf(WORKING_GROUP, 'test-welfare')).find((k) => k.keyId === issued.keyId)?.revokedAt).toEqual(expect.any(String));
        expect(await rejection(repository.apiKeysOf(OTHER_CONSUMER, 'test-welfare'))).toBeInstanceOf(NotPermittedError);
        expect(await rejection(repository.apiKeysOf(WORKING_GROUP, 'nobody'))).toBeInstanceOf(GovernanceNotFoundError);
      });

      it("binds keys to certificates and keeps an agency's registered certificates in the state, audited", async () => {
        const fingerprint = 'AB:'.repeat(31) + 'AB';
        const bound = await repository.issueApiKey(WELFARE, 'test-welfare', { certificate: fingerprint });
        expect(bound.certificate).toBe('ab'.repeat(32));
        expect((await repository.state()).apiKeys.find((k) => k.keyId === bound.keyId)?.certificate).toBe('ab'.repeat(32));
        expect(await rejection(repository.issueApiKey(WELFARE, 'test-welfare', { certificate: 'not-hex' }))).toBeInstanceOf(GovernanceInputError);

        expect(await repository.registerCertificates(WORKING_GROUP, 'test-welfare', { fingerprints: ['CD'.repeat(32)] })).toEqual({ fingerprints: ['cd'.repeat(32)], issuers: [] });
        expect((await repository.state()).agencyCertificates?.['test-welfare']).toEqual(['cd'.repeat(32)]);
        expect(await repository.certificatesOf(WELFARE, 'test-welfare')).toEqual({ fingerprints: ['cd'.repeat(32)], issuers: [] });
        expect((await repository.auditLog()).filter((e) => e.subject === 'agency:test-welfare').at(-1)).toMatchObject({
          action: 'agency.certificates',
          before: { fingerprints: [], issuers: [] },
          after: { fingerprints: ['cd'.repeat(32)], issuers: [] },
        });
        expect(await rejection(repository.registerCertificates(WELFARE, 'test-welfare', { fingerprints: [] }))).toBeInstanceOf(NotPermittedError);
        expect(await rejection(repository.certificatesOf(OTHER_CONSUMER, 'test-welfare'))).toBeInstanceOf(NotPermittedError);
        expect(await rejection(repository.registerCertificates(WORKING_GROUP, 'nobody', { fingerprints: [] }))).toBeInstanceOf(GovernanceNotFoundError);
        await repository.registerCertificates(WORKING_GROUP, 'test-welfare', { fingerprints: [] });
        expect((await repository.state()).agencyCertificates?.['test-welfare']).toBeUndefined();
      });

      it("keeps an agency's issuers (CA and subject) in the state, binds a key to any of its certificates, and names a bad issuer's field", async () => {
        const pki = new TestPki().ca('welfare-ca', '/O=Welfare/CN=Welfare CA').issue('gateway', '/O=Welfare/CN=gateway', 'welfare-ca');
        const registered = await repository.registerCertificates(WORKING_GROUP, 'test-welfare', { fingerprints: [], issuers: [{ ca: pki.pem('welfare-ca'), subject: 'CN=gateway, O=Welfare' }] });
        expect(registered.issuers).toEqual([{ ca: expect.stringContaining('-----BEGIN CERTIFICATE-----'), subject: 'CN=gateway,O=Welfare' }]);
        expect((await repository.state()).agencyIssuers?.['test-welfare']).toEqual(registered.issuers);
        expect(await repository.certificatesOf(WELFARE, 'test-welfare')).toEqual(registered);
        const anyOfItsOwn = await repository.issueApiKey(WELFARE, 'test-welfare', { certificate: 'agency' });
        expect(anyOfItsOwn.certificate).toBe('agency');
        expect((await repository.state()).apiKeys.find((k) => k.keyId === anyOfItsOwn.keyId)?.certificate).toBe('agency');
        const field = async (issuers: { ca: string; subject: string }[]) =>
          ((await rejection(repository.registerCertificates(WORKING_GROUP, 'test-welfare', { fingerprints: [], issuers }))) as GovernanceInputError).field;
        expect(await field([{ ca: 'not a certificate', subject: 'CN=gateway' }])).toBe('issuers/0/ca');
        expect(await field([{ ca: pki.pem('gateway'), subject: 'CN=gateway' }])).toBe('issuers/0/ca');
        expect(await field([{ ca: pki.pem('welfare-ca'), subject: 'gateway' }])).toBe('issuers/0/subject');
        await repository.registerCertificates(WORKING_GROUP, 'test-welfare', { fingerprints: [] });
        expect((await repository.state()).agencyIssuers?.['test-welfare']).toBeUndefined();
      });

      it('pages the audit log by seq, filtered by subject or actor', async () => {
        const all = await repository.auditLog();
        const pages: Array<{ seq: number; action: string }> = [];
        let after: number | undefined;
        for (;;) {
          const page = await repository.auditPage({ after, limit: 7 });
          expect(page.entries.length).toBeLessThanOrEqual(7);
          pages.push(...page.entries);
          if (page.next === null) break;
          expect(page.next).toBe(page.entries[page.entries.length - 1].seq);
          after = page.next;
        }
        expect(pages.map((e) => e.action)).toEqual(all.map((e) => e.action));
        expect(new Set(pages.map((e) => e.seq)).size).toBe(pages.length);
        const byCustodian = await repository.auditPage({ actor: IDENTITY_CUSTODIAN.agencyId, limit: 10_000 });
        expect(byCustodian.entries.length).toBeGreaterThan(0);
        expect(byCustodian.entries.every((e) => e.actor === IDENTITY_CUSTODIAN.agencyId)).toBe(true);
        const oneAgreement = await repository.auditPage({ subject: 'agreement:test-welfare-postal-1405' });
        expect(oneAgreement.entries.map((e) => e.action)).toEqual(['agreement.create']);
      });

      it('takes service requests (R7) to the working group: accepted with a custodian or rejected with a reason, audited', async () => {
        const wanted = await repository.submitServiceRequest(WELFARE, 'Disability status from the welfare registry');
        expect(wanted).toMatchObject({ requester: 'test-welfare', status: 'submitted' });
        expect(await rejection(repository.acceptServiceRequest(WELFARE, wanted.id, 'civil-registration'))).toBeInstanceOf(NotPermittedError);
        expect(await rejection(repository.acceptServiceRequest(WORKING_GROUP, wanted.id, 'tax-organization'))).toBeInstanceOf(GovernanceInputError);
        expect(await repository.acceptServiceRequest(WORKING_GROUP, wanted.id, 'civil-registration')).toMatchObject({ status: 'accepted', assignedCustodian: 'civil-registration' });
        expect(await illegalState(repository.rejectServiceRequest(WORKING_GROUP, wanted.id, 'duplicate'))).toBe('accepted');

        const unwanted = await repository.submitServiceRequest(WELFARE, 'Everything about everyone');
        expect(await repository.rejectServiceRequest(WORKING_GROUP, unwanted.id, 'not proportionate')).toMatchObject({ status: 'rejected', reason: 'not proportionate' });
        expect(await rejection(repository.submitServiceRequest(WELFARE, ' '))).toBeInstanceOf(GovernanceInputError);

        expect((await repository.serviceRequests(WELFARE)).map((r) => [r.id, r.status])).toEqual([
          [wanted.id, 'accepted'],
          [unwanted.id, 'rejected'],
        ]);
        expect(await repository.serviceRequests(OTHER_CONSUMER)).toEqual([]);
        expect((await repository.serviceRequests(IDENTITY_CUSTODIAN)).map((r) => r.id)).toEqual([wanted.id]);
        const log = (await repository.auditLog()).filter((e) => e.subject.startsWith('service-request:'));
        expect(log.map((e) => e.action)).toEqual(['service-request.submit', 'service-request.accept', 'service-request.submit', 'service-request.reject']);
        expect(log[1]).toMatchObject({ actor: 'interoperability-working-group', before: { status: 'submitted' }, after: { status: 'accepted', assignedCustodian: 'civil-registration' } });
      });

      it('opens disputes (R6) about what exists, and lets the working group resolve each once with a binding resolution', async () => {
        const request = await repository.fileAccessRequest(WELFARE, PERSON_REQUEST);
        const dispute = await repository.openDispute(WELFARE, { kind: 'access-request', id: request.id }, 'The custodian has not answered in 30 days');
        expect(dispute).toMatchObject({ raisedBy: 'test-welfare', status: 'open', resolution: null });
        expect(await rejection(repository.openDispute(WELFARE, { kind: 'agreement', id: 'no-such-agreement' }, 'x'))).toBeInstanceOf(GovernanceNotFoundError);
        expect(await rejection(repository.resolveDispute(IDENTITY_CUSTODIAN, dispute.id, 'IWG-1405-32'))).toBeInstanceOf(NotPermittedError);
        expect(await repository.resolveDispute(WORKING_GROUP, dispute.id, 'IWG-1405-32')).toMatchObject({ status: 'resolved', resolution: 'IWG-1405-32' });
        expect(await illegalState(repository.resolveDispute(WORKING_GROUP, dispute.id, 'IWG-1405-33'))).toBe('resolved');
        expect((await repository.disputes(WELFARE)).map((d) => d.id)).toEqual([dispute.id]);
        expect(await repository.disputes(OTHER_CONSUMER)).toEqual([]);
        expect((await repository.disputes(WORKING_GROUP)).find((d) => d.id === dispute.id)).toMatchObject({ status: 'resolved', resolution: 'IWG-1405-32' });
        expect((await repository.auditLog()).filter((e) => e.subject === `dispute:${dispute.id}`).map((e) => [e.action, e.before, e.after])).toEqual([
          ['dispute.open', null, { ...dispute }],
          ['dispute.resolve', { ...dispute }, { ...dispute, status: 'resolved', resolution: 'IWG-1405-32' }],
        ]);
      });
    });
  });
}
