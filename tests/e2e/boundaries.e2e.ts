/**
 * The rooms of the repo hold (README, "Where things live"): lint refuses an import across a boundary, and
 * nest-cli.json, tsconfig's paths and Jest's module map are true to the apps and libs on disk.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
/** Built, so that this file does not hold the string it looks for. */
const APPS_ALIAS = ['@nix', 'apps'].join('/');

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
  severity: number;
}

interface Snippet {
  name: string;
  /** An existing file, linted with this code instead of its own (type-aware lint only reads files of the project). */
  filePath: string;
  code: string;
}

const snippets = {
  appImportsApp: {
    name: 'an app importing another app',
    filePath: 'apps/broker/src/main.ts',
    code: "import { runNix } from '../../nix/src/main';\nexport const run = runNix;\n",
  },
  appsAlias: {
    name: 'the old apps alias',
    filePath: 'apps/adapter/src/main.ts',
    code: `import { runNix } from '${APPS_ALIAS}/nix/src/run-nix';\nexport const run = runNix;\n`,
  },
  libImportsApp: {
    name: 'a lib importing an app',
    filePath: 'libs/broker/src/broker.module.ts',
    code: "import '../../../apps/nix/src/migrate';\n",
  },
  testImportsApp: {
    name: 'a test importing an app',
    filePath: 'tests/e2e/r3.e2e.ts',
    code: "import '../../apps/nix/src/migrate';\n",
  },
  plainLibImportsPlatform: {
    name: 'a plain lib importing @nix/platform',
    filePath: 'libs/reports/src/usage.ts',
    code: "import { CLOCK } from '@nix/platform';\nexport const clock = CLOCK;\n",
  },
  plainLibImportsRoleByPath: {
    name: 'a plain lib reaching into a Nest lib by a relative path',
    filePath: 'libs/ledger/src/traffic-sink.ts',
    code: "import { CLOCK } from '../../platform/src/core/tokens';\nexport const clock = CLOCK;\n",
  },
  domainImportsNest: {
    name: 'the domain importing Nest',
    filePath: 'libs/domain/src/calendar.ts',
    code: "import { Injectable } from '@nestjs/common';\nexport const decorator = Injectable;\n",
  },
  productionImportsTesting: {
    name: 'production code importing a testing export',
    filePath: 'libs/broker/src/broker.module.ts',
    code: "import { findLeaks } from '@nix/ledger/testing';\nexport const leaks = findLeaks;\n",
  },
  cycle: {
    name: 'a module importing the index that re-exports it',
    filePath: 'libs/domain/src/calendar.ts',
    code: "import { gtinProblem } from './index';\nexport const check = gtinProblem;\n",
  },
  floatingPromise: {
    name: 'a promise nobody awaits',
    filePath: 'libs/reports/src/usage.ts',
    code: 'async function work(): Promise<void> {}\nexport function start(): void {\n  work();\n}\n',
  },
  cleanRole: {
    name: 'a role lib using the platform and plain libs',
    filePath: 'libs/broker/src/broker.module.ts',
    code: "import { CLOCK } from '@nix/platform';\nimport { gtinProblem } from '@nix/domain';\nexport const used = [CLOCK, gtinProblem];\n",
  },
  cleanTest: {
    name: 'a test using a testing export and a role',
    filePath: 'tests/e2e/r3.e2e.ts',
    code: "import { findLeaks } from '@nix/ledger/testing';\nimport { createNixApp } from '@nix/runtime';\nexport const used = [findLeaks, createNixApp];\n",
  },
} satisfies Record<string, Snippet>;

type SnippetName = keyof typeof snippets;

/** Every source file under apps/, libs/ and tests/, relative to the repo. */
function sourceFiles(): string[] {
  return ['apps', 'libs', 'tests']
    .flatMap((dir) => readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file)))
    .filter((file) => /\.(ts|js|mjs|cjs|json)$/.test(file) && !file.includes('node_modules') && statSync(join(ROOT, file)).isFile());
}

function directories(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;
}

describe('lint keeps the boundaries between apps and libs', () => {
  const messages = new Map<SnippetName, LintMessage[]>();

  beforeAll(async () => {
    // One process lints them all: type-aware lint loads the whole program once.
    const names = Object.keys(snippets) as SnippetName[];
    const child = promisify(execFile)(process.execPath, [join(ROOT, 'tests/support/lint-text.js')], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 170_000,
    });
    child.child.stdin!.end(JSON.stringify(names.map((name) => snippets[name])));
    const { stdout } = await child;
    const results = JSON.parse(stdout) as LintMessage[][];
    names.forEach((name, i) => messages.set(name, results[i]));
  }, 180_000);

  const errorsOf = (name: SnippetName) => messages.get(name)!.filter((m) => m.severity === 2);

  it.each([
    ['appImportsApp', 'import-x/no-restricted-paths', 'No app imports another app'],
    ['appsAlias', 'no-restricted-imports', 'Apps only host'],
    ['libImportsApp', 'import-x/no-restricted-paths', 'Libs and tests never import an app'],
    ['testImportsApp', 'import-x/no-restricted-paths', 'Libs and tests never import an app'],
    ['plainLibImportsPlatform', 'import-x/no-restricted-paths', 'A plain lib never imports a Nest lib'],
    ['plainLibImportsRoleByPath', 'import-x/no-restricted-paths', 'A plain lib never imports a Nest lib'],
    ['domainImportsNest', 'no-restricted-imports', 'The domain is plain TypeScript'],
    ['productionImportsTesting', 'no-restricted-imports', 'Testing exports are for specs and tests only'],
    ['cycle', 'import-x/no-cycle', 'Dependency cycle'],
    ['floatingPromise', '@typescript-eslint/no-floating-promises', 'Promises must be awaited'],
  ] as const)('refuses %s with %s', (name, ruleId, says) => {
    const errors = errorsOf(name);
    expect(errors).toContainEqual(expect.objectContaining({ ruleId, message: expect.stringContaining(says) }));
    // Nothing else is wrong with the snippet: the error is the boundary's, not a parse failure.
    expect(errors.filter((m) => m.ruleId === null)).toEqual([]);
  });

  it.each(['cleanRole', 'cleanTest'] as const)('lets %s through', (name) => {
    expect(messages.get(name)).toEqual([]);
  });
});

describe('the repo map is true to the tree', () => {
  const apps = directories('apps');
  const libs = directories('libs');

  it('has no import of the apps alias anywhere in apps, libs or tests', () => {
    const hits = sourceFiles().filter((file) => readFileSync(join(ROOT, file), 'utf8').includes(APPS_ALIAS));
    expect(hits).toEqual([]);
    expect(apps).toEqual(expect.arrayContaining(['adapter', 'broker', 'nix', 'recorder']));
  });

  it('lists every app and lib in nest-cli.json, and nothing else', () => {
    interface NestProject {
      type: 'application' | 'library';
      root: string;
      sourceRoot: string;
      entryFile: string;
    }
    const { projects } = readJson<{ projects: Record<string, NestProject> }>('nest-cli.json');
    const listed = Object.values(projects);
    expect(listed.filter((p) => p.type === 'application').map((p) => p.root).sort()).toEqual(apps.map((app) => `apps/${app}`));
    expect(listed.filter((p) => p.type === 'library').map((p) => p.root).sort()).toEqual(libs.map((lib) => `libs/${lib}`));
    for (const project of listed) {
      expect(project.sourceRoot).toBe(`${project.root}/src`);
      expect(existsSync(join(ROOT, project.sourceRoot, `${project.entryFile}.ts`))).toBe(true);
    }
  });

  it('gives every lib a tsconfig path to its src, and no path to anything else', () => {
    const { compilerOptions } = readJson<{ compilerOptions: { paths: Record<string, string[]> } }>('tsconfig.json');
    const { '@nix/*/testing': testing, ...paths } = compilerOptions.paths;
    expect(paths).toEqual(Object.fromEntries(libs.map((lib) => [`@nix/${lib}`, [`libs/${lib}/src`]])));
    expect(testing).toEqual(['libs/*/src/testing']);
    for (const lib of libs) expect(existsSync(join(ROOT, 'libs', lib, 'src', 'index.ts'))).toBe(true);
  });

  it('maps the same names in Jest as in tsconfig', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the Jest config is CommonJS
    const config = require(join(ROOT, 'jest.config.js')) as { projects: { moduleNameMapper: Record<string, string> }[] };
    const mapper = Object.entries(config.projects[0].moduleNameMapper);
    const mapped = (name: string) => {
      const hit = mapper.find(([pattern]) => new RegExp(pattern).test(name));
      return hit && relative(ROOT, name.replace(new RegExp(hit[0]), hit[1].replace('<rootDir>', ROOT)));
    };
    for (const lib of libs) {
      expect(mapped(`@nix/${lib}`)).toBe(`libs/${lib}/src`);
      expect(mapped(`@nix/${lib}/testing`)).toBe(`libs/${lib}/src/testing`);
    }
  });
});
