import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry, type Admin } from 'kafkajs';
import { topicOf, trafficTopicOf, type KafkaSettings } from './kafka-settings';

/**
 * A Kafka user and the NIX role it runs. A broker's reply topic and group carry its instance ID
 * (NIX_INSTANCE_ID): a user per broker instance gets exactly its own; `broker-*` covers the instances whose IDs
 * start with `broker-` (a prefixed ACL), for brokers that share a user.
 */
export type KafkaRoleGrant =
  | { role: 'broker'; user: string; instanceId: string }
  | { role: 'adapter'; user: string; registries: string[] }
  | { role: 'recorder'; user: string };

export type AclOperation = 'READ' | 'WRITE' | 'CREATE' | 'DELETE' | 'DESCRIBE';

/** One ALLOW rule: what a user may do to the topics or groups of a name (LITERAL) or a name's prefix (PREFIXED). */
export interface AclRule {
  principal: string;
  resourceType: 'TOPIC' | 'GROUP';
  pattern: 'LITERAL' | 'PREFIXED';
  name: string;
  operations: AclOperation[];
}

const USER = /^[A-Za-z0-9._@-]{1,128}$/;
const INSTANCE = /^[A-Za-z0-9._-]{1,64}\*?$/;
const REGISTRY = /^[a-z][a-z0-9-]*$/;

/**
 * The least each role needs, by the names libs/messaging gives topics and groups (prefix `nix` shown):
 * - broker: writes (and makes) every inquiry topic `nix.inquiry.*`, and the traffic topic `nix.traffic.v1`; reads,
 *   makes and at its stop deletes only its own reply topic `nix.reply.<instance>`, in its own group of that name;
 *   describes the adapters' groups `nix.adapter.*` to know whether a registry is served.
 * - adapter: reads (and makes) only its registries' inquiry topics `nix.inquiry.<registry>.v*`, in their groups
 *   `nix.adapter.inquiry.<registry>.v*`; writes the reply topics `nix.reply.*` (a reply goes to the topic its inquiry names).
 * - recorder: reads (and makes) only the traffic topic, in the group `nix.recorder`.
 * Reading a group's offsets needs Describe, which Read implies; a producer's idempotence needs only Write (Kafka 3+).
 */
export function roleAcls(settings: Pick<KafkaSettings, 'topicPrefix'>, grant: KafkaRoleGrant): AclRule[] {
  if (!USER.test(grant.user)) throw new Error(`"${grant.user}" is not a Kafka user name (letters, digits, . _ @ -)`);
  const principal = `User:${grant.user}`;
  const rule = (resourceType: AclRule['resourceType'], pattern: AclRule['pattern'], name: string, ...operations: AclOperation[]): AclRule => ({
    principal,
    resourceType,
    pattern,
    name,
    operations,
  });
  switch (grant.role) {
    case 'broker': {
      if (!INSTANCE.test(grant.instanceId)) throw new Error(`"${grant.instanceId}" is not a broker instance ID (NIX_INSTANCE_ID), optionally ending in * for all that start so`);
      const shared = grant.instanceId.endsWith('*');
      const reply = topicOf(settings, `reply.${grant.instanceId.replace(/\*$/, '')}`);
      const pattern = shared ? 'PREFIXED' : 'LITERAL';
      return [
        rule('TOPIC', 'PREFIXED', topicOf(settings, 'inquiry.'), 'WRITE', 'DESCRIBE', 'CREATE'),
        rule('TOPIC', pattern, reply, 'READ', 'DESCRIBE', 'CREATE', 'DELETE'),
        rule('GROUP', pattern, reply, 'READ'),
        rule('GROUP', 'PREFIXED', topicOf(settings, 'adapter.'), 'DESCRIBE'),
        rule('TOPIC', 'LITERAL', trafficTopicOf(settings), 'WRITE', 'DESCRIBE', 'CREATE'),
      ];
    }
    case 'adapter': {
      if (grant.registries.length === 0) throw new Error(`adapter user ${grant.user} has no registry`);
      const bad = grant.registries.find((r) => !REGISTRY.test(r));
      if (bad) throw new Error(`"${bad}" is not a registry name`);
      return [
        // inquiryAddress(registry, major) without the major: every major version of the registry.
        ...grant.registries.flatMap((registry) => [
          rule('TOPIC', 'PREFIXED', topicOf(settings, `inquiry.${registry}.v`), 'READ', 'DESCRIBE', 'CREATE'),
          rule('GROUP', 'PREFIXED', topicOf(settings, `adapter.inquiry.${registry}.v`), 'READ'),
        ]),
        rule('TOPIC', 'PREFIXED', topicOf(settings, 'reply.'), 'WRITE', 'DESCRIBE'),
      ];
    }
    case 'recorder':
      return [rule('TOPIC', 'LITERAL', trafficTopicOf(settings), 'READ', 'DESCRIBE', 'CREATE'), rule('GROUP', 'LITERAL', topicOf(settings, 'recorder'), 'READ')];
  }
}

/** The rules as kafkajs ACL entries: ALLOW, from any host. */
export function aclEntries(rules: AclRule[]): AclEntry[] {
  return rules.flatMap((r) =>
    r.operations.map((operation) => ({
      principal: r.principal,
      host: '*',
      resourceType: AclResourceTypes[r.resourceType],
      resourceName: r.name,
      resourcePatternType: ResourcePatternTypes[r.pattern],
      operation: AclOperationTypes[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** Creates the rules (Kafka keeps an ACL that exists already once): run with a user allowed to alter ACLs (a super user). */
export async function createRoleAcls(admin: Admin, rules: AclRule[]): Promise<void> {
  await admin.createAcls({ acl: aclEntries(rules) });
}

/** One line per rule, for the command's output and the README. */
export function describeRule(rule: AclRule): string {
  return `${rule.principal} ${rule.operations.join(',')} ${rule.resourceType} ${rule.pattern === 'PREFIXED' ? `${rule.name}*` : rule.name}`;
}
