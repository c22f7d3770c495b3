#!/bin/sh
# Makes a fresh set of NIX's keys, one file each, for `kubectl create secret … --from-file` (deploy/README.md):
#   tracking-key        NIX_TRACKING_KEY        32 random bytes, base64url
#   receipt-keys        NIX_RECEIPT_KEYS        a JSON array with one Ed25519 private JWK (kid receipts-YYYY-MM-DD)
#   ledger-signing-key  NIX_LEDGER_SIGNING_KEY  an Ed25519 private key, PKCS#8 DER in base64
#   ledger-public-key                           its public key (SPKI DER, base64), for NIX_LEDGER_TRUSTED_KEYS later
#   payload-keys        NIX_PAYLOAD_KEYS        one AES-256 key, id:base64 (id pYYYYMMDD)
#   subscription-key    NIX_SUBSCRIPTION_KEY    32 random bytes, base64url (the HMAC key of subscription pseudonyms)
#   notification-keys   NIX_NOTIFICATION_KEYS   one AES-256 key, id:base64 (id nYYYYMMDD), for pending notifications
# No file ends with a newline (Kubernetes keeps it in the value). Needs Node.js only.
#   deploy/k8s/new-keys.sh DIR
set -eu
dir=${1:?usage: new-keys.sh DIR}
umask 077
mkdir -p "$dir"
node - "$dir" <<'JS'
const { generateKeyPairSync, randomBytes, createPublicKey } = require('node:crypto');
const { writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.argv[2];
const day = new Date().toISOString().slice(0, 10);
const write = (name, value) => {
  const path = join(dir, name);
  if (existsSync(path)) throw new Error(`${path} exists; keys are never overwritten`);
  writeFileSync(path, value, { mode: 0o600 });
};
write('tracking-key', randomBytes(32).toString('base64url'));
const receipt = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
write('receipt-keys', JSON.stringify([{ ...receipt, kid: `receipts-${day}` }]));
const ledger = generateKeyPairSync('ed25519').privateKey;
write('ledger-signing-key', ledger.export({ type: 'pkcs8', format: 'der' }).toString('base64'));
write('ledger-public-key', createPublicKey(ledger).export({ type: 'spki', format: 'der' }).toString('base64'));
write('payload-keys', `p${day.replace(/-/g, '')}:${randomBytes(32).toString('base64')}`);
write('subscription-key', randomBytes(32).toString('base64url'));
write('notification-keys', `n${day.replace(/-/g, '')}:${randomBytes(32).toString('base64')}`);
process.stdout.write(`keys written to ${dir}: tracking-key receipt-keys ledger-signing-key ledger-public-key payload-keys subscription-key notification-keys\n`);
JS
