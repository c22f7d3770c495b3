import { governanceDoneWhen } from '../support/governance-done-when';
import { startTestApp, type TestApp } from '../support/test-app';

describe("issue 11's done-when sequence over HTTP against one running process", () => {
  let nix: TestApp;

  beforeAll(async () => {
    nix = await startTestApp();
  });
  afterAll(async () => {
    await nix.close();
  });

  it('onboards, refuses, requests, consents, approves, answers exactly the agreed items, revokes and audits, with no restart; each change applies at once', async () => {
    // In one process a change applies before its API call answers: the check runs once, without waiting.
    await governanceDoneWhen(nix, nix, async (check) => expect(await check()).toBe(true));
  });
});
