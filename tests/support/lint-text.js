// Lints snippets of code as if they were files of the repo, with the repo's ESLint config; the boundaries test runs it
// as its own process, because Jest cannot load an ES module config. stdin: [{ filePath, code }], stdout: each one's
// messages.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { ESLint } = require('eslint');

const ROOT = resolve(__dirname, '../..');

async function main() {
  const snippets = JSON.parse(readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: ROOT });
  const results = [];
  for (const { filePath, code } of snippets) {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
    results.push(result.messages.map(({ ruleId, message, line, severity }) => ({ ruleId, message, line, severity })));
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
