import { TrafficRepository } from '@nix/ledger';
import { findDatabaseLeaks, findLeaks } from '@nix/ledger/testing';
import { sendIdentifierTraffic } from '../support/r3-traffic';
import { startTestApp, type TestApp } from '../support/test-app';

describe('R3: the broker keeps no content (embedded default)', () => {
  let nix: TestApp;

  beforeAll(async () => {
    nix = await startTestApp({ NIX_LOG_LEVEL: 'debug', NIX_LOG_EXCHANGES: 'true' });
  });
  afterAll(() => nix.close());

  it('holds none of the identifiers that inquiries carried, in any table or log line', async () => {
    const needles = await sendIdentifierTraffic(nix);
    await nix.flushLedger();
    const repository = nix.app.get(TrafficRepository);
    expect(await repository.count()).toBeGreaterThanOrEqual(15);
    expect(await findDatabaseLeaks(repository.sql, needles)).toEqual([]);
    expect(nix.logLines.length).toBeGreaterThan(15);
    expect(findLeaks(nix.logLines.map((text, i) => ({ source: `log line ${i}`, text })), needles)).toEqual([]);
  });
});
