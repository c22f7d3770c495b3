import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { aclEntries, describeRule, roleAcls } from './kafka-acls';

const settings = { topicPrefix: 'nix' };
const lines = (rules: ReturnType<typeof roleAcls>) => rules.map(describeRule);

describe('roleAcls', () => {
  it('lets a broker write inquiries and traffic, and read only its own reply topic in its own group', () => {
    expect(lines(roleAcls(settings, { role: 'broker', user: 'nix-broker-1', instanceId: 'broker-1' }))).toEqual([
      'User:nix-broker-1 WRITE,DESCRIBE,CREATE TOPIC nix.inquiry.*',
      'User:nix-broker-1 READ,DESCRIBE,CREATE,DELETE TOPIC nix.reply.broker-1',
      'User:nix-broker-1 READ GROUP nix.reply.broker-1',
      'User:nix-broker-1 DESCRIBE GROUP nix.adapter.*',
      'User:nix-broker-1 WRITE,DESCRIBE,CREATE TOPIC nix.traffic.v1',
    ]);
  });

  it('gives brokers sharing a user the reply topics of their instance prefix', () => {
    const rules = roleAcls({ topicPrefix: 'prod' }, { role: 'broker', user: 'nix-broker', instanceId: 'broker-*' });
    expect(lines(rules)).toContain('User:nix-broker READ,DESCRIBE,CREATE,DELETE TOPIC prod.reply.broker-*');
    expect(rules.filter((r) => r.name === 'prod.reply.broker-').map((r) => r.pattern)).toEqual(['PREFIXED', 'PREFIXED']);
  });

  it('lets an adapter read only its registries (every major) and write replies', () => {
    expect(lines(roleAcls(settings, { role: 'adapter', user: 'nix-identity', registries: ['identity', 'legal-entity'] }))).toEqual([
      'User:nix-identity READ,DESCRIBE,CREATE TOPIC nix.inquiry.identity.v*',
      'User:nix-identity READ GROUP nix.adapter.inquiry.identity.v*',
      'User:nix-identity READ,DESCRIBE,CREATE TOPIC nix.inquiry.legal-entity.v*',
      'User:nix-identity READ GROUP nix.adapter.inquiry.legal-entity.v*',
      'User:nix-identity WRITE,DESCRIBE TOPIC nix.reply.*',
    ]);
  });

  it('lets the recorder read only the traffic topic', () => {
    expect(lines(roleAcls(settings, { role: 'recorder', user: 'nix-recorder' }))).toEqual([
      'User:nix-recorder READ,DESCRIBE,CREATE TOPIC nix.traffic.v1',
      'User:nix-recorder READ GROUP nix.recorder',
    ]);
  });

  it('refuses names that would widen a rule', () => {
    expect(() => roleAcls(settings, { role: 'adapter', user: 'a', registries: [] })).toThrow('has no registry');
    expect(() => roleAcls(settings, { role: 'adapter', user: 'a', registries: ['*'] })).toThrow('"*" is not a registry name');
    expect(() => roleAcls(settings, { role: 'broker', user: 'b', instanceId: '*' })).toThrow('not a broker instance ID');
    expect(() => roleAcls(settings, { role: 'recorder', user: 'User:x y' })).toThrow('not a Kafka user name');
  });
});

describe('aclEntries', () => {
  it('makes one ALLOW entry per operation, from any host', () => {
    const [rule] = roleAcls(settings, { role: 'recorder', user: 'nix-recorder' });
    expect(aclEntries([rule])).toEqual(
      [AclOperationTypes.READ, AclOperationTypes.DESCRIBE, AclOperationTypes.CREATE].map((operation) => ({
        principal: 'User:nix-recorder',
        host: '*',
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'nix.traffic.v1',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    );
  });
});
