import type { WritePacket } from '@nestjs/microservices';
import { requestOnce } from './inquiry-dispatcher';
import { DeadlineExceededError, TransportUnavailableError } from './transport-errors';

const connected = () => Promise.resolve();

describe('requestOnce (the dispatch path without rxjs)', () => {
  it('answers the first reply, and ignores what comes after it', async () => {
    const reply = await requestOnce<string>(connected, (_packet, callback) => {
      callback({ response: 'first', isDisposed: true });
      callback({ response: 'second', isDisposed: true });
      return () => undefined;
    }, 'identity.person.v1', {}, 1000);
    expect(reply).toBe('first');
  });

  it('fails with the error the transport gives, even when it gives it at once', async () => {
    const failing = (_packet: unknown, callback: (packet: WritePacket) => void) => {
      callback({ err: new TransportUnavailableError('no adapter'), isDisposed: true });
      return () => undefined;
    };
    await expect(requestOnce(connected, failing, 'identity.person.v1', {}, 1000)).rejects.toThrow(TransportUnavailableError);
  });

  it('fails with DeadlineExceededError past the wait, and tells the transport that nobody waits any more', async () => {
    let disposed = false;
    const silent = () => () => {
      disposed = true;
    };
    await expect(requestOnce(connected, silent, 'identity.person.v1', {}, 20)).rejects.toThrow(DeadlineExceededError);
    expect(disposed).toBe(true);
  });

  it('fails as connect fails, without publishing', async () => {
    let published = false;
    const publish = () => {
      published = true;
      return () => undefined;
    };
    await expect(requestOnce(() => Promise.reject(new TransportUnavailableError('not connected')), publish, 'x', {}, 1000)).rejects.toThrow('not connected');
    expect(published).toBe(false);
  });
});
