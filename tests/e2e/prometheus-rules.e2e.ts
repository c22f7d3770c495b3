import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/fixtures';

const PROMETHEUS = join(REPO_ROOT, 'deploy', 'prometheus');
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!promtool) {
  const message = 'promtool is not installed (Debian: apt-get install prometheus): the alert rules are not evaluated';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
}
const maybe = promtool ? describe : describe.skip;

/**
 * The alert rules evaluated by Prometheus' own promtool (Debian's prometheus package; .ci/run installs it): the rules
 * file checks, and the fixtures in deploy/prometheus/tests say which alerts fire when, with which labels and text.
 */
maybe('alert rules evaluated by promtool', () => {
  it('checks deploy/prometheus/alerts.yml', () => {
    expect(execFileSync('promtool', ['check', 'rules', 'alerts.yml'], { cwd: PROMETHEUS, encoding: 'utf8' })).toMatch(/SUCCESS: \d+ rules found/);
  });

  it.each(['probes', 'notifications'])('fires the %s alerts exactly as the fixtures say (deploy/prometheus/tests)', (name) => {
    const result = spawnSync('promtool', ['test', 'rules', `tests/${name}.test.yml`], { cwd: PROMETHEUS, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toMatch(/SUCCESS/);
    expect(result.status).toBe(0);
  });

  it('has a fixture for every probe alert, and one that checks it does not fire early', () => {
    const rules = (parse(readFileSync(join(PROMETHEUS, 'alerts.yml'), 'utf8')).groups as { name: string; rules: { alert: string }[] }[]).find((g) => g.name === 'nix-probes')!.rules;
    const tests = parse(readFileSync(join(PROMETHEUS, 'tests', 'probes.test.yml'), 'utf8')).tests as { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    const checks = tests.flatMap((t) => t.alert_rule_test);
    for (const { alert } of rules) {
      expect([alert, checks.some((c) => c.alertname === alert && c.exp_alerts.length > 0)]).toEqual([alert, true]);
    }
    expect(rules.filter(({ alert }) => checks.some((c) => c.alertname === alert && c.exp_alerts.length === 0)).length).toBeGreaterThanOrEqual(3);
  });

  it('fails a fixture that expects the wrong alert (the test can fail)', () => {
    const fixture = readFileSync(join(PROMETHEUS, 'tests', 'probes.test.yml'), 'utf8').replace('../alerts.yml', join(PROMETHEUS, 'alerts.yml'));
    const wrong = fixture.replace('exp_labels: { severity: critical, registry: goods, service: goods }', 'exp_labels: { severity: critical, registry: identity, service: person }');
    expect(wrong).not.toBe(fixture);
    const file = join(mkdtempSync(join(tmpdir(), 'nix-rules-')), 'wrong.test.yml');
    writeFileSync(file, wrong);
    const result = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toMatch(/FAILED/);
    expect(result.status).not.toBe(0);
  });
});
