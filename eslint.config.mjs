// @ts-check
// ESLint flat config: typescript-eslint with types, import cycles, and the boundaries between apps and libs
// (README, "Where things live"). tests/e2e/boundaries.e2e.ts shows that a crossing fails.
import { readdirSync } from 'node:fs';
import eslint from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Plain TypeScript libs: domain logic and adapters, no Nest modules. */
export const PLAIN_LIBS = ['domain', 'config', 'catalog', 'contracts', 'messaging', 'registries', 'ledger', 'reports', 'resilience', 'observability', 'governance', 'notifications'];
/** Nest libs: the roles and what they share. */
export const NEST_LIBS = ['platform', 'broker', 'adapter-host', 'recorder', 'runtime'];
const dirsIn = (dir) => readdirSync(new URL(dir, import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
export const APPS = dirsIn('./apps/');
// A new lib must be put on one side: lint refuses to run until it is.
const unclassified = dirsIn('./libs/').filter((lib) => !PLAIN_LIBS.includes(lib) && !NEST_LIBS.includes(lib));
if (unclassified.length > 0) {
  throw new Error(`eslint.config.mjs: add ${unclassified.map((lib) => `libs/${lib}`).join(', ')} to PLAIN_LIBS or NEST_LIBS`);
}

const NO_APPS = {
  group: ['@nix/apps', '@nix/apps/*', '**/apps/**'],
  message: 'Apps only host: nothing imports an app. Shared code lives in a lib (README, "Where things live").',
};
const NO_TESTING_IN_PRODUCTION = {
  group: ['@nix/*/testing', '**/testing', '**/testing/**'],
  message: 'Testing exports are for specs and tests only.',
};
const NO_FRAMEWORKS = {
  group: ['@nestjs/*', 'kafkajs', 'pg', '@electric-sql/pglite', 'fastify'],
  message: 'The domain is plain TypeScript: no Nest, Kafka or SQL. Put the side effect behind a port.',
};

// import-x's TypeScript settings (parsers, extensions), with the resolver of the current API instead of the legacy one.
const { 'import-x/resolver': _legacyResolver, ...IMPORT_X_TYPESCRIPT } = importX.flatConfigs.typescript.settings ?? {};

/**
 * no-restricted-imports replaces its options per file rather than merging them, so each area gets its whole list:
 * one entry for its files, then one for its specs and testing entries, which may use testing exports.
 */
function importBoundaries(area, ...patterns) {
  const tests = [`${area}/**/*.spec.ts`, `${area}/src/testing/**/*.ts`];
  return [
    { files: [`${area}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns: [NO_TESTING_IN_PRODUCTION, ...patterns] }] } },
    { files: tests, rules: { 'no-restricted-imports': ['error', { patterns }] } },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'tests/artifacts/**', 'deploy/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    plugins: { 'import-x': importX },
    settings: {
      ...IMPORT_X_TYPESCRIPT,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // Type-aware rules that catch real bugs: a promise nobody awaits or catches, a promise where a boolean or a
      // void callback is expected, an await of something that is not a promise.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      // Boundaries on resolved paths, so an alias or a relative path cannot get round them.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...APPS.map((app) => ({
              target: `./apps/${app}`,
              from: './apps',
              except: [`./${app}`],
              message: 'No app imports another app: shared code lives in a lib.',
            })),
            { target: ['./libs', './tests'], from: './apps', message: 'Libs and tests never import an app.' },
            {
              target: PLAIN_LIBS.map((lib) => `./libs/${lib}`),
              from: NEST_LIBS.map((lib) => `./libs/${lib}`),
              message: 'A plain lib never imports a Nest lib.',
            },
          ],
        },
      ],
    },
  },
  ...importBoundaries('apps/*', NO_APPS),
  { files: ['tests/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [NO_APPS] }] } },
  // An example is what a custodian copies: it stands on kafkajs and the published contract alone.
  {
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nix/*', '**/libs/**', '**/apps/**', '**/tests/**'], message: "An example uses only its own files, kafkajs and NIX's published contract, never NIX's code." }] },
      ],
    },
  },
  ...NEST_LIBS.flatMap((lib) => importBoundaries(`libs/${lib}`, NO_APPS)),
  ...PLAIN_LIBS.flatMap((lib) =>
    importBoundaries(`libs/${lib}`, NO_APPS, ...(lib === 'domain' ? [NO_FRAMEWORKS] : [])),
  ),
  // Tests read JSON bodies and poke at internals: any is allowed there, never in production code.
  { files: ['**/*.spec.ts', 'tests/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Plain JavaScript: the PGlite worker and the bench loader run in Node, the dashboard and the status page in a browser.
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['libs/broker/src/dashboard/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, Chart: 'readonly' } },
  },
  {
    files: ['libs/broker/src/status/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
);
