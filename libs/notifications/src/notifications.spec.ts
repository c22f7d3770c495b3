import { retryDelayMs } from './delivery-backoff';
import { outcomeOfError, outcomeOfStatus } from './notification-center';
import { NotificationSealer } from './notification-sealer';
import { SubscriptionPseudonyms } from './pseudonyms';
import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';
import { guardedLookup, webhookUrlProblem, type ResolveHost } from './webhook-url';

const KEY = { id: 'k1', key: Buffer.alloc(32, 7) };

describe('SubscriptionPseudonyms', () => {
  it('gives the same 32-byte pseudonym for the same person and registry, another under another key or registry', () => {
    const a = new SubscriptionPseudonyms('key-one-0123456789');
    expect(a.of('identity', '0067749828')).toEqual(a.of('identity', '0067749828'));
    expect(a.of('identity', '0067749828')).toHaveLength(32);
    expect(a.of('identity', '0067749828').toString('latin1')).not.toContain('0067749828');
    expect(a.of('identity', '0067749828')).not.toEqual(new SubscriptionPseudonyms('key-two-0123456789').of('identity', '0067749828'));
    expect(a.of('identity', '0067749828')).not.toEqual(a.of('vehicle', '0067749828'));
  });
});

describe('NotificationSealer', () => {
  const sealer = new NotificationSealer([KEY]);

  it('seals a notification so that no byte of the ID is plain, and opens it for its event and agency only', () => {
    const sealed = sealer.seal({ nationalId: '0067749828', changedOn: '2026-11-30' }, 'event-1', 'pension-fund');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.value.toString('latin1')).not.toContain('0067749828');
    expect(sealer.open(sealed, 'event-1', 'pension-fund')).toEqual({ nationalId: '0067749828', changedOn: '2026-11-30' });
    expect(() => sealer.open(sealed, 'event-1', 'tax-organization')).toThrow(/does not open/);
    expect(() => sealer.open(sealed, 'event-2', 'pension-fund')).toThrow(/does not open/);
  });

  it('opens what an older key sealed after rotation (the new key first)', () => {
    const sealed = sealer.seal({ nationalId: '0067749828', changedOn: '2026-11-30' }, 'e', 'a');
    const rotated = new NotificationSealer([{ id: 'k2', key: Buffer.alloc(32, 9) }, KEY]);
    expect(rotated.open(sealed, 'e', 'a').nationalId).toBe('0067749828');
    expect(rotated.seal({ nationalId: '0067749828', changedOn: '2026-11-30' }, 'e', 'a').keyId).toBe('k2');
  });

  it('seals a webhook secret bound to its agency', () => {
    const sealed = sealer.sealSecret('whsec_abc', 'a');
    expect(sealer.openSecret(sealed, 'a')).toBe('whsec_abc');
    expect(() => sealer.openSecret(sealed, 'b')).toThrow();
  });
});

describe('Standard Webhooks signature', () => {
  it('signs id.timestamp.body with the secret (v1, base64 HMAC-SHA-256), as the specification\'s example', () => {
    // The example of the Standard Webhooks specification (and of its reference libraries).
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    const headers = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body);
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(verifyWebhook(secret, headers, body, 1614265330)).toBe(true);
    expect(verifyWebhook(secret, headers, body + ' ', 1614265330)).toBe(false);
    expect(verifyWebhook(secret, headers, body, 1614265330 + 3600)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, body, 1614265330)).toBe(false);
  });
});

describe('webhookUrlProblem (SSRF)', () => {
  const table: Record<string, string[]> = { 'hooks.example.org': ['93.184.215.14'], 'inside.example.org': ['93.184.215.14', '10.1.2.3'], 'v6.example.org': ['::ffff:127.0.0.1'] };
  const resolve: ResolveHost = async (host) => {
    if (!table[host]) throw new Error('ENOTFOUND');
    return table[host];
  };
  const production = { httpsOnly: true, allowPrivate: false };

  it('accepts a public https URL', async () => {
    expect(await webhookUrlProblem('https://hooks.example.org/nix', production, resolve)).toBeNull();
  });

  it.each([
    ['http://hooks.example.org/nix', 'must be https in production'],
    ['ftp://hooks.example.org/nix', 'must be an https URL'],
    ['not a url', 'is not a URL'],
    ['https://user:pw@hooks.example.org/', 'must not hold credentials'],
    ['https://127.0.0.1/', 'private, loopback or reserved address (127.0.0.1)'],
    ['https://[::1]/', 'private, loopback or reserved address (::1)'],
    ['https://169.254.169.254/latest/meta-data', 'private, loopback or reserved address (169.254.169.254)'],
    ['https://inside.example.org/', 'private, loopback or reserved address (10.1.2.3)'],
    ['https://v6.example.org/', 'private, loopback or reserved address (::ffff:127.0.0.1)'],
    ['https://nowhere.example.org/', 'does not resolve'],
  ])('refuses %s, naming /url', async (url, detail) => {
    const problem = await webhookUrlProblem(url, production, resolve);
    expect(problem).toEqual({ pointer: '/url', detail: expect.stringContaining(detail) });
  });

  it('allows plain http and private addresses where configured (development, NIX_WEBHOOK_ALLOW_PRIVATE)', async () => {
    expect(await webhookUrlProblem('http://127.0.0.1:8080/hook', { httpsOnly: false, allowPrivate: true }, resolve)).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:8080/hook', { httpsOnly: false, allowPrivate: false }, resolve)).not.toBeNull();
  });
});

describe('guardedLookup (the connection\'s own lookup: no DNS rebinding between the check and the call)', () => {
  const resolve = (allowPrivate: boolean, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) => guardedLookup(allowPrivate)('localhost', { all }, (error, address) => done({ error, address })));

  it('refuses a name that resolves to loopback, unless private addresses are allowed', async () => {
    const refused = await resolve(false, false);
    expect(refused.error?.code).toBe('EADDRNOTPUBLIC');
    const allowed = await resolve(true, false);
    expect(allowed.error).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(allowed.address);
    const all = await resolve(true, true);
    expect(all.address).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });
});

describe('retryDelayMs', () => {
  it('doubles from about a second, capped at 15 minutes', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, middle))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(40, middle)).toBe(15 * 60 * 1000);
    expect(retryDelayMs(1, () => 0)).toBe(800);
  });
});

describe('delivery outcomes', () => {
  it('names why a webhook attempt failed with a bounded set: a status class, a timeout, a refused connection or address', () => {
    expect([200, 204, 301, 404, 410, 500, 503, 600].map(outcomeOfStatus)).toEqual(['ok', 'ok', 'http-3xx', 'http-4xx', 'http-4xx', 'http-5xx', 'http-5xx', 'http-5xx']);
    const failure = (code: string, name = 'Error') => Object.assign(new Error('x'), { code, name });
    expect(outcomeOfError(failure('UND_ERR_HEADERS_TIMEOUT', 'HeadersTimeoutError'))).toBe('timeout');
    expect(outcomeOfError(failure('UND_ERR_CONNECT_TIMEOUT'))).toBe('timeout');
    expect(outcomeOfError(failure('ECONNREFUSED'))).toBe('connection-refused');
    expect(outcomeOfError(failure('EADDRNOTPUBLIC'))).toBe('refused-address');
    expect(outcomeOfError(failure('ECONNRESET'))).toBe('network-error');
    expect(outcomeOfError(undefined)).toBe('network-error');
  });
});
