import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm run key:issue -- <agency-id> [key-id] [--certificate client.pem]\n';

/**
 * npm run key:issue -- <agency-id> [key-id] [--certificate client.pem]
 * Makes a new API key for an agency. The key is printed once, for the agency; only its SHA-256 goes into
 * contracts/agencies/<agency-id>.yaml. With --certificate the key is bound to that client certificate, and the
 * certificate is registered for the agency: how the first working-group key works in production, where a key
 * alone is refused.
 */
function main(): number {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { certificate: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [agencyId, keyId = `${agencyId}-${new Date().toISOString().slice(0, 10)}`] = parsed.positionals;
  if (!agencyId || !/^[a-z][a-z0-9-]{1,62}$/.test(agencyId) || parsed.positionals.length > 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  let fingerprint: string | null = null;
  if (parsed.values.certificate) {
    try {
      fingerprint = new X509Certificate(readFileSync(parsed.values.certificate)).fingerprint256.replace(/:/g, '').toLowerCase();
    } catch (error) {
      process.stderr.write(`--certificate ${parsed.values.certificate}: not a readable PEM certificate (${(error as Error).message})\n`);
      return 2;
    }
  }
  const key = `nix_${randomBytes(32).toString('base64url')}`;
  const sha256 = createHash('sha256').update(key).digest('hex');
  const bound = fingerprint ? `    certificate: ${fingerprint}\n` : '';
  const registered = fingerprint ? `\nand, so that the certificate is the agency's (beside any it already lists):\n\n  certificates:\n    fingerprints:\n      - ${fingerprint}\n` : '';
  process.stdout.write(
    `API key for ${agencyId} (give it to the agency over a secure channel; it is not stored anywhere):\n\n  ${key}\n\n` +
      `Add to contracts/agencies/${agencyId}.yaml under apiKeys:\n\n  - id: ${keyId}\n    sha256: ${sha256}\n${bound}${registered}`,
  );
  return 0;
}

process.exitCode = main();
