import postgresTeardown from './postgres-teardown';

export default async function teardown(): Promise<void> {
  await globalThis.__nixKafka?.destroy();
  await postgresTeardown();
}
