import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

/**
 * Parses the first final HTTP/1.1 response in a byte stream (Content-Length
 * or chunked), skipping interim 1xx ones; null when incomplete. An answer to
 * HEAD has no body whatever its Content-Length says.
 */
export function parseResponse(data: Buffer, head = false): { response: RawResponse; rest: Buffer } | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  let body: Buffer;
  let rest: Buffer;
  const start = end + 4;
  if (status >= 100 && status < 200) return parseResponse(data.subarray(start), head);
  if (head) {
    body = Buffer.alloc(0);
    rest = data.subarray(start);
  } else if (headers['transfer-encoding']?.includes('chunked')) {
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = data.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
      if (data.length < lineEnd + 2 + size + 2) return null;
      if (size === 0) {
        rest = data.subarray(lineEnd + 4);
        break;
      }
      chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(chunks);
  } else {
    const length = Number(headers['content-length'] ?? 0);
    if (data.length < start + length) return null;
    body = data.subarray(start, start + length);
    rest = data.subarray(start + length);
  }
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { response: { status, headers, text, json }, rest };
}

/**
 * Sends bytes as they are over a fresh TCP connection: for requests that undici
 * will not send (absolute-form targets, odd methods, malformed headers, bad
 * escapes). Resolves with the first response, or null if the server closed
 * the connection without one.
 */
export function rawRequest(baseUrl: string, bytes: string | Buffer, timeoutMs = 15_000): Promise<RawResponse | null> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const head = Buffer.from(bytes).subarray(0, 5).toString('latin1') === 'HEAD ';
    const finish = (value: RawResponse | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseResponse(data, head);
      if (parsed) finish(parsed.response);
    });
    socket.on('error', () => finish(parseResponse(data, head)?.response ?? null));
    socket.on('close', () => finish(parseResponse(data, head)?.response ?? null));
    // The server may answer, and close, before it has read everything (431, 413): that is not a failure here.
    socket.write(bytes, () => undefined);
  });
}

/** A request as bytes: the request line, the headers given (in order) and the body. */
export function httpRequest(method: string, target: string, headers: Record<string, string> = {}, body?: string | Buffer): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: localhost', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), Buffer.from(body ?? '')]);
}
