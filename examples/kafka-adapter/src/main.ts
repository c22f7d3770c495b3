import { startAdapter } from './adapter';
import { lookupGoods } from './goods-registry';

// KAFKA_BROKERS=127.0.0.1:9092 [NIX_KAFKA_TOPIC_PREFIX=nix] node dist/main.js
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  console.error('KAFKA_BROKERS is required (host:port,…)');
  process.exit(2);
}

startAdapter({ brokers, prefix: process.env.NIX_KAFKA_TOPIC_PREFIX ?? 'nix', registry: 'goods', major: 1, lookup: lookupGoods }).then(
  (adapter) => {
    console.log('serving goods inquiries from NIX');
    const stop = () => void adapter.stop().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: Error) => {
    console.error(`could not start: ${error.message}`);
    process.exit(1);
  },
);
