import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfig } from '@nix/config';
import { createKafka, createRoleAcls, describeRule, kafkaSettingsOf, roleAcls, type AclRule, type KafkaRoleGrant } from '@nix/messaging';
import { createLogger } from '@nix/observability';

const USAGE = `usage: npm run kafka:acls -- [--broker USER=INSTANCE_ID]... [--adapter USER=REGISTRY[,REGISTRY]...]... [--recorder USER]... [--dry-run]
  --broker    a broker's Kafka user and its NIX_INSTANCE_ID (INSTANCE* for all instances whose IDs start so)
  --adapter   an adapter's Kafka user and the registries it serves
  --recorder  the traffic recorder's Kafka user
  --dry-run   print the ACLs, create nothing
Connects as KAFKA_BROKERS, KAFKA_SSL*, KAFKA_SASL_* say: a user allowed to alter ACLs (a super user).
Topic and group names follow NIX_KAFKA_TOPIC_PREFIX.`;

class UsageError extends Error {}

function grantsOf(argv: string[]): { grants: KafkaRoleGrant[]; dryRun: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      broker: { type: 'string', multiple: true, default: [] },
      adapter: { type: 'string', multiple: true, default: [] },
      recorder: { type: 'string', multiple: true, default: [] },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const pair = (option: string, text: string): [string, string] => {
    const at = text.indexOf('=');
    if (at <= 0 || at === text.length - 1) throw new UsageError(`--${option} ${text}: expected USER=${option === 'broker' ? 'INSTANCE_ID' : 'REGISTRY,…'}`);
    return [text.slice(0, at), text.slice(at + 1)];
  };
  const grants: KafkaRoleGrant[] = [
    ...values.broker.map((text): KafkaRoleGrant => {
      const [user, instanceId] = pair('broker', text);
      return { role: 'broker', user, instanceId };
    }),
    ...values.adapter.map((text): KafkaRoleGrant => {
      const [user, registries] = pair('adapter', text);
      return { role: 'adapter', user, registries: registries.split(',') };
    }),
    ...values.recorder.map((user): KafkaRoleGrant => ({ role: 'recorder', user })),
  ];
  if (grants.length === 0) throw new UsageError('name at least one user (--broker, --adapter or --recorder)');
  return { grants, dryRun: values['dry-run'] };
}

/**
 * npm run kafka:acls: creates the ACLs of each NIX role's Kafka user (see roleAcls), so that a broker reads only
 * its own replies, an adapter only its registries' inquiries and the recorder only the traffic topic.
 * Exit code 0 when created (or printed, --dry-run), 1 when Kafka refused, 2 on a usage or configuration error.
 */
async function main(): Promise<number> {
  let grants: KafkaRoleGrant[];
  let dryRun: boolean;
  try {
    ({ grants, dryRun } = grantsOf(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  let rules: AclRule[];
  try {
    rules = grants.flatMap((grant) => roleAcls(config.kafka, grant));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  for (const rule of rules) process.stdout.write(`${describeRule(rule)}\n`);
  if (dryRun) return 0;
  if (config.kafka.brokers.length === 0) throw new ConfigurationError('environment', 'KAFKA_BROKERS', 'is required to create ACLs');
  const logger = createLogger({ level: 'warn', instanceId: 'kafka-acls' });
  const admin = createKafka(kafkaSettingsOf({ ...config, instanceId: 'kafka-acls' }), logger, 'acls').admin();
  await admin.connect();
  try {
    await createRoleAcls(admin, rules);
  } finally {
    await admin.disconnect();
  }
  process.stdout.write(`created ${rules.reduce((n, r) => n + r.operations.length, 0)} ACLs for ${grants.map((g) => g.user).join(', ')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot create the Kafka ACLs' : 'creating the Kafka ACLs failed'}: ${error.message}\n`);
    process.exit(error instanceof ConfigurationError ? 2 : 1);
  },
);
