import type { IncomingMessage } from 'node:http';
import { opsCallerAllowed } from './metrics-listener';

const caller = (remoteAddress: string, authorization?: string) =>
  ({ socket: { remoteAddress }, headers: authorization === undefined ? {} : { authorization } }) as unknown as IncomingMessage;

describe('opsCallerAllowed', () => {
  it('without NIX_OPS_TOKEN, answers loopback callers only', () => {
    expect(['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1'].map((a) => opsCallerAllowed(caller(a), null))).toEqual([true, true, true, true]);
    expect(['10.0.0.5', '::ffff:10.0.0.5', '192.168.1.2', ''].map((a) => opsCallerAllowed(caller(a), null))).toEqual([false, false, false, false]);
  });

  it('with NIX_OPS_TOKEN, requires the token of every caller, loopback included', () => {
    const token = 'x'.repeat(40);
    expect(opsCallerAllowed(caller('10.0.0.5', `Bearer ${token}`), token)).toBe(true);
    expect(opsCallerAllowed(caller('127.0.0.1'), token)).toBe(false);
    expect(opsCallerAllowed(caller('127.0.0.1', `Bearer ${token}y`), token)).toBe(false);
    expect(opsCallerAllowed(caller('127.0.0.1', token), token)).toBe(false);
  });
});
