import { ClientCertificates } from '@nix/platform';
import type { FastifyRequest } from 'fastify';
import { ProblemError, type Agency } from '@nix/domain';
import type { ContractSet } from '@nix/contracts';
import { NodeKeyHasher } from '../access/key-hasher';
import { accessServiceOf } from '../testing';
import { GovernanceCaller } from './governance-caller';

const hasher = new NodeKeyHasher('tracking-key');
const agency = (id: string, roles: Agency['roles']): Agency => ({ id, name: { fa: id, en: id }, roles, demo: false });
const CONTRACTS: ContractSet = {
  agencies: [agency('working-group', ['working-group']), agency('civil-registration', ['provider', 'consumer'])],
  apiKeys: [
    { agencyId: 'working-group', keyId: 'wg', sha256: hasher.apiKeyHash('wg-key'), expires: null, networks: null },
    { agencyId: 'civil-registration', keyId: 'cr', sha256: hasher.apiKeyHash('cr-key'), expires: null, networks: null },
  ],
  agreements: [],
  refusedDemoAgencies: [],
};
const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, ip: '203.0.113.9', raw: { socket: { remoteAddress: '203.0.113.9' } } }) as unknown as FastifyRequest;

describe('GovernanceCaller', () => {
  const caller = new GovernanceCaller(accessServiceOf(CONTRACTS, hasher), { now: () => Date.UTC(2026, 10, 30, 12) }, new ClientCertificates(false));

  it('acts as the agency of the key, with every role the governance state gives it', async () => {
    expect(await caller.actorOf(request('Bearer wg-key'))).toEqual({ agencyId: 'working-group', roles: ['working-group'] });
    expect(await caller.actorOf(request('Bearer cr-key'))).toEqual({ agencyId: 'civil-registration', roles: ['provider', 'consumer'] });
  });

  it('refuses a caller without a known key with 401', async () => {
    for (const authorization of [undefined, 'Bearer guessed', 'Basic d2c6a2V5']) {
      await expect(caller.actorOf(request(authorization))).rejects.toThrow(ProblemError);
    }
  });
});
