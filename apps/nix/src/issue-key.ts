import { createHash, randomBytes } from 'node:crypto';

/**
 * npm run key:issue -- <agency-id> [key-id]
 * Makes a new API key for an agency. The key is printed once, for the agency;
 * only its SHA-256 goes into contracts/agencies/<agency-id>.yaml.
 */
function main(): void {
  const [agencyId, keyId = `${process.argv[2]}-${new Date().toISOString().slice(0, 10)}`] = process.argv.slice(2);
  if (!agencyId || !/^[a-z][a-z0-9-]{1,62}$/.test(agencyId)) {
    process.stderr.write('usage: npm run key:issue -- <agency-id> [key-id]\n');
    process.exit(2);
  }
  const key = `nix_${randomBytes(32).toString('base64url')}`;
  const sha256 = createHash('sha256').update(key).digest('hex');
  process.stdout.write(
    `API key for ${agencyId} (give it to the agency over a secure channel; it is not stored anywhere):\n\n  ${key}\n\n` +
      `Add to contracts/agencies/${agencyId}.yaml under apiKeys:\n\n  - id: ${keyId}\n    sha256: ${sha256}\n`,
  );
}

main();
