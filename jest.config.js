// @ts-check

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // Transpile only (the type check is its own step of npm test), which keeps the suites fast.
  transform: { '^.+\\.(ts|js)$': ['ts-jest', { isolatedModules: true, tsconfig: { allowJs: true } }] },
  // Node 20 can require() these ESM-only packages, Jest cannot: compile them.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|jose)/)'],
  moduleNameMapper: {
    '^@nix/([a-z-]+)$': '<rootDir>/libs/$1/src',
    // Testing exports (a lib's src/testing), for specs and tests only.
    '^@nix/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing',
  },
  setupFilesAfterEnv: ['<rootDir>/tests/support/jest-timeouts.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: [['default', { summaryThreshold: 0 }]],
  // Every suite's temporary files under one directory per run, removed at its end (tests/support/tmp-setup.ts).
  globalSetup: '<rootDir>/tests/support/tmp-setup.ts',
  globalTeardown: '<rootDir>/tests/support/tmp-teardown.ts',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.e2e.ts'] },
    {
      ...base,
      displayName: 'postgres',
      testMatch: ['<rootDir>/tests/postgres/**/*.e2e.ts'],
      globalSetup: '<rootDir>/tests/support/postgres-setup.ts',
      globalTeardown: '<rootDir>/tests/support/postgres-teardown.ts',
    },
    {
      ...base,
      displayName: 'kafka',
      testMatch: ['<rootDir>/tests/kafka/**/*.e2e.ts'],
      globalSetup: '<rootDir>/tests/support/kafka-setup.ts',
      globalTeardown: '<rootDir>/tests/support/kafka-teardown.ts',
    },
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.e2e.ts'] },
  ],
};
