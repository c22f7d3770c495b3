import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { ProblemError } from '@nix/domain';
import { ClientCertificates } from './client-certificate';

/** A self-signed certificate made with openssl, and its SHA-256 fingerprint as openssl prints it. */
function certificate(): { pem: string; fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nix-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=tax-organization'], { cwd: dir, stdio: 'pipe' });
  const fingerprint = String(execFileSync('openssl', ['x509', '-in', 'c.pem', '-noout', '-fingerprint', '-sha256'], { cwd: dir })).trim().split('=')[1];
  return { pem: readFileSync(join(dir, 'c.pem'), 'utf8'), fingerprint: fingerprint.replace(/:/g, '').toLowerCase() };
}

const fromAddress = (remoteAddress: string, headers: Record<string, string> = {}) => ({ headers, raw: { socket: { remoteAddress } } }) as unknown as FastifyRequest;

describe('ClientCertificates', () => {
  const cert = certificate();
  const header = { 'x-client-cert': encodeURIComponent(cert.pem) };

  it("takes the fingerprint of the X-Client-Cert header from a trusted proxy's address", () => {
    expect(new ClientCertificates(['10.0.0.5']).presentedBy(fromAddress('10.0.0.5', header))?.fingerprint).toBe(cert.fingerprint);
    expect(new ClientCertificates(['loopback']).presentedBy(fromAddress('127.0.0.1', header))?.fingerprint).toBe(cert.fingerprint);
  });

  it('ignores the header from any other address, and when no proxy is trusted', () => {
    expect(new ClientCertificates(['10.0.0.5']).presentedBy(fromAddress('10.0.0.6', header))).toBeUndefined();
    expect(new ClientCertificates(false).presentedBy(fromAddress('10.0.0.5', header))).toBeUndefined();
  });

  it("takes the TLS connection's certificate, saying whether Node verified its chain against NIX_TLS_CLIENT_CA", () => {
    const der = new X509Certificate(cert.pem).raw;
    const overTls = (authorized: boolean) =>
      ({ headers: {}, raw: { socket: { remoteAddress: '10.0.0.9', encrypted: true, authorized, getPeerCertificate: () => ({ fingerprint256: cert.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:'), raw: der }) } } }) as unknown as FastifyRequest;
    for (const authorized of [true, false]) {
      const presented = new ClientCertificates(false).presentedBy(overTls(authorized));
      expect(presented).toMatchObject({ fingerprint: cert.fingerprint, chainVerified: authorized });
      expect(presented?.certificate().subject).toBe('CN=tax-organization');
    }
  });

  it('has no certificate without the header or a TLS client certificate', () => {
    expect(new ClientCertificates(['10.0.0.5']).presentedBy(fromAddress('10.0.0.5'))).toBeUndefined();
  });

  it('answers 400 naming the header when a trusted proxy sends something else than a PEM certificate', () => {
    const act = () => new ClientCertificates(['10.0.0.5']).presentedBy(fromAddress('10.0.0.5', { 'x-client-cert': 'garbage' }));
    expect(act).toThrow(ProblemError);
    try {
      act();
    } catch (error) {
      expect((error as ProblemError).status).toBe(400);
    }
  });
});
