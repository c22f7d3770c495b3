/**
 * The benchmark's baseline: the same provider adapters and sample registries
 * behind a bare node:http server, with no broker in between (no key, no
 * agreement, no validation, no ledger, no transport). What the broker adds
 * is measured against this.
 *
 *   PORT=3999 node -r ./tests/bench/register.js tests/bench/baseline-server.ts
 */
import { createServer } from 'node:http';
import { buildAdapter, AdapterHost, KNOWN_REGISTRIES } from '@nix/registries';
import { ServiceCatalog } from '@nix/catalog';
import { join } from 'node:path';

const catalog = ServiceCatalog.load(join(__dirname, '..', '..', 'schemas'));
const host = new AdapterHost(
  KNOWN_REGISTRIES.map((registry) => ({ adapter: buildAdapter(registry, { kind: 'sample' }).adapter })),
  'baseline',
  { now: () => performance.timeOrigin + performance.now() },
);

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.end('ready');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    answer(req.url ?? '', chunks).then(
      ({ status, text }) => {
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
});

/** The adapters' answer to one inquiry, as the broker's HTTP API would give it. */
async function answer(url: string, chunks: Buffer[]): Promise<{ status: number; text: string }> {
  const [, , , registry, service] = url.split('/');
  const definition = catalog.get(registry, service);
  const reply = definition
    ? await host.handle({
        exchangeId: 'baseline',
        registry,
        service,
        version: definition.version,
        consumer: 'baseline',
        purpose: 'baseline',
        deadline: Date.now() + definition.timeoutMs,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      })
    : null;
  const status = reply?.status === 'ok' ? 200 : 404;
  const text = JSON.stringify(reply?.answer ?? {});
  return { status, text };
}
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 3999), '127.0.0.1', () => process.stdout.write('baseline ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
