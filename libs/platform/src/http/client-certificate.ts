import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyRequest } from 'fastify';
import type { TrustedProxies } from '@nix/config';
import { ProblemError, type PresentedCertificate } from '@nix/domain';

/** The header a TLS-terminating proxy puts the client's certificate in: URL-encoded PEM (nginx's $ssl_client_escaped_cert). */
export const CLIENT_CERT_HEADER = 'x-client-cert';

/**
 * The caller's client certificate, or undefined without one: the one presented on this TLS connection (its chain
 * verified against NIX_TLS_CLIENT_CA by Node, or not: an agency's own CA need not be there, and the handshake proved
 * the caller holds its key either way), else the X-Client-Cert header when the connection comes from a trusted proxy
 * (NIX_TRUST_PROXY). From anyone else the header is ignored.
 */
export class ClientCertificates {
  private readonly trusted: ((address: string, hop: number) => boolean) | null;

  constructor(trustProxy: TrustedProxies) {
    this.trusted = trustProxy === false ? null : trustProxy === true ? () => true : proxyAddr.compile(trustProxy);
  }

  presentedBy(request: FastifyRequest): PresentedCertificate | undefined {
    const socket = request.raw.socket as Partial<TLSSocket>;
    if (socket.encrypted && typeof socket.getPeerCertificate === 'function') {
      const peer = socket.getPeerCertificate();
      if (peer?.fingerprint256 && peer.raw) {
        const raw = peer.raw;
        return { fingerprint: normalised(peer.fingerprint256), chainVerified: socket.authorized === true, certificate: () => new X509Certificate(raw) };
      }
    }
    const header = request.headers[CLIENT_CERT_HEADER];
    const remote = request.raw.socket.remoteAddress;
    if (typeof header !== 'string' || header === '' || !this.trusted || !remote || !this.trusted(remote, 0)) return undefined;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(decodeURIComponent(header));
    } catch {
      throw new ProblemError('invalid-request', 'The X-Client-Cert header from the proxy is not a URL-encoded PEM certificate.', {
        errors: [{ pointer: 'headers/x-client-cert', detail: 'is not a URL-encoded PEM certificate' }],
      });
    }
    // The trusted proxy verified the chain it accepts.
    return { fingerprint: normalised(certificate.fingerprint256), chainVerified: true, certificate: () => certificate };
  }
}

const normalised = (fingerprint: string): string => fingerprint.replace(/:/g, '').toLowerCase();
