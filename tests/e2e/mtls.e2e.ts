import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { TestPki } from '../support/test-pki';
import { startTestApp, type TestApp } from '../support/test-app';

/** A CA, a server certificate for 127.0.0.1 and two agencies' client certificates, made with openssl at run time. */
function makeCertificates(dir: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=NIX test CA');
  const issue = (name: string, subject: string, ext: string) => {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    execFileSync('sh', ['-c', `printf '%s\\n' '${ext}' > ${name}.ext`], { cwd: dir });
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  };
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1');
  issue('tax', '/CN=tax-organization', 'extendedKeyUsage=clientAuth');
  issue('police', '/CN=police', 'extendedKeyUsage=clientAuth');
  const fingerprint = (name: string) =>
    String(run('x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha256')).trim().split('=')[1];
  return { dir, file: (name: string) => join(dir, name), taxFingerprint: fingerprint('tax'), policeFingerprint: fingerprint('police') };
}

const WG = { authorization: 'Bearer demo-wg-key' };
const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };

describe('agency identity by client certificate', () => {
  const certs = makeCertificates(mkdtempSync(join(tmpdir(), 'nix-mtls-')));
  const agentWith = (client?: string) =>
    new Agent({ connect: { ca: readFileSync(certs.file('ca.pem')), ...(client ? { cert: readFileSync(certs.file(`${client}.pem`)), key: readFileSync(certs.file(`${client}.key`)) } : {}) } });
  const call = async (base: string, agent: Agent | undefined, method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await request(base + path, {
      method: method as 'POST',
      dispatcher: agent,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.body.text();
    return { status: response.statusCode, type: response.headers['content-type'], json: text ? JSON.parse(text) : undefined };
  };

  describe('over HTTPS with client certificates', () => {
    let nix: TestApp;
    let key = '';
    const tax = agentWith('tax');
    const police = agentWith('police');
    const anonymous = agentWith();
    let base = '';
    beforeAll(async () => {
      nix = await startTestApp({ NIX_TLS_CERT: certs.file('server.pem'), NIX_TLS_KEY: certs.file('server.key'), NIX_TLS_CLIENT_CA: certs.file('ca.pem') });
      base = nix.url;
      const issued = await call(base, tax, 'POST', '/v1/agencies/demo-agency/keys', WG, { certificate: certs.taxFingerprint });
      expect(issued.status).toBe(201);
      expect(issued.json.certificate).toBe(certs.taxFingerprint.replace(/:/g, '').toLowerCase());
      key = issued.json.key;
    });
    afterAll(async () => {
      await nix?.close();
      await Promise.all([tax.close(), police.close(), anonymous.close()]);
    });
    const inquire = (agent: Agent) => call(base, agent, 'POST', '/v1/inquiries/identity/person', { authorization: `Bearer ${key}`, 'x-purpose': 'demo' }, PERSON);

    it('serves HTTPS', () => {
      expect(base).toMatch(/^https:/);
    });

    it('answers 200 when the client certificate is the one the key is bound to', async () => {
      await expectEventually(async () => expect((await inquire(tax)).status).toBe(200));
    });

    it("answers 401 certificate-mismatch with another agency's certificate", async () => {
      const response = await inquire(police);
      expect(response.status).toBe(401);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(response.json.type).toBe('/problems/certificate-mismatch');
    });

    it('answers 401 certificate-mismatch without a certificate', async () => {
      const response = await inquire(anonymous);
      expect(response.status).toBe(401);
      expect(response.json.type).toBe('/problems/certificate-mismatch');
    });

    it('ignores the X-Client-Cert header from a caller that is not a trusted proxy', async () => {
      const pem = encodeURIComponent(readFileSync(certs.file('tax.pem'), 'utf8'));
      const response = await call(base, anonymous, 'POST', '/v1/inquiries/identity/person', { authorization: `Bearer ${key}`, 'x-purpose': 'demo', 'x-client-cert': pem }, PERSON);
      expect(response.status).toBe(401);
      expect(response.json.type).toBe('/problems/certificate-mismatch');
    });

    it("holds every key of an agency that registered certificates to them, until the working group lifts it", async () => {
      const demo = (agent: Agent) => call(base, agent, 'POST', '/v1/inquiries/identity/person', { authorization: 'Bearer demo-key', 'x-purpose': 'demo' }, PERSON);
      expect((await demo(anonymous)).status).toBe(200);
      const registered = await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { certificates: [certs.policeFingerprint] });
      expect(registered).toMatchObject({ status: 200, json: { agencyId: 'demo-agency', certificates: [certs.policeFingerprint.replace(/:/g, '').toLowerCase()] } });
      expect((await call(base, anonymous, 'GET', '/v1/agencies/demo-agency/certificates', WG)).json.certificates).toEqual(registered.json.certificates);
      await expectEventually(async () => expect((await demo(anonymous)).json.type).toBe('/problems/certificate-mismatch'));
      expect((await demo(tax)).json.type).toBe('/problems/certificate-mismatch');
      expect((await demo(police)).status).toBe(200);
      // A key bound to one certificate still needs that one.
      expect((await inquire(tax)).status).toBe(200);
      expect((await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { certificates: [] })).status).toBe(200);
      await expectEventually(async () => expect((await demo(anonymous)).status).toBe(200));
    });

    describe("by the agency's own CA and subject", () => {
      // The agency's PKI, not under NIX_TLS_CLIENT_CA: its CA, its gateway's certificate, another subject it issued, and
      // an impostor CA of the same name that issues the same subject.
      const agencyPki = new TestPki()
        .ca('tax-ca', '/O=Tax Organization/CN=Tax CA')
        .ca('impostor-ca', '/O=Tax Organization/CN=Tax CA')
        .issue('gateway', '/O=Tax Organization/CN=tax-gateway', 'tax-ca')
        .issue('clerk', '/O=Tax Organization/CN=clerk-laptop', 'tax-ca')
        .issue('forged', '/O=Tax Organization/CN=tax-gateway', 'impostor-ca');
      const agentOf = (name: string) =>
        new Agent({ connect: { ca: readFileSync(certs.file('ca.pem')), cert: agencyPki.pem(name), key: readFileSync(agencyPki.file(`${name}.key`)) } });
      const gateway = agentOf('gateway');
      const clerk = agentOf('clerk');
      const forged = agentOf('forged');
      afterAll(async () => {
        // The next tests expect the demo agency to have registered nothing.
        await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { certificates: [], issuers: [] });
        await Promise.all([gateway.close(), clerk.close(), forged.close()]);
      });

      it("accepts a key bound to 'any certificate of the agency' with a certificate its registered CA issued to the registered subject, and refuses others with 401", async () => {
        const registered = await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, {
          issuers: [{ ca: agencyPki.pem('tax-ca'), subject: 'CN=tax-gateway, O=Tax Organization' }],
        });
        expect(registered.status).toBe(200);
        expect(registered.json).toEqual({ agencyId: 'demo-agency', certificates: [], issuers: [{ ca: expect.stringContaining('BEGIN CERTIFICATE'), subject: 'CN=tax-gateway,O=Tax Organization' }] });
        expect((await call(base, anonymous, 'GET', '/v1/agencies/demo-agency/certificates', WG)).json.issuers).toEqual(registered.json.issuers);
        const issued = await call(base, anonymous, 'POST', '/v1/agencies/demo-agency/keys', WG, { certificate: 'agency' });
        expect(issued.json.certificate).toBe('agency');
        const ask = (agent: Agent, bearer = issued.json.key as string) =>
          call(base, agent, 'POST', '/v1/inquiries/identity/person', { authorization: `Bearer ${bearer}`, 'x-purpose': 'demo' }, PERSON);
        await expectEventually(async () => expect((await ask(gateway)).status).toBe(200));
        for (const agent of [clerk, forged, anonymous, tax]) {
          const refused = await ask(agent);
          expect({ status: refused.status, type: refused.json.type }).toEqual({ status: 401, type: '/problems/certificate-mismatch' });
        }
        // Every other key of the agency is held to its certificates too, on the governance API as well.
        expect((await ask(gateway, 'demo-key')).status).toBe(200);
        expect((await call(base, gateway, 'GET', '/v1/agencies/demo-agency/certificates', { authorization: 'Bearer demo-key' })).json.issuers).toEqual(registered.json.issuers);
        expect((await ask(anonymous, 'demo-key')).json.type).toBe('/problems/certificate-mismatch');
        expect((await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { certificates: [], issuers: [] })).status).toBe(200);
        await expectEventually(async () => expect((await ask(anonymous, 'demo-key')).status).toBe(200));
      });

      it("names the field of an issuer whose CA is no CA certificate, or whose subject cannot be read", async () => {
        const notCa = await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { issuers: [{ ca: agencyPki.pem('gateway'), subject: 'CN=tax-gateway' }] });
        expect(notCa.status).toBe(400);
        expect(notCa.json.errors).toEqual([{ pointer: '/issuers/0/ca', detail: 'is not a CA certificate (basicConstraints CA:TRUE)' }]);
        const subject = await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { issuers: [{ ca: agencyPki.pem('tax-ca'), subject: 'tax-gateway' }] });
        expect(subject.status).toBe(400);
        expect(subject.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/issuers/0/subject']);
      });
    });

    it('names the field of a certificate that is no fingerprint, and lets only the working group register', async () => {
      const bad = await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { certificates: ['not-a-fingerprint'] });
      expect(bad.status).toBe(400);
      expect(bad.json.errors.map((e: { pointer: string }) => e.pointer)).toContain('/certificates/0');
      const self = await call(base, anonymous, 'PUT', '/v1/agencies/demo-agency/certificates', { authorization: 'Bearer demo-key' }, { certificates: [] });
      expect(self.status).toBe(403);
      expect((await call(base, anonymous, 'PUT', '/v1/agencies/no-such-agency/certificates', WG, { certificates: [] })).status).toBe(404);
    });
  });

  describe('behind a TLS-terminating proxy', () => {
    let nix: TestApp;
    let key = '';
    beforeAll(async () => {
      nix = await startTestApp({ NIX_TRUST_PROXY: 'loopback' });
      const issued = await call(nix.url, undefined, 'POST', '/v1/agencies/demo-agency/keys', WG, { certificate: certs.taxFingerprint });
      key = issued.json.key;
    });
    afterAll(async () => {
      await nix?.close();
    });
    const inquireWith = (pem: string) =>
      call(nix.url, undefined, 'POST', '/v1/inquiries/identity/person', { authorization: `Bearer ${key}`, 'x-purpose': 'demo', 'x-client-cert': encodeURIComponent(pem) }, PERSON);

    it("honours the trusted proxy's X-Client-Cert header", async () => {
      await expectEventually(async () => expect((await inquireWith(readFileSync(certs.file('tax.pem'), 'utf8'))).status).toBe(200));
      const other = await inquireWith(readFileSync(certs.file('police.pem'), 'utf8'));
      expect({ status: other.status, type: other.json.type }).toEqual({ status: 401, type: '/problems/certificate-mismatch' });
    });

    it("matches the proxy's certificate against the agency's registered CA and subject too", async () => {
      const pki = new TestPki().ca('agency-ca', '/O=Demo/CN=Demo CA').issue('gateway', '/O=Demo/CN=demo-gateway', 'agency-ca').issue('clerk', '/O=Demo/CN=clerk', 'agency-ca');
      const registered = await call(nix.url, undefined, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { issuers: [{ ca: pki.pem('agency-ca'), subject: 'O=Demo,CN=demo-gateway' }] });
      expect(registered.status).toBe(200);
      try {
        const bound = await call(nix.url, undefined, 'POST', '/v1/agencies/demo-agency/keys', WG, { certificate: 'agency' });
        const ask = (pem: string) =>
          call(nix.url, undefined, 'POST', '/v1/inquiries/identity/person', { authorization: `Bearer ${bound.json.key}`, 'x-purpose': 'demo', 'x-client-cert': encodeURIComponent(pem) }, PERSON);
        await expectEventually(async () => expect((await ask(pki.pem('gateway'))).status).toBe(200));
        const clerk = await ask(pki.pem('clerk'));
        expect({ status: clerk.status, type: clerk.json.type }).toEqual({ status: 401, type: '/problems/certificate-mismatch' });
      } finally {
        await call(nix.url, undefined, 'PUT', '/v1/agencies/demo-agency/certificates', WG, { certificates: [], issuers: [] });
      }
    });

    it('names the header when it is not a certificate', async () => {
      const response = await inquireWith('not a certificate');
      expect(response.status).toBe(400);
      expect(response.json.errors).toEqual([{ pointer: 'headers/x-client-cert', detail: 'is not a URL-encoded PEM certificate' }]);
    });
  });
});

/** The new key reaches the live governance snapshot shortly after it is issued. */
async function expectEventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
