import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node arguments `npm start` runs the embedded default with (V8 flags, then the entry point), read from
 * package.json so that the benchmarks measure what a newcomer runs, flags included.
 */
export function nixStartArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = scripts.start.split(/\s+/).filter(Boolean);
  if (command !== 'node' || !args.at(-1)?.endsWith('.js')) throw new Error(`package.json's start script is not "node [flags] entry.js": ${scripts.start}`);
  return args;
}

/** The V8 flags of `npm start`, for servers the benchmarks start beside it (the sink). */
export function nixNodeFlags(): string[] {
  return nixStartArgs().slice(0, -1);
}
