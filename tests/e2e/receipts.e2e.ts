import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { request } from 'undici';
import { TrafficRepository } from '@nix/ledger';
import { ensureBuilt } from '../support/dist-build';
import { REPO_ROOT } from '../support/fixtures';
import { DEMO_HEADERS, startTestApp, type TestApp, type TestResponse } from '../support/test-app';

/** Recomputed here from the receipt's salt, independently of NIX's own helpers. */
const salted = (salt: string, body: string | Buffer) => createHash('sha256').update(Buffer.from(salt, 'base64url')).update(body).digest('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

describe('signed receipts (NIX-Receipt) on the embedded default', () => {
  let nix: TestApp;
  let open = false;
  const dataDir = mkdtempSync(join(tmpdir(), 'nix-data-'));
  const person = { nationalId: '0067749828', birthDate: '1988-03-21' };
  const headers = { ...DEMO_HEADERS, 'x-tracking-code': 'TRK-receipts-0001' };
  const exchanges: { response: TestResponse; request: string }[] = [];

  beforeAll(async () => {
    nix = await startTestApp({ NIX_DATA_DIR: dataDir });
    open = true;
  });
  afterAll(async () => {
    if (open) await nix.close();
  });

  async function verified(response: TestResponse) {
    const jws = response.headers['nix-receipt'];
    expect(jws).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const jwks = await nix.call('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks.json), { algorithms: ['EdDSA'] });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'nix-receipt+jws' });
    return JSON.parse(Buffer.from(payload).toString('utf8'));
  }

  it('signs a 200 answer over its exchange, parties, outcome, times and salted body digests', async () => {
    const request = JSON.stringify(person);
    const ok = await nix.call('POST', '/v1/inquiries/identity/person', { headers: { ...headers, 'content-type': 'application/json' }, raw: request });
    expect(ok.status).toBe(200);
    const claims = await verified(ok);
    expect(claims).toMatchObject({
      exchangeId: ok.headers['x-exchange-id'],
      consumer: 'demo-agency',
      registry: 'identity',
      service: 'person',
      outcome: 'ok',
      httpStatus: 200,
      purpose: 'demo',
      problemType: null,
    });
    expect(claims.custodian).toEqual(expect.any(String));
    expect(claims.serviceVersion).toEqual(expect.any(String));
    expect(claims.agreement).toEqual(expect.any(String));
    expect(claims.trackingDigest).toEqual(expect.any(String));
    expect(claims.trackingDigest).not.toContain('TRK-receipts-0001');
    expect(Date.parse(claims.respondedAt)).toBeGreaterThanOrEqual(Date.parse(claims.receivedAt));
    expect(Buffer.from(claims.salt, 'base64url').length).toBe(16);
    expect(claims.requestDigest).toBe(salted(claims.salt, request));
    expect(claims.answerDigest).toBe(salted(claims.salt, ok.text));
    // One byte of the answer changed: its digest no longer matches the receipt.
    const tampered = Buffer.from(ok.text);
    tampered[tampered.length - 2] ^= 1;
    expect(salted(claims.salt, tampered)).not.toBe(claims.answerDigest);
    exchanges.push({ response: ok, request });
  });

  it('signs a 4xx problem too, with its outcome and problem type', async () => {
    const request = JSON.stringify({ nationalId: '0067749829', birthDate: '1988-03-21' });
    const response = await nix.call('POST', '/v1/inquiries/identity/person', { headers: { ...headers, 'content-type': 'application/json' }, raw: request });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const claims = await verified(response);
    expect(claims).toMatchObject({ exchangeId: response.headers['x-exchange-id'], outcome: 'invalid', httpStatus: 400, problemType: expect.any(String) });
    expect(claims.requestDigest).toBe(salted(claims.salt, request));
    expect(claims.answerDigest).toBe(salted(claims.salt, response.text));
    exchanges.push({ response, request });
  });

  it('signs a refusal before any agreement (401) and uses a fresh salt per exchange', async () => {
    const response = await nix.inquire('identity', 'person', person, { authorization: 'Bearer wrong-key', 'x-purpose': 'demo' });
    expect(response.status).toBe(401);
    const claims = await verified(response);
    expect(claims).toMatchObject({ outcome: expect.any(String), httpStatus: 401, consumer: null });
    expect(claims.answerDigest).toBe(salted(claims.salt, response.text));
    const other = await verified(exchanges[0].response);
    expect(claims.salt).not.toBe(other.salt);
  });

  it('digests the request bytes as they came over the wire: in chunks, split inside a character, one byte not UTF-8', async () => {
    // {"nationalId":"0067749828","birthDate":"1988-03-21","note":"سلام\xff"}: a schema refusal (400), so it is parsed.
    const bytes = Buffer.concat([Buffer.from('{"nationalId":"0067749828","birthDate":"1988-03-21","note":"سل'), Buffer.from([0xff]), Buffer.from('ام"}')]);
    const split = bytes.indexOf(Buffer.from('ل')) + 1; // inside the two bytes of ل
    const response = await request(`${nix.url}/v1/inquiries/identity/person`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      // An async iterable has no length: undici sends it chunked, one chunk per part.
      body: Readable.from([bytes.subarray(0, split), bytes.subarray(split)]),
    });
    const text = await response.body.text();
    expect(response.statusCode).toBe(400);
    const claims = await verified({ status: response.statusCode, headers: response.headers, text } as unknown as TestResponse);
    expect(claims.requestDigest).toBe(salted(claims.salt, bytes));
    // The same characters as a decoder would give them back (U+FFFD for the stray byte) digest differently.
    expect(claims.requestDigest).not.toBe(salted(claims.salt, Buffer.from(bytes.toString('utf8'))));
    expect(claims.answerDigest).toBe(salted(claims.salt, text));
  });

  it('signs a 415 whose body was left unread, over the bytes read before the answer', async () => {
    const response = await nix.call('POST', '/v1/inquiries/identity/person', { headers: { ...headers, 'content-type': 'text/plain' }, raw: 'not json' });
    expect(response.status).toBe(415);
    const claims = await verified(response);
    expect(claims).toMatchObject({ exchangeId: response.headers['x-exchange-id'], httpStatus: 415, outcome: 'invalid' });
    expect(claims.answerDigest).toBe(salted(claims.salt, response.text));
  });

  it('keeps the receipt digest in the traffic record, and no digest of any content', async () => {
    await nix.flushLedger();
    const sql = nix.app.get(TrafficRepository).sql;
    for (const { response, request } of exchanges) {
      const jws = response.headers['nix-receipt'];
      const claims = JSON.parse(Buffer.from(decodeProtectedHeader(jws) && jws.split('.')[1], 'base64url').toString('utf8'));
      const rows = await sql.query<Record<string, unknown>>('SELECT * FROM traffic_record WHERE exchange_id = $1', [response.headers['x-exchange-id']]);
      expect(rows).toHaveLength(1);
      expect(rows[0].receipt_digest).toBe(sha256(jws));
      const stored = JSON.stringify(rows[0]);
      for (const content of [claims.requestDigest, claims.answerDigest, claims.salt, jws, request, response.text, sha256(request), sha256(response.text)]) {
        expect(stored).not.toContain(content);
      }
      expect(stored).not.toContain('0067749828');
    }
  });

  describe('npm run receipt:verify', () => {
    const files = mkdtempSync(join(tmpdir(), 'nix-receipt-'));
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const env = { ...inherited, NODE_ENV: 'development', NIX_DATA_DIR: dataDir };
    const verify = (...args: string[]) =>
      spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', 'receipt-verify.js'), ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });

    beforeAll(async () => {
      ensureBuilt();
      // The embedded store is one process's at a time: the broker stops before the script opens it.
      await nix.flushLedger();
      await nix.close();
      open = false;
      const { response, request } = exchanges[0];
      writeFileSync(join(files, 'receipt.jws'), response.headers['nix-receipt']);
      writeFileSync(join(files, 'request.json'), request);
      writeFileSync(join(files, 'answer.json'), response.text);
      const tampered = Buffer.from(response.text);
      tampered[tampered.length - 2] ^= 1;
      writeFileSync(join(files, 'answer-tampered.json'), tampered);
      const [head, body, signature] = response.headers['nix-receipt'].split('.');
      const forged = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      forged.outcome = 'denied';
      writeFileSync(join(files, 'forged.jws'), `${head}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`);
    });

    it('passes a good receipt with its bodies, against the configured keys and the ledger', () => {
      const run = verify(join(files, 'receipt.jws'), '--request', join(files, 'request.json'), '--answer', join(files, 'answer.json'));
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^signature: valid .*\nrequest: matches .*\nanswer: matches .*\nledger: holds receipt digest /);
      expect(run.status).toBe(0);
    });

    it('verifies against a JWKS fetched from a URL, without the ledger', async () => {
      const jwksApp = await startTestApp();
      try {
        // Not spawnSync: this process serves the JWKS while the script fetches it.
        const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
          const script = [join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', 'receipt-verify.js'), join(files, 'receipt.jws'), '--jwks', `${jwksApp.url}/.well-known/jwks.json`, '--skip-ledger'];
          const child = spawn(process.execPath, script, { cwd: REPO_ROOT, env, timeout: 60_000 });
          let stdout = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.on('close', (status) => resolve({ status, stdout }));
        });
        expect(run.stdout).toMatch(/^signature: valid .*\nrequest: not checked .*\nanswer: not checked .*\nledger: not checked/);
        expect(run.status).toBe(0);
      } finally {
        await jwksApp.close();
      }
    });

    it('fails, with exit code 3, when one byte of the answer changed', () => {
      const run = verify(join(files, 'receipt.jws'), '--answer', join(files, 'answer-tampered.json'));
      expect(run.stderr).toMatch(/^answer: MISMATCH/);
      expect(run.status).toBe(3);
    });

    it('fails, with exit code 2, when the receipt itself was altered', () => {
      const run = verify(join(files, 'forged.jws'), '--skip-ledger');
      expect(run.stderr).toMatch(/^signature: INVALID/);
      expect(run.status).toBe(2);
    });

    it('fails, with exit code 4, when the ledger does not hold the receipt', () => {
      const other = mkdtempSync(join(tmpdir(), 'nix-data-'));
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', 'receipt-verify.js'), join(files, 'receipt.jws')], {
        cwd: REPO_ROOT,
        env: { ...env, NIX_DATA_DIR: other },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stderr).toMatch(/^ledger: NOT FOUND/);
      expect(run.status).toBe(4);
    });
  });
});
