import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PKI made with openssl at run time: CAs, and certificates each CA issues. */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'nix-pki-'));

  private run(...args: string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  /** A self-signed CA certificate (basicConstraints CA:TRUE), valid two days. */
  ca(name: string, subject: string): this {
    this.run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject);
    return this;
  }

  /** A certificate `by` issues, with its extensions (e.g. "extendedKeyUsage=clientAuth"), valid two days. */
  issue(name: string, subject: string, by: string, extensions = 'extendedKeyUsage=clientAuth'): this {
    this.run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(this.dir, `${name}.ext`), `${extensions}\n`);
    this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.pem`, '-CAkey', `${by}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
    return this;
  }

  file(name: string): string {
    return join(this.dir, name);
  }

  pem(name: string): string {
    return readFileSync(this.file(`${name}.pem`), 'utf8');
  }

  /** The SHA-256 fingerprint as openssl prints it (colon-separated upper-case hex). */
  fingerprint(name: string): string {
    return String(this.run('x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha256')).trim().split('=')[1];
  }
}
