import { readFileSync } from 'node:fs';
import { startAdapter } from './adapter';
import { lookupGoods } from './goods-registry';

// KAFKA_BROKERS=127.0.0.1:9092 NIX_PAYLOAD_KEYS=kid:base64key [NIX_KAFKA_TOPIC_PREFIX=nix] [KAFKA_SSL=true KAFKA_SSL_CA_FILE=… KAFKA_SASL_USERNAME=… KAFKA_SASL_PASSWORD_FILE=…] node dist/main.js
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

// A secured cluster (NIX's KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE or _PASSWORD).
const { KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE } = process.env;
const ssl = KAFKA_SSL === 'true' ? { ca: KAFKA_SSL_CA_FILE ? [readFileSync(KAFKA_SSL_CA_FILE, 'utf8')] : [] } : undefined;
const password = KAFKA_SASL_PASSWORD ?? (KAFKA_SASL_PASSWORD_FILE ? readFileSync(KAFKA_SASL_PASSWORD_FILE, 'utf8').replace(/\r?\n$/, '') : undefined);
const sasl = KAFKA_SASL_USERNAME && password ? { username: KAFKA_SASL_USERNAME, password } : undefined;

startAdapter({ brokers, ssl, sasl, prefix: process.env.NIX_KAFKA_TOPIC_PREFIX ?? 'nix', registry: 'goods', major: 1, payloadKeys, lookup: lookupGoods }).then(
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
