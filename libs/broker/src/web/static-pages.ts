import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyReply } from 'fastify';
import { ProblemError } from '@nix/domain';

interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The pages fetch everything from the broker itself and hold no inline script;
 * Chart.js sets canvas sizes through style attributes.
 */
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * A page's static files (HTML, JS, CSS), read once from a folder and served
 * with a strict content security policy. The page itself is index.html; its
 * other files are served as assets by name, and nothing else is.
 */
export class StaticPages {
  private readonly assets = new Map<string, Asset>();

  /** @param extra files from elsewhere (a package's browser build), by the name they are served under */
  constructor(
    private readonly name: string,
    dir: string,
    extra: Record<string, string> = {},
  ) {
    for (const file of readdirSync(dir)) {
      const type = TYPES[extname(file)];
      if (type) this.assets.set(file, { body: readFileSync(join(dir, file)), type });
    }
    for (const [file, path] of Object.entries(extra)) this.assets.set(file, { body: readFileSync(path), type: TYPES[extname(file)] });
  }

  page(reply: FastifyReply): Buffer {
    return this.send(reply, 'index.html');
  }

  asset(reply: FastifyReply, file: string): Buffer {
    if (file === 'index.html' || !this.assets.has(file)) throw new ProblemError('not-found', `The ${this.name} has no file "${file.slice(0, 64)}".`);
    return this.send(reply, file);
  }

  private send(reply: FastifyReply, file: string): Buffer {
    const asset = this.assets.get(file)!;
    reply
      .header('content-type', asset.type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', PAGE_POLICY);
    return asset.body;
  }
}
