// Suites that start brokers and databases need longer than Jest's 5 s, hooks included.
const path = expect.getState().testPath ?? '';
jest.setTimeout(/[\\/]tests[\\/]kafka[\\/]/.test(path) ? 120_000 : /[\\/]tests[\\/](postgres|browser)[\\/]/.test(path) ? 60_000 : 30_000);
