import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addressToApi, companyToApi, goodsToApi, personToApi, vehicleToApi } from './registry-api-records';
import type { SampleRegistry } from '../sample/sample-registry';

/** How the fake registry misbehaves, for fault tests and demos. */
export type RegistryFault = { kind: 'none' } | { kind: 'stall'; ms: number } | { kind: 'error'; status: number };

/** The exchange headers of one request the fake registry received (X-NIX-Exchange-Id, X-NIX-Tracking-Code), with its collection. */
export interface ReceivedExchange {
  collection: string;
  exchangeId: string | undefined;
  trackingCode: string | undefined;
}

/**
 * The sample registries behind their own REST APIs, in the shapes the HTTP
 * backends map: a stand-in for the real registries in tests.
 */
export class SampleRegistryServer {
  fault: RegistryFault = { kind: 'none' };
  requests = 0;
  /** The exchange headers of every request, in arrival order, for tests of tracking end to end (R9). */
  readonly exchanges: ReceivedExchange[] = [];
  private server: Server | undefined;

  constructor(private readonly registry: SampleRegistry) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const header = (name: string) => (typeof req.headers[name] === 'string' ? req.headers[name] : undefined);
    this.exchanges.push({ collection: (req.url ?? '/').split(/[/?]/)[1] ?? '', exchangeId: header('x-nix-exchange-id'), trackingCode: header('x-nix-tracking-code') });
    const fault = this.fault;
    if (fault.kind === 'stall') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault.kind === 'error') return send(res, fault.status, { error: 'injected fault' });
    const url = new URL(req.url ?? '/', 'http://registry');
    const [, collection, key] = url.pathname.split('/');
    const param = (name: string) => url.searchParams.get(name) ?? '';
    let body: Record<string, unknown> | null = null;
    switch (collection) {
      case 'persons':
        body = map(await this.registry.findPerson(key), personToApi);
        break;
      case 'legal-entities':
        body = map(await this.registry.findCompany(key), companyToApi);
        break;
      case 'addresses':
        body = map(await this.registry.findAddress(key), addressToApi);
        break;
      case 'vehicles':
        body = map(await this.registry.findVehicle(url.searchParams.has('plate') ? { plate: param('plate') } : { vin: param('vin') }), vehicleToApi);
        break;
      case 'items':
        body = map(await this.registry.findGoods(key ? { iranCode: key } : { gtin: param('gtin') }), goodsToApi);
        break;
      default:
        return send(res, 404, { error: 'no such collection' });
    }
    send(res, body ? 200 : 404, body ?? { error: 'not found' });
  }
}

function map<T>(record: T | null, toApi: (record: T) => Record<string, unknown>): Record<string, unknown> | null {
  return record ? toApi(record) : null;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
