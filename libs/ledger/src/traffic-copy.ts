import type { TrafficRecord } from '@nix/domain';

/**
 * A batch of traffic records in PostgreSQL's binary COPY format, for
 * `COPY traffic_record (…) FROM … WITH (FORMAT binary)`: every value already
 * in the form the server keeps (instants as microseconds since 2000, reals as
 * float4, a UUID as its 16 bytes), so the store parses nothing. Encoded once on
 * the main thread into one ArrayBuffer, which is handed to the embedded
 * store's worker without a copy (a transfer, not a structured clone).
 */

type Kind = 'uuid' | 'time' | 'text' | 'int2' | 'int8' | 'float4';

/** The columns of traffic_record a batch writes, in order, the field of the record each holds, and its kind. */
export const TRAFFIC_COLUMNS: readonly { column: string; kind: Kind; value: (r: TrafficRecord) => unknown }[] = [
  { column: 'exchange_id', kind: 'uuid', value: (r) => r.exchangeId },
  { column: 'received_at', kind: 'time', value: (r) => r.receivedAt },
  { column: 'dispatched_at', kind: 'time', value: (r) => r.dispatchedAt },
  { column: 'adapter_received_at', kind: 'time', value: (r) => r.adapterReceivedAt },
  { column: 'adapter_replied_at', kind: 'time', value: (r) => r.adapterRepliedAt },
  { column: 'responded_at', kind: 'time', value: (r) => r.respondedAt },
  { column: 'consumer', kind: 'text', value: (r) => r.consumer },
  { column: 'registry', kind: 'text', value: (r) => r.registry },
  { column: 'custodian', kind: 'text', value: (r) => r.custodian },
  { column: 'service', kind: 'text', value: (r) => r.service },
  { column: 'service_version', kind: 'text', value: (r) => r.serviceVersion },
  { column: 'purpose', kind: 'text', value: (r) => r.purpose },
  { column: 'agreement', kind: 'text', value: (r) => r.agreement },
  { column: 'tracking_digest', kind: 'text', value: (r) => r.trackingDigest },
  { column: 'receipt_digest', kind: 'text', value: (r) => r.receiptDigest ?? null },
  { column: 'outcome', kind: 'text', value: (r) => r.outcome },
  { column: 'http_status', kind: 'int2', value: (r) => r.httpStatus },
  { column: 'problem_type', kind: 'text', value: (r) => r.problemType },
  { column: 'request_bytes', kind: 'int8', value: (r) => r.requestBytes },
  { column: 'response_bytes', kind: 'int8', value: (r) => r.responseBytes },
  { column: 'total_ms', kind: 'float4', value: (r) => Math.max(0, r.respondedAt - r.receivedAt) },
  { column: 'broker_ms', kind: 'float4', value: (r) => r.brokerMs },
  { column: 'transport_ms', kind: 'float4', value: (r) => r.transportMs },
  { column: 'adapter_ms', kind: 'float4', value: (r) => r.adapterMs },
  { column: 'registry_ms', kind: 'float4', value: (r) => r.registryMs },
  { column: 'broker_instance', kind: 'text', value: (r) => r.brokerInstance },
  { column: 'adapter_instance', kind: 'text', value: (r) => r.adapterInstance },
  { column: 'ledger_seq', kind: 'int8', value: (r) => r.ledgerSeq ?? null },
  { column: 'ledger_prev', kind: 'text', value: (r) => r.ledgerPrev ?? null },
  { column: 'ledger_hash', kind: 'text', value: (r) => r.ledgerHash ?? null },
];

/** The statement that loads an encoded batch; the embedded store reads the bytes as the file /dev/blob. */
export const TRAFFIC_COPY_SQL = `COPY traffic_record (${TRAFFIC_COLUMNS.map((c) => c.column).join(', ')}) FROM '/dev/blob' WITH (FORMAT binary)`;

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
/** Seconds from the Unix epoch to PostgreSQL's (2000-01-01). */
const POSTGRES_EPOCH_S = 946_684_800;
const TWO_32 = 4_294_967_296;
const HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** float4 bounds that PostgreSQL's float4 input accepts (it refuses overflow and underflow to 0). */
const FLOAT4_MAX = 3.4028234663852886e38;

/** A value the binary form cannot carry as the SQL path would: the batch takes that path instead, which refuses it properly. */
class NotEncodable extends Error {}

/** Round half to even, as C's rint in PostgreSQL's to_timestamp. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Epoch milliseconds as PostgreSQL stores `to_timestamp(ms / 1000.0)`: the
 * same floating-point steps (float8_timestamptz), so both paths store the
 * same microsecond.
 */
export function postgresMicros(epochMs: number): number {
  let seconds = epochMs / 1000;
  seconds -= POSTGRES_EPOCH_S;
  return rint(seconds * 1_000_000);
}

class Writer {
  buffer: Buffer;
  view: DataView;
  offset = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafeSlow(size);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  room(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  int16(v: number): void {
    this.view.setInt16(this.offset, v);
    this.offset += 2;
  }

  int32(v: number): void {
    this.view.setInt32(this.offset, v);
    this.offset += 4;
  }

  /** A whole number within ±2^53 as a big-endian int64. */
  int64(v: number): void {
    const high = Math.floor(v / TWO_32);
    this.view.setInt32(this.offset, high);
    this.view.setUint32(this.offset + 4, v - high * TWO_32);
    this.offset += 8;
  }
}

function encodeValue(w: Writer, kind: Kind, value: unknown): void {
  if (value === null || value === undefined) {
    w.room(4);
    w.int32(-1);
    return;
  }
  switch (kind) {
    case 'text': {
      if (typeof value !== 'string') throw new NotEncodable();
      w.room(4 + value.length * 3);
      const length = w.buffer.write(value, w.offset + 4, 'utf8');
      w.int32(length);
      w.offset += length;
      return;
    }
    case 'uuid': {
      if (typeof value !== 'string' || !HEX.test(value)) throw new NotEncodable();
      w.room(20);
      w.int32(16);
      for (const [from, to] of [[0, 8], [9, 13], [14, 18], [19, 23], [24, 36]]) w.offset += w.buffer.write(value.slice(from, to), w.offset, 'hex');
      return;
    }
    case 'time': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new NotEncodable();
      const micros = postgresMicros(value);
      if (!Number.isSafeInteger(micros)) throw new NotEncodable();
      w.room(12);
      w.int32(8);
      w.int64(micros);
      return;
    }
    case 'int2': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -32768 || value > 32767) throw new NotEncodable();
      w.room(6);
      w.int32(2);
      w.int16(value);
      return;
    }
    case 'int8': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new NotEncodable();
      w.room(12);
      w.int32(8);
      w.int64(value);
      return;
    }
    case 'float4': {
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > FLOAT4_MAX) throw new NotEncodable();
      const single = Math.fround(value);
      if (!Number.isFinite(single) || (single === 0 && value !== 0)) throw new NotEncodable();
      w.room(8);
      w.int32(4);
      w.view.setFloat32(w.offset, single);
      w.offset += 4;
      return;
    }
  }
}

/**
 * The batch in binary COPY form, or null when a value cannot be carried as the
 * SQL statement would store it (not a number, out of its column's range, not
 * a UUID): that batch goes through the statement, which stores or refuses it.
 */
export function encodeTrafficCopy(records: readonly TrafficRecord[]): Uint8Array | null {
  const w = new Writer(19 + records.length * 480 + 2);
  for (const byte of SIGNATURE) w.buffer[w.offset++] = byte;
  w.int32(0);
  w.int32(0);
  try {
    for (const record of records) {
      w.room(2);
      w.int16(TRAFFIC_COLUMNS.length);
      for (const c of TRAFFIC_COLUMNS) encodeValue(w, c.kind, c.value(record));
    }
  } catch (error) {
    if (error instanceof NotEncodable) return null;
    throw error;
  }
  w.room(2);
  w.int16(-1);
  return new Uint8Array(w.buffer.buffer, w.buffer.byteOffset, w.offset);
}
