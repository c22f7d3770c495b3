// Runs a TypeScript entry point with plain Node, for the benchmarks:
//   node -r ./tests/bench/register.js tests/bench/<name>.bench.ts
// Each .ts file is transpiled on load with the project's compiler options
// (no type check: `npm run typecheck` does that), and the @nix/* aliases of
// tsconfig.json resolve as in the build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const root = path.join(__dirname, '..', '..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true, declaration: false };

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const app = /^@nix\/apps\/(.+)$/.exec(request);
  const lib = /^@nix\/([a-z-]+)$/.exec(request);
  const testing = /^@nix\/([a-z-]+)\/testing$/.exec(request);
  if (app) request = path.join(root, 'apps', app[1]);
  else if (lib) request = path.join(root, 'libs', lib[1], 'src');
  else if (testing) request = path.join(root, 'libs', testing[1], 'src', 'testing');
  return resolve.call(this, request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
