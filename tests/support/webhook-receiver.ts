import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the test's webhook received. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An agency's webhook served by a test on loopback: it keeps every call, and answers the next queued status (else `status`). */
export interface WebhookReceiver {
  url: string;
  readonly received: ReceivedWebhook[];
  /** Statuses to answer next, in order (e.g. a first 503 to prove the retry). */
  readonly answers: number[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(path: string, status = 204): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: number[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = answers.shift() ?? status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
