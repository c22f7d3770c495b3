import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { ReceiptKeys, receiptDigestOf, saltedDigest, verifyReceipt, type ReceiptClaims } from '@nix/broker';
import { ConfigurationError, loadConfig } from '@nix/config';
import { embeddedStoreDir, migrate, PgliteSqlClient, PgSqlClient, type SqlClient } from '@nix/ledger';

const USAGE = 'usage: npm run receipt:verify -- RECEIPT_FILE [--request FILE] [--answer FILE] [--jwks URL] [--skip-ledger]';

/** Exit codes: which check failed first decides, so that a script can tell a forgery from a changed body. */
const EXIT = { ok: 0, usage: 1, signature: 2, digest: 3, ledger: 4 } as const;

class Failure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * npm run receipt:verify: checks a NIX-Receipt's signature against the JWKS (--jwks URL, else the configured
 * receipt keys), the salted digests against the request and answer bodies kept, and that the ledger (the store
 * from configuration) holds the receipt's digest. Prints one line per check.
 */
async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { request: { type: 'string' }, answer: { type: 'string' }, jwks: { type: 'string' }, 'skip-ledger': { type: 'boolean' } },
    });
  } catch (error) {
    throw new Failure(EXIT.usage, `${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new Failure(EXIT.usage, USAGE);
  const jws = readFileOrFail(positionals[0], 'receipt').toString('utf8').trim();

  const config = values.jwks && values['skip-ledger'] ? null : loadConfig();
  const jwks = values.jwks ? await fetchJwks(values.jwks) : new ReceiptKeys(config!.receipts.keys).jwks;
  let claims: ReceiptClaims;
  try {
    claims = await verifyReceipt(jws, jwks);
  } catch (error) {
    throw new Failure(EXIT.signature, `signature: INVALID (${(error as Error).message})`);
  }
  say(`signature: valid (exchange ${claims.exchangeId}, ${claims.outcome}, HTTP ${claims.httpStatus}, signed by ${claims.iss})`);

  for (const [part, file, digest] of [['request', values.request, claims.requestDigest], ['answer', values.answer, claims.answerDigest]] as const) {
    if (file === undefined) {
      say(`${part}: not checked (no --${part} file)`);
      continue;
    }
    if (saltedDigest(claims.salt, readFileOrFail(file, part)) !== digest) throw new Failure(EXIT.digest, `${part}: MISMATCH (${file} is not the ${part} this receipt was issued for)`);
    say(`${part}: matches ${file}`);
  }

  if (values['skip-ledger']) {
    say('ledger: not checked (--skip-ledger)');
    return EXIT.ok;
  }
  const digest = receiptDigestOf(jws);
  const sql: SqlClient = config!.database.url ? new PgSqlClient(config!.database.url, 1) : new PgliteSqlClient(embeddedStoreDir(config!.paths.data));
  try {
    await migrate(sql);
    const rows = await sql.query<{ exchange_id: string }>('SELECT exchange_id::text FROM traffic_record WHERE receipt_digest = $1 LIMIT 1', [digest]);
    if (rows.length === 0) throw new Failure(EXIT.ledger, `ledger: NOT FOUND (no traffic record holds receipt digest ${digest})`);
    if (rows[0].exchange_id !== claims.exchangeId) throw new Failure(EXIT.ledger, `ledger: the record holding digest ${digest} is of exchange ${rows[0].exchange_id}, not ${claims.exchangeId}`);
    say(`ledger: holds receipt digest ${digest}`);
  } finally {
    await sql.close();
  }
  return EXIT.ok;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function readFileOrFail(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Failure(EXIT.usage, `cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function fetchJwks(url: string): Promise<JSONWebKeySet> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as JSONWebKeySet;
    if (!Array.isArray(body?.keys)) throw new Error('no "keys" array');
    return body;
  } catch (error) {
    throw new Failure(EXIT.usage, `cannot read the JWKS at ${url}: ${(error as Error).message}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof Failure) {
      process.stderr.write(`${error.message}\n`);
      process.exit(error.code);
    }
    process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot verify the receipt' : 'receipt verification failed'}: ${error.message}\n`);
    process.exit(EXIT.usage);
  },
);
