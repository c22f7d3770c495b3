import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nationalIdCheckDigit } from '@nix/domain';
import type { SqlClient } from '@nix/ledger';
import { SubscriptionPseudonyms } from '@nix/notifications';
import { LEDGER_STORE } from '@nix/platform';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

function freshNationalId(): string {
  for (;;) {
    const nine = `8${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    const id = nine + String(nationalIdCheckDigit(nine));
    if (id.length === 10 && !/^(\d)\1{9}$/.test(id)) return id;
  }
}

const OLD_KEY = 'the-old-subscription-key-0001';
const NEW_KEY = 'the-new-subscription-key-0002';

/**
 * Rotating NIX_SUBSCRIPTION_KEY: with the old key in NIX_SUBSCRIPTION_PREVIOUS_KEYS, subscriptions made under it
 * still match, and each is re-keyed when NIX meets its person again (an event, or the agency subscribing again).
 */
describe('rotating the subscription pseudonym key (issue 14)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nix-rotation-'));
  const persons = [freshNationalId(), freshNationalId(), freshNationalId()];
  let nix: TestApp | undefined;
  let custodianKey: string;
  const wg = { authorization: 'Bearer demo-wg-key' };

  const start = async (env: Record<string, string>) => {
    await nix?.close();
    nix = await startTestApp({ NIX_DATA_DIR: dataDir, ...env });
    return nix;
  };
  const stored = async () => {
    const sql = nix!.app.get<SqlClient>(LEDGER_STORE, { strict: false });
    const rows = await sql.query<{ p: string }>(`SELECT encode(pseudonym, 'hex') AS p FROM notification_subscription WHERE agency = 'demo-agency'`);
    return new Set(rows.map((r) => r.p));
  };
  const under = (key: string, id: string) => new SubscriptionPseudonyms(key).of('identity', id).toString('hex');
  const publish = async (id: string) => {
    const published = await nix!.call('POST', '/v1/events/identity/person-changed', { headers: { authorization: `Bearer ${custodianKey}` }, body: { nationalId: id, changedOn: '2026-11-30' } });
    expect(published.status).toBe(202);
    return published.json.eventIds[0] as string;
  };
  const pulled = async () => (await nix!.call('GET', '/v1/notifications', { headers: DEMO_HEADERS })).json.notifications.map((n: { nationalId: string }) => n.nationalId);

  afterAll(async () => {
    await nix?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps matching subscriptions made under the old key, re-keys them as persons come back, and then needs the old key no more', async () => {
    await start({ NIX_SUBSCRIPTION_KEY: OLD_KEY });
    custodianKey = (await nix!.call('POST', '/v1/agencies/civil-registration/keys', { headers: wg, body: {} })).json.key;
    const put = await nix!.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: DEMO_HEADERS, body: { nationalIds: persons } });
    expect(put.json).toMatchObject({ added: 3 });
    expect(await stored()).toEqual(new Set(persons.map((id) => under(OLD_KEY, id))));

    // The new key alone orphans them: an event for persons[0] reaches no one.
    await start({ NIX_SUBSCRIPTION_KEY: NEW_KEY });
    await publish(persons[0]);
    expect(await pulled()).toEqual([]);

    // With the old key as a previous key, it matches, and the subscription moves to the new key's pseudonym.
    await start({ NIX_SUBSCRIPTION_KEY: NEW_KEY, NIX_SUBSCRIPTION_PREVIOUS_KEYS: OLD_KEY });
    await publish(persons[0]);
    expect(await pulled()).toEqual([persons[0]]);
    expect(await stored()).toEqual(new Set([under(NEW_KEY, persons[0]), under(OLD_KEY, persons[1]), under(OLD_KEY, persons[2])]));

    // The agency subscribing its list again re-keys the rest; none of them counts as added.
    const again = await nix!.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: DEMO_HEADERS, body: { nationalIds: persons } });
    expect(again.json).toMatchObject({ added: 0 });
    expect(await stored()).toEqual(new Set(persons.map((id) => under(NEW_KEY, id))));
    // Unsubscribing during the rotation removes the person whatever key they are under.
    const removed = await nix!.call('DELETE', '/v1/subscriptions/identity/person-changed', { headers: DEMO_HEADERS, body: { nationalIds: [persons[2]] } });
    expect(removed.json).toMatchObject({ removed: 1 });

    // Everything re-keyed: the old key can go.
    await start({ NIX_SUBSCRIPTION_KEY: NEW_KEY });
    await publish(persons[1]);
    expect((await pulled()).sort()).toEqual([persons[0], persons[1]].sort());
    await publish(persons[2]);
    expect((await pulled()).sort()).toEqual([persons[0], persons[1]].sort());
  });
});
