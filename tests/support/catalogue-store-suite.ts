import { join } from 'node:path';
import {
  CatalogueInputError,
  CatalogueNotFoundError,
  CatalogueNotPermittedError,
  CatalogueRepository,
  CatalogueStateError,
  ServiceCatalog,
  serviceDefinitionOf,
  VersionPublishedError,
  type CatalogueActor,
} from '@nix/catalog';
import { FakeBindingCheck, parcelVersionBody } from '@nix/catalog/testing';
import { loadContracts } from '@nix/contracts';
import { GovernanceRepository } from '@nix/governance';
import { migrate, type SqlClient } from '@nix/ledger';
import { contractsWith, REPO_ROOT } from './fixtures';

const WORKING_GROUP: CatalogueActor = { agencyId: 'interoperability-working-group', roles: ['working-group'] };
const CADASTRE: CatalogueActor = { agencyId: 'cadastre-org', roles: ['provider'] };
const OTHER_CUSTODIAN: CatalogueActor = { agencyId: 'iran-post', roles: ['provider'] };
const CADASTRE_REGISTRY = {
  registry: 'cadastre',
  custodian: 'cadastre-org',
  title: { fa: 'کاداستر', en: 'Cadastre' },
  description: { fa: 'قطعات ثبت‌شده زمین', en: 'Registered land parcels' },
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
async function inputErrors(promise: Promise<unknown>) {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(CatalogueInputError);
  return (error as CatalogueInputError).errors;
}

interface AuditRow {
  /** Its place in the whole audit log, from 1: governance_version counts the rows (seq may have gaps). */
  position: number;
  actor: string;
  action: string;
  subject: string;
  before: unknown;
  after: any;
}

/** The catalogue store's guarantees, run against the embedded store and against PostgreSQL. */
export function catalogueStoreSuite(describeFn: jest.Describe, name: string, open: () => Promise<SqlClient>): void {
  describeFn(name, () => {
    const catalog = ServiceCatalog.load(join(REPO_ROOT, 'schemas'));
    const bindings = new FakeBindingCheck();
    let clock = new Date('2026-12-01T08:00:00Z');
    let sql: SqlClient;
    let repository: CatalogueRepository;
    let changes = 0;

    const version = async () => Number((await sql.query<{ version: string }>('SELECT version FROM governance_version'))[0].version);
    const auditRows = async (subject?: string) =>
      (
        await sql.query<AuditRow>(
          `SELECT position, actor, action, subject, before, after
           FROM (SELECT row_number() OVER (ORDER BY seq)::int AS position, actor, action, subject, before, after FROM governance_audit) a
           WHERE action LIKE 'catalogue.%' AND ($1::text IS NULL OR subject = $1) ORDER BY position`,
          [subject ?? null],
        )
      ).map((r) => ({ ...r, position: Number(r.position) }));
    const versionsOf = async (registry: string, service: string) => (await repository.state()).versions.filter((v) => v.registry === registry && v.service === service);
    const publish = (service: string, semver: string, body: unknown = parcelVersionBody(), actor = CADASTRE) => repository.publishVersion(actor, 'cadastre', service, semver, body, bindings.check);
    /** Asserts that `change` fails and leaves the catalogue, the audit log and the version as they were. */
    async function leavesNothing(change: () => Promise<unknown>): Promise<unknown> {
      const [stateBefore, auditBefore] = [await repository.state(), await auditRows()];
      const error = await rejection(change());
      expect(await repository.state()).toEqual(stateBefore);
      expect(await auditRows()).toEqual(auditBefore);
      return error;
    }

    beforeAll(async () => {
      sql = await open();
      await migrate(sql);
      const contracts = contractsWith({ 'agencies/cadastre-org.yaml': 'id: cadastre-org\nname: {fa: سازمان کاداستر, en: Cadastre Organisation}\nroles: [provider]\n' });
      await new GovernanceRepository(sql).bootstrap(loadContracts(contracts, catalog, { production: false }));
      repository = new CatalogueRepository(sql, () => clock);
      repository.onChange(() => {
        changes++;
      });
    });
    afterAll(async () => {
      await sql.close();
    });

    it('imports schemas/ into the empty catalogue once, as it enforces it today, and audits every registry and version', async () => {
      const versionBefore = await version();
      expect(await repository.isEmpty()).toBe(true);
      expect(await repository.bootstrap(catalog)).toBe(true);
      expect(await repository.bootstrap(catalog)).toBe(false);

      const state = await repository.state();
      expect(state.registries).toEqual(catalog.registries.map((r) => ({ registry: r.registry, custodian: r.custodian, title: r.title, description: r.description })));
      expect(state.versions.map((v) => `${v.registry}/${v.service}@${v.version}`)).toEqual(
        catalog.services().map((s) => `${s.registry}/${s.service}@${s.version}`).sort((a, b) => (a.replace('@', ' ') < b.replace('@', ' ') ? -1 : 1)),
      );
      for (const v of state.versions) {
        const fromFiles = catalog.get(v.registry, v.service)!;
        const fromStore = serviceDefinitionOf(v);
        expect({ ...fromStore, validateRequest: null, validateAnswer: null }).toEqual({ ...fromFiles, validateRequest: null, validateAnswer: null });
        expect(v).toMatchObject({ binding: { kind: 'code' }, hours: '24x7', publishedBy: 'schemas-import', deprecation: null });
        expect(v.loa).toBe(v.registry === 'identity' ? 'substantial' : null);
      }

      const audit = await auditRows();
      expect(audit.filter((e) => e.action === 'catalogue.registry.import')).toHaveLength(catalog.registries.length);
      expect(audit.filter((e) => e.action === 'catalogue.version.import')).toHaveLength(catalog.services().length);
      expect(audit.every((e) => e.actor === 'schemas-import' && e.before === null)).toBe(true);
      expect(audit.find((e) => e.subject === 'service-version:identity/person@1.0.0')?.after).toMatchObject({ version: '1.0.0', custodian: 'civil-registration', loa: 'substantial' });
      expect(await version()).toBe(versionBefore + catalog.registries.length + catalog.services().length);
      expect(state.version).toBe(await version());
      expect(changes).toBe(1);
    });

    it('of two brokers bootstrapping one empty catalogue at once, one imports schemas/', async () => {
      const other = await open();
      try {
        await migrate(other);
        const results = await Promise.all([new CatalogueRepository(other).bootstrap(catalog), new CatalogueRepository(other).bootstrap(catalog)]);
        expect([...results].sort()).toEqual([false, true]);
        const state = await new CatalogueRepository(other).state();
        expect(state.versions).toHaveLength(catalog.services().length);
        expect(state.version).toBe(catalog.registries.length + catalog.services().length);
      } finally {
        await other.close();
      }
    });

    it('lets only the working group register a registry, for a registered custodian agency', async () => {
      expect(await rejection(repository.registerRegistry(CADASTRE, CADASTRE_REGISTRY))).toBeInstanceOf(CatalogueNotPermittedError);
      expect(await inputErrors(repository.registerRegistry(WORKING_GROUP, { ...CADASTRE_REGISTRY, custodian: 'no-such-agency' }))).toEqual([
        { pointer: '/custodian', detail: '"no-such-agency" is not a registered custodian agency (one with the provider role)' },
      ]);
      expect((await inputErrors(repository.registerRegistry(WORKING_GROUP, { ...CADASTRE_REGISTRY, custodian: 'tax-organization' })))[0].pointer).toBe('/custodian');
      expect(await inputErrors(repository.registerRegistry(WORKING_GROUP, { ...CADASTRE_REGISTRY, title: { en: 'Cadastre' }, description: null }))).toEqual([
        { pointer: '/title', detail: 'must have non-empty fa and en texts' },
        { pointer: '/description', detail: 'must have non-empty fa and en texts' },
      ]);
      expect((await inputErrors(repository.registerRegistry(WORKING_GROUP, { ...CADASTRE_REGISTRY, registry: 'Cadastre!' })))[0].pointer).toBe('/registry');
      expect((await repository.state()).registries.map((r) => r.registry)).not.toContain('cadastre');

      const before = await version();
      expect(await repository.registerRegistry(WORKING_GROUP, CADASTRE_REGISTRY)).toEqual(CADASTRE_REGISTRY);
      expect((await repository.state()).registries).toContainEqual(CADASTRE_REGISTRY);
      expect(await version()).toBe(before + 1);
      expect(await auditRows('registry:cadastre')).toEqual([
        expect.objectContaining({ actor: WORKING_GROUP.agencyId, action: 'catalogue.registry.register', before: null, after: CADASTRE_REGISTRY }),
      ]);

      // The same registration again changes nothing; a new title is a change, audited with before and after.
      await repository.registerRegistry(WORKING_GROUP, CADASTRE_REGISTRY);
      expect(await version()).toBe(before + 1);
      const retitled = { ...CADASTRE_REGISTRY, title: { fa: 'کاداستر ملی', en: 'National cadastre' } };
      await repository.registerRegistry(WORKING_GROUP, retitled);
      expect((await auditRows('registry:cadastre')).map((e) => [e.action, e.before, e.after])).toEqual([
        ['catalogue.registry.register', null, CADASTRE_REGISTRY],
        ['catalogue.registry.change', CADASTRE_REGISTRY, retitled],
      ]);
      expect(await version()).toBe(before + 2);
    });

    it("publishes the custodian's version with everything it states, audited, and moves the version", async () => {
      const before = await version();
      const calls = bindings.calls.length;
      const published = await publish('parcel', '1.0.0');
      expect(bindings.calls.length).toBe(calls + 1);
      expect(published).toMatchObject({ registry: 'cadastre', service: 'parcel', version: '1.0.0', custodian: 'cadastre-org', publishedBy: 'cadastre-org', deprecation: null });

      const [stored] = await versionsOf('cadastre', 'parcel');
      expect(stored).toEqual(published);
      expect(stored).toMatchObject(parcelVersionBody());
      expect(serviceDefinitionOf(stored).dataItems).toEqual(['parcelId', 'areaSquareMetres', 'landUse']);
      expect(serviceDefinitionOf(stored).validateRequest({ parcelId: 'x' })).toEqual([{ pointer: '/parcelId', detail: 'must match pattern "^[0-9]{4,12}$"' }]);
      expect(await version()).toBe(before + 1);
      expect(await auditRows('service-version:cadastre/parcel@1.0.0')).toEqual([
        expect.objectContaining({ actor: 'cadastre-org', action: 'catalogue.version.publish', before: null, after: expect.objectContaining({ version: '1.0.0', binding: parcelVersionBody().binding }) }),
      ]);
    });

    it("refuses another custodian (403), the working group (403) and an unknown registry (404), leaving nothing", async () => {
      expect(await leavesNothing(() => publish('parcel', '1.1.0', parcelVersionBody(), OTHER_CUSTODIAN))).toBeInstanceOf(CatalogueNotPermittedError);
      expect(await leavesNothing(() => publish('parcel', '1.1.0', parcelVersionBody(), WORKING_GROUP))).toBeInstanceOf(CatalogueNotPermittedError);
      expect(await leavesNothing(() => repository.publishVersion(CADASTRE, 'forestry', 'tree', '1.0.0', parcelVersionBody(), bindings.check))).toBeInstanceOf(CatalogueNotFoundError);
      expect(await leavesNothing(() => repository.publishVersion(OTHER_CUSTODIAN, 'identity', 'person', '1.1.0', parcelVersionBody(), bindings.check))).toBeInstanceOf(
        CatalogueNotPermittedError,
      );
    });

    it('refuses republishing a version (409) and a version that goes backwards (400), leaving nothing', async () => {
      expect(await leavesNothing(() => publish('parcel', '1.0.0', parcelVersionBody({ timeoutMs: 5000 })))).toBeInstanceOf(VersionPublishedError);
      expect((await versionsOf('cadastre', 'parcel'))[0].timeoutMs).toBe(3000);

      await publish('parcel', '1.2.0');
      const backwards = await leavesNothing(() => publish('parcel', '1.1.0'));
      expect(backwards).toBeInstanceOf(CatalogueInputError);
      expect((backwards as CatalogueInputError).errors).toEqual([{ pointer: '/version', detail: 'goes backwards: it must be greater than 1.2.0, the newest published version of major 1' }]);

      await publish('owner', '2.0.0');
      expect(((await leavesNothing(() => publish('owner', '1.0.0'))) as CatalogueInputError).errors[0].detail).toMatch(/^goes backwards: a new major version must be greater than 2/);
      // A fix to an older major is not backwards.
      await publish('parcel', '2.0.0');
      await publish('parcel', '1.3.0');
      expect((await versionsOf('cadastre', 'parcel')).map((v) => v.version)).toEqual(['1.0.0', '1.2.0', '1.3.0', '2.0.0']);
    });

    it('publishes nothing when a schema, an example or the binding fails (400 naming the field or example)', async () => {
      const badExample = parcelVersionBody();
      badExample.request.examples = [{ parcelId: '123456' }, { parcelId: 'no' }];
      expect(((await leavesNothing(() => publish('parcel', '2.1.0', badExample))) as CatalogueInputError).errors).toEqual([
        { pointer: '/request/examples/1', detail: 'does not match its schema: /parcelId must match pattern "^[0-9]{4,12}$"' },
      ]);
      const badSchema = parcelVersionBody({ response: { type: 'object', properties: { area: { type: 'area' } }, examples: [{}] } });
      expect(((await leavesNothing(() => publish('parcel', '2.1.0', badSchema))) as CatalogueInputError).errors[0].pointer).toBe('/response');

      bindings.faults = [{ pointer: '/request/examples/0', detail: 'the registry answered 404 for this example' }];
      try {
        expect(((await leavesNothing(() => publish('parcel', '2.1.0'))) as CatalogueInputError).errors).toEqual(bindings.faults);
      } finally {
        bindings.faults = [];
      }
      expect((await versionsOf('cadastre', 'parcel')).map((v) => v.version)).not.toContain('2.1.0');
    });

    it('keeps the order and immutability in the database itself, whoever writes', async () => {
      const insert = (v: string, [major, minor, patch]: number[]) =>
        sql.query(
          `INSERT INTO catalogue_service_version (registry, service, version, major, minor, patch, body, published_by, published_at) VALUES ('cadastre', 'parcel', $1, $2, $3, $4, '{}'::json, 'x', now())`,
          [v, major, minor, patch],
        );
      await expect(insert('1.1.5', [1, 1, 5])).rejects.toThrow(/catalogue-version-backwards/);
      await expect(insert('2.0.0', [2, 0, 0])).rejects.toThrow(/catalogue-version-published/);
      await expect(sql.query(`UPDATE catalogue_service_version SET body = '{}'::json WHERE registry = 'cadastre' AND version = '1.0.0'`)).rejects.toThrow(/never changes/);
      await expect(sql.query(`DELETE FROM catalogue_service_version WHERE registry = 'cadastre'`)).rejects.toThrow(/never changes/);
      expect((await versionsOf('cadastre', 'parcel')).map((v) => v.version)).toEqual(['1.0.0', '1.2.0', '1.3.0', '2.0.0']);
    });

    it('of publications racing in one service, never stores a version below one stored before it', async () => {
      const outcomes: string[] = [];
      for (let round = 1; round <= 4; round++) {
        const [high, low] = [`3.${2 * round + 1}.0`, `3.${2 * round}.0`];
        const results = await Promise.allSettled([publish('race', high), publish('race', low)]);
        for (const result of results) {
          if (result.status === 'fulfilled') outcomes.push(result.value.version);
          else expect(result.reason).toBeInstanceOf(CatalogueInputError);
        }
      }
      const publishedInOrder = (await auditRows()).filter((e) => e.subject.startsWith('service-version:cadastre/race@')).map((e) => e.after.version as string);
      expect(publishedInOrder.sort()).toEqual([...outcomes].sort());
      const stored = (await versionsOf('cadastre', 'race')).map((v) => v.version);
      expect(stored).toEqual([...publishedInOrder].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])));
      // In the order they went in, each is greater than the last.
      const minors = (await auditRows()).filter((e) => e.subject.startsWith('service-version:cadastre/race@')).map((e) => Number((e.after.version as string).split('.')[1]));
      expect(minors).toEqual([...minors].sort((a, b) => a - b));
      expect(minors.length).toBeGreaterThanOrEqual(4);

      // The same version twice at once: one is published, the other is told it is.
      const twice = await Promise.allSettled([publish('race', '4.0.0'), publish('race', '4.0.0')]);
      expect(twice.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(twice.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(VersionPublishedError) });
      expect((await auditRows('service-version:cadastre/race@4.0.0'))).toHaveLength(1);
    });

    it('deprecates a version with a sunset and a successor, audited; another custodian may not; a retired version stays retired', async () => {
      expect(await leavesNothing(() => repository.deprecate(OTHER_CUSTODIAN, 'cadastre', 'parcel', '1.0.0', { sunset: '2027-03-21', successor: '2.0.0' }))).toBeInstanceOf(
        CatalogueNotPermittedError,
      );
      expect(await leavesNothing(() => repository.deprecate(CADASTRE, 'cadastre', 'parcel', '9.0.0', { sunset: '2027-03-21', successor: null }))).toBeInstanceOf(CatalogueNotFoundError);
      expect(((await leavesNothing(() => repository.deprecate(CADASTRE, 'cadastre', 'parcel', '1.0.0', { sunset: '2027-03-21', successor: '2.5.0' }))) as CatalogueInputError).errors[0].pointer).toBe(
        '/successor',
      );
      expect(((await leavesNothing(() => repository.deprecate(CADASTRE, 'cadastre', 'parcel', '1.0.0', { sunset: '2026-11-01', successor: null }))) as CatalogueInputError).errors).toEqual([
        { pointer: '/sunset', detail: 'must be in the future' },
      ]);

      const before = await version();
      const deprecated = await repository.deprecate(CADASTRE, 'cadastre', 'parcel', '1.0.0', { sunset: '2027-03-21', successor: '2.0.0' });
      const expected = { deprecatedAt: clock.toISOString(), sunset: '2027-03-20T20:30:00.000Z', successor: '2.0.0' };
      expect(deprecated.deprecation).toEqual(expected);
      expect((await versionsOf('cadastre', 'parcel')).find((v) => v.version === '1.0.0')).toEqual(deprecated);
      expect(await version()).toBe(before + 1);
      expect((await auditRows('service-version:cadastre/parcel@1.0.0')).map((e) => [e.action, e.before, e.after])).toEqual([
        ['catalogue.version.publish', null, expect.objectContaining({ version: '1.0.0' })],
        ['catalogue.version.deprecate', null, expected],
      ]);

      // Moving the sunset keeps when it was deprecated.
      const firstDeprecated = clock;
      clock = new Date('2026-12-10T08:00:00Z');
      const moved = await repository.deprecate(CADASTRE, 'cadastre', 'parcel', '1.0.0', { sunset: '2027-01-01T00:00:00Z', successor: '2.0.0' });
      expect(moved.deprecation).toEqual({ deprecatedAt: firstDeprecated.toISOString(), sunset: '2027-01-01T00:00:00.000Z', successor: '2.0.0' });
      expect((await auditRows('service-version:cadastre/parcel@1.0.0')).at(-1)).toMatchObject({ before: expected, after: moved.deprecation });

      clock = new Date('2027-01-02T00:00:00Z');
      const retired = await leavesNothing(() => repository.deprecate(CADASTRE, 'cadastre', 'parcel', '1.0.0', { sunset: '2027-06-01', successor: '2.0.0' }));
      expect(retired).toBeInstanceOf(CatalogueStateError);
      expect((retired as CatalogueStateError).currentState).toBe('retired since 2027-01-01T00:00:00.000Z');
    });

    it('announces maintenance windows, audited, lists them until they end; only the custodian, only for a published service', async () => {
      const note = { fa: 'ارتقای پایگاه داده', en: 'Database upgrade' };
      const request = { from: '2027-01-05T22:00:00Z', until: '2027-01-06T02:00:00Z', note };
      expect(await leavesNothing(() => repository.announceMaintenance(OTHER_CUSTODIAN, 'cadastre', 'parcel', request))).toBeInstanceOf(CatalogueNotPermittedError);
      expect(await leavesNothing(() => repository.announceMaintenance(CADASTRE, 'cadastre', 'boundary', request))).toBeInstanceOf(CatalogueNotFoundError);
      expect(((await leavesNothing(() => repository.announceMaintenance(CADASTRE, 'cadastre', 'parcel', { ...request, until: request.from }))) as CatalogueInputError).errors).toEqual([
        { pointer: '/until', detail: 'must be after from' },
      ]);

      const before = await version();
      const window = await repository.announceMaintenance(CADASTRE, 'cadastre', 'parcel', request);
      expect(window).toMatchObject({ registry: 'cadastre', service: 'parcel', from: '2027-01-05T22:00:00.000Z', until: '2027-01-06T02:00:00.000Z', note, announcedBy: 'cadastre-org' });
      expect((await repository.state()).maintenance).toEqual([window]);
      expect(await version()).toBe(before + 1);
      expect(await auditRows(`maintenance:cadastre/parcel/${window.id}`)).toEqual([
        expect.objectContaining({ actor: 'cadastre-org', action: 'catalogue.maintenance.announce', before: null, after: window }),
      ]);

      clock = new Date('2027-01-06T02:00:00Z');
      expect((await repository.state()).maintenance).toEqual([]);
    });

    it('reads registries, versions and windows in one consistent view at the version it names', async () => {
      // Each state names the version it read at: it holds exactly the publications audited up to that version.
      const total = async () => Number((await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM governance_audit'))[0].n);
      expect((await repository.state()).version).toBe(await total());
      const reads: Array<Promise<{ version: number; count: number }>> = [];
      const publications: Array<Promise<unknown>> = [];
      for (let i = 0; i < 6; i++) {
        publications.push(publish('consistency', `1.${i}.0`));
        reads.push(repository.state().then((s) => ({ version: s.version, count: s.versions.filter((v) => v.service === 'consistency').length })));
        // Serialise the publications (each must be greater than the last), while the reads run alongside.
        await publications[i];
      }
      const audit = (await auditRows()).filter((e) => e.subject.startsWith('service-version:cadastre/consistency@'));
      for (const read of await Promise.all(reads)) expect(read.count).toBe(audit.filter((e) => e.position <= read.version).length);
      expect((await repository.state()).versions.filter((v) => v.service === 'consistency')).toHaveLength(6);
    });

    it('tells its listeners after every change it makes', async () => {
      const before = changes;
      await publish('listeners', '1.0.0');
      expect(changes).toBe(before + 1);
      await rejection(publish('listeners', '1.0.0'));
      expect(changes).toBe(before + 1);
    });
  });
}

