import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export const RESULTS_FILE = join(__dirname, 'results.json');

/** Where and when a benchmark ran: the figures mean nothing without it. */
export function runContext(): Record<string, unknown> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: join(__dirname, '..', '..') }).trim();
  } catch {
    // Not a git checkout.
  }
  return {
    measuredAt: new Date().toISOString(),
    commit,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  };
}

/** Read-modify-write of one key of tests/bench/results.json, leaving the other benchmarks' keys alone. */
export function writeResults(entries: Record<string, unknown>): void {
  const current = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...current, ...entries }, null, 2)}\n`);
}
