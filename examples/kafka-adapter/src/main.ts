import { startAdapter } from './adapter';
import { lookupGoods } from './goods-registry';

// KAFKA_BROKERS=127.0.0.1:9092 NIX_PAYLOAD_KEYS=kid:base64key [NIX_KAFKA_TOPIC_PREFIX=nix] node dist/main.js
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  console.error('KAFKA_BROKERS is required (host:port,…)');
  process.exit(2);
}

// The keys NIX's brokers seal with: the same NIX_PAYLOAD_KEYS (in development, NIX's demo key, printed by NIX's README).
const payloadKeys = process.env.NIX_PAYLOAD_KEYS ?? '';
if (!payloadKeys) {
  console.error('NIX_PAYLOAD_KEYS is required (id:base64key,…), the keys NIX_PAYLOAD_KEYS gives NIX\'s brokers');
  process.exit(2);
}

startAdapter({ brokers, prefix: process.env.NIX_KAFKA_TOPIC_PREFIX ?? 'nix', registry: 'goods', major: 1, payloadKeys, lookup: lookupGoods }).then(
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
