import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalSubject, isAgencyCertificate, issuedUnder, parseIssuer, prepareIssuer, type PresentedCertificate } from './client-certificates';

/** Two CAs (the agency's, and an impostor with the same name) and client certificates, made with openssl. */
function pki() {
  const dir = mkdtempSync(join(tmpdir(), 'nix-issuers-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) => run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3', '-subj', '/O=Tax Organization/CN=Tax CA');
  ca('ca');
  ca('impostor');
  const issue = (name: string, subject: string, by: string, usage = 'clientAuth') => {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(dir, `${name}.ext`), `extendedKeyUsage=${usage}\n`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.pem`, '-CAkey', `${by}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  };
  issue('gateway', '/O=Tax Organization/CN=tax-gateway', 'ca');
  issue('other', '/O=Tax Organization/CN=someone-else', 'ca');
  issue('forged', '/O=Tax Organization/CN=tax-gateway', 'impostor');
  issue('server', '/O=Tax Organization/CN=tax-gateway', 'ca', 'serverAuth');
  const pem = (name: string) => readFileSync(join(dir, `${name}.pem`), 'utf8');
  return { pem, cert: (name: string) => new X509Certificate(pem(name)) };
}

const presented = (certificate: X509Certificate, chainVerified = false): PresentedCertificate => ({
  fingerprint: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
  chainVerified,
  certificate: () => certificate,
});

describe('agency certificates by CA and subject', () => {
  const p = pki();
  const now = Date.now();
  const parsed = parseIssuer(p.pem('ca'), ' CN=tax-gateway , o=Tax Organization', now);
  if (!('issuer' in parsed)) throw new Error(`the test CA is refused: ${parsed.detail}`);
  const issuer = prepareIssuer(parsed.issuer);

  it('stores the CA as PEM and the subject in canonical form', () => {
    expect(parsed.issuer.subject).toBe('CN=tax-gateway,O=Tax Organization');
    expect(parsed.issuer.ca).toContain('-----BEGIN CERTIFICATE-----');
    expect(canonicalSubject('CN=a,,O=b')).toBeNull();
    expect(canonicalSubject('CN="quoted"')).toBeNull();
  });

  it('names the field of a CA that is none, or a subject that cannot be read', () => {
    expect(parseIssuer('not a pem', 'CN=x', now)).toEqual({ field: 'ca', detail: 'is not a PEM certificate' });
    expect(parseIssuer(p.pem('gateway'), 'CN=x', now)).toEqual({ field: 'ca', detail: 'is not a CA certificate (basicConstraints CA:TRUE)' });
    expect(parseIssuer(p.pem('ca'), 'CN=x', now + 10 * 86_400_000)).toMatchObject({ field: 'ca', detail: expect.stringMatching(/^expired on /) });
    expect(parseIssuer(p.pem('ca'), 'tax-gateway', now)).toMatchObject({ field: 'subject' });
  });

  it('accepts a client certificate the CA issued to the registered subject, in whatever order the subject is written', () => {
    expect(issuedUnder(p.cert('gateway'), issuer, now)).toBe(true);
    expect(isAgencyCertificate(presented(p.cert('gateway')), [], [issuer], now)).toBe(true);
  });

  it('refuses another subject, the same subject from another CA, a certificate not for client authentication, and one outside its validity', () => {
    expect(issuedUnder(p.cert('other'), issuer, now)).toBe(false);
    expect(issuedUnder(p.cert('forged'), issuer, now)).toBe(false);
    expect(issuedUnder(p.cert('server'), issuer, now)).toBe(false);
    expect(issuedUnder(p.cert('gateway'), issuer, now + 2.5 * 86_400_000)).toBe(false);
    expect(issuedUnder(p.cert('gateway'), issuer, now - 86_400_000)).toBe(false);
  });

  it('accepts a registered fingerprint only when the chain was verified, and an unreadable issuer matches nothing', () => {
    const gateway = presented(p.cert('gateway'));
    expect(isAgencyCertificate(gateway, [gateway.fingerprint], [], now)).toBe(false);
    expect(isAgencyCertificate({ ...gateway, chainVerified: true }, [gateway.fingerprint], [], now)).toBe(true);
    expect(isAgencyCertificate(gateway, [], [prepareIssuer({ ca: 'garbage', subject: 'CN=tax-gateway,O=Tax Organization' })], now)).toBe(false);
  });
});
