import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures';

/** Newest modification time of the files the build reads. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Runs `npm run build` unless dist/ is newer than every source file: the
 * process tests run what `npm run start:*` runs (node dist/…).
 */
export function ensureBuilt(): void {
  const marker = join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', 'main.js');
  let built = 0;
  try {
    built = statSync(marker).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(
    newestSource(join(REPO_ROOT, 'apps')),
    newestSource(join(REPO_ROOT, 'libs')),
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(REPO_ROOT, f)).mtimeMs),
  );
  if (built > sources) return;
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
