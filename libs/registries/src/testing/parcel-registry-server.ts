import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A cadastre parcel as the fake registry's own API gives it (its field names, not NIX's). */
export interface ParcelApiRecord {
  parcel_no: string;
  area_m2: number;
  land_use: string | null;
  county: string;
}

/** One request the fake registry received, as it arrived. */
export interface ReceivedRequest {
  method: string;
  /** The raw request target, before any decoding. */
  target: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client's port: one port for several requests means one kept-alive connection. */
  remotePort: number | undefined;
}

/**
 * A registry NIX has no code for, behind its own HTTP API: `GET /parcels/{parcel_no}` and
 * `POST /parcels/search` with `{"parcel_no": …}`. Parcel `P-403` answers 403, `P-500` 500, `P-TEXT` HTML, `P-SLOW` after 2 s,
 * an unknown parcel 404. It keeps every request it received, for tests of what a binding sends.
 */
export class ParcelRegistryServer {
  readonly received: ReceivedRequest[] = [];
  private server: Server | undefined;
  private readonly parcels = new Map<string, ParcelApiRecord>();

  constructor(parcels: readonly ParcelApiRecord[] = PARCELS) {
    for (const parcel of parcels) this.parcels.set(parcel.parcel_no, parcel);
  }

  async listen(host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = req.url ?? '/';
    this.received.push({ method: req.method ?? '', target, headers: req.headers, body, remotePort: req.socket.remotePort });
    const path = target.split('?')[0].split('/');
    let parcelNo: string | undefined;
    if (req.method === 'GET' && path.length === 3 && path[1] === 'parcels') parcelNo = decodeURIComponent(path[2]);
    else if (req.method === 'POST' && target === '/parcels/search') parcelNo = (JSON.parse(body) as { parcel_no?: string }).parcel_no;
    if (parcelNo === 'P-SLOW') await new Promise((resolve) => setTimeout(resolve, 2000).unref());
    if (parcelNo === 'P-403') return send(res, 403, 'application/json', '{"error":"forbidden"}');
    if (parcelNo === 'P-500') return send(res, 500, 'application/json', '{"error":"database down"}');
    if (parcelNo === 'P-TEXT') return send(res, 200, 'text/html', '<html><body>maintenance</body></html>');
    const parcel = parcelNo === undefined ? undefined : this.parcels.get(parcelNo);
    if (!parcel) return send(res, 404, 'application/json', '{"error":"no such parcel"}');
    send(res, 200, 'application/json', JSON.stringify(parcel));
  }
}

function send(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export const PARCELS: readonly ParcelApiRecord[] = [
  { parcel_no: 'P-17', area_m2: 250.5, land_use: 'residential', county: 'Shemiranat' },
  { parcel_no: 'P-18', area_m2: 12000, land_use: null, county: 'Karaj' },
  { parcel_no: 'A/7 ?&#%', area_m2: 90, land_use: 'commercial', county: 'Rey' },
  { parcel_no: 'P-SLOW', area_m2: 1, land_use: null, county: 'Rey' },
];

/** The request schema of a published cadastre/parcel service. */
export const PARCEL_REQUEST_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['parcelId'],
  properties: { parcelId: { type: 'string', minLength: 1, maxLength: 40 } },
  examples: [{ parcelId: 'P-17' }, { parcelId: 'P-18' }],
};

/** The response schema of a published cadastre/parcel service: NIX's names. */
export const PARCEL_RESPONSE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['parcelId', 'areaSquareMetres'],
  properties: {
    parcelId: { type: 'string', minLength: 1 },
    areaSquareMetres: { type: 'number', minimum: 0 },
    landUse: { type: ['string', 'null'] },
    areaHectares: { type: 'number', minimum: 0 },
  },
  examples: [{ parcelId: 'P-17', areaSquareMetres: 250.5, landUse: 'residential' }],
};
