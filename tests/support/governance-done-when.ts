import type { TestApp, TestResponse } from './test-app';
import { eventually } from './polling';

const WORKING_GROUP = { authorization: 'Bearer demo-wg-key' };
const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function expectStatus(response: TestResponse, status: number): void {
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${response.text.slice(0, 500)}`);
}

/**
 * Issue 11's "Done when", over HTTP: the working group onboards a consumer, the consumer is refused, requests access,
 * the custodian consents, the working group approves, the consumer is answered with exactly the agreed items, its
 * key is revoked, and the audit log holds every step. Changes go through `write` and inquiries through `read` (the
 * same broker, or another one: then each change must reach it, which `settle` waits for).
 */
export async function governanceDoneWhen(write: TestApp, read: TestApp, settle: (check: () => Promise<boolean>) => Promise<void>): Promise<void> {
  const consumer = `pension-fund-${Date.now().toString(36)}`;
  const inquire = (headers: Record<string, string>) => read.inquire('identity', 'person', PERSON, { 'x-purpose': 'pension-review', ...headers });

  // 1. The working group registers a consumer and issues keys for it and for the identity registry's custodian.
  const registered = await write.call('POST', '/v1/agencies', { headers: WORKING_GROUP, body: { id: consumer, name: { fa: 'صندوق بازنشستگی', en: 'Pension fund' }, roles: ['consumer'] } });
  expectStatus(registered, 201);
  const consumerKey = await write.call('POST', `/v1/agencies/${consumer}/keys`, { headers: WORKING_GROUP, body: {} });
  expectStatus(consumerKey, 201);
  expect(Object.keys(consumerKey.json).sort()).toEqual(['certificate', 'key', 'keyId']);
  const custodianKey = await write.call('POST', '/v1/agencies/civil-registration/keys', { headers: WORKING_GROUP, body: {} });
  expectStatus(custodianKey, 201);
  const asConsumer = bearer(consumerKey.json.key);
  const asCustodian = bearer(custodianKey.json.key);

  // 2. The consumer's inquiry to identity/person gets 403: no agreement yet.
  await settle(async () => (await inquire(asConsumer)).status !== 401);
  const refused = await inquire(asConsumer);
  expect([refused.status, refused.json.type]).toEqual([403, '/problems/no-agreement']);

  // 3. The consumer requests access, the custodian consents, the working group approves with a resolution.
  const filed = await write.call('POST', '/v1/access-requests', {
    headers: asConsumer,
    body: { registry: 'identity', service: 'person', dataItems: ['firstName', 'alive'], purposes: ['pension-review'], dailyQuota: 1000, justification: 'Pension law, art. 5: a pension ends on death' },
  });
  expectStatus(filed, 201);
  expect(filed.json).toMatchObject({ status: 'pending-custodian' });
  const consented = await write.call('POST', `/v1/access-requests/${filed.json.id}/consent`, { headers: asCustodian, body: { note: 'Alive and first name only' } });
  expectStatus(consented, 200);
  expect(consented.json.status).toBe('pending-working-group');
  const approved = await write.call('POST', `/v1/access-requests/${filed.json.id}/decision`, { headers: WORKING_GROUP, body: { decision: 'approved', resolution: 'WG-1405-042' } });
  expectStatus(approved, 200);
  expect(approved.json).toMatchObject({ status: 'approved', agreementId: expect.any(String) });

  // 4. The same inquiry, with that purpose, gets 200 with exactly firstName and alive; GET /v1/agreements shows the resolution.
  await settle(async () => (await inquire(asConsumer)).status === 200);
  const answered = await inquire(asConsumer);
  expectStatus(answered, 200);
  expect(Object.keys(answered.json).sort()).toEqual(['alive', 'firstName']);
  const agreements = await read.call('GET', '/v1/agreements', { headers: asConsumer });
  expectStatus(agreements, 200);
  expect(agreements.json.agreements).toEqual([
    {
      id: approved.json.agreementId,
      consumer,
      registry: 'identity',
      service: 'person',
      major: 1,
      dataItems: ['firstName', 'alive'],
      purposes: ['pension-review'],
      dailyQuota: 1000,
      validFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      validUntil: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      resolution: 'WG-1405-042',
      status: 'active',
    },
  ]);

  // 5. The working group revokes the key; the next inquiry gets 401.
  const revoked = await write.call('DELETE', `/v1/agencies/${consumer}/keys/${consumerKey.json.keyId}`, { headers: WORKING_GROUP });
  expectStatus(revoked, 204);
  await settle(async () => (await inquire(asConsumer)).status === 401);
  const unauthenticated = await inquire(asConsumer);
  expect([unauthenticated.status, unauthenticated.json.type]).toEqual([401, '/problems/unauthenticated']);

  // 6. The audit log holds every step, with who did it.
  const audit = await write.call('GET', `/v1/audit?limit=1000`, { headers: WORKING_GROUP });
  expectStatus(audit, 200);
  const steps = (audit.json.entries as { actor: string; action: string; subject: string; before: unknown; after: unknown }[])
    .filter((e) => e.subject.includes(consumer) || e.subject.includes(filed.json.id) || e.subject.includes(approved.json.agreementId) || e.subject.includes(custodianKey.json.keyId))
    .map((e) => `${e.actor} ${e.action}`);
  expect(steps).toEqual([
    `demo-working-group agency.register`,
    `demo-working-group api-key.issue`,
    `demo-working-group api-key.issue`,
    `${consumer} access-request.file`,
    `civil-registration access-request.consent`,
    `demo-working-group access-request.decide`,
    `demo-working-group agreement.create`,
    `demo-working-group api-key.revoke`,
  ]);
  expect(audit.text).not.toContain(consumerKey.json.key);
  expect(audit.text).not.toContain(custodianKey.json.key);
}

/** Waits for a change to reach a broker, with a deadline generous enough for a busy machine. */
export const within = (timeoutMs: number) => async (check: () => Promise<boolean>) => {
  expect(await eventually(check, (done) => done, timeoutMs)).toBe(true);
};
