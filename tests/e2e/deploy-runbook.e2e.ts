/**
 * deploy/README.md is a runbook that holds: an entry for every alert rule (what it means, what to do), the sections
 * issue 16 asks for, and only commands, scripts, files and links that exist. A runbook missing an alert's entry,
 * or naming a script that is gone, is refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const runbook = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8');
const rules = parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8'));
const alertNames: string[] = rules.groups.flatMap((group: { rules: { alert?: string }[] }) => group.rules.map((rule) => rule.alert).filter(Boolean));
const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;

const ALERTS_HEADING = '### Alerts: what each means and what to do';

/** The body of each `#### \`Alert\`` entry under the alerts heading. */
function alertEntries(markdown: string): Map<string, string> {
  const start = markdown.indexOf(`${ALERTS_HEADING}\n`);
  if (start < 0) return new Map();
  const rest = markdown.slice(start + ALERTS_HEADING.length);
  const end = rest.search(/^#{1,3} /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const entries = new Map<string, string>();
  for (const match of section.matchAll(/^#### `(\w+)`\n([\s\S]*?)(?=^#### |(?![\s\S]))/gm)) entries.set(match[1], match[2]);
  return entries;
}

function alertFindings(alerts: string[], markdown: string): string[] {
  const entries = alertEntries(markdown);
  const findings: string[] = [];
  for (const alert of alerts) {
    const entry = entries.get(alert);
    if (!entry) findings.push(`${alert}: no runbook entry under "${ALERTS_HEADING}"`);
    else if (!/\*\*Means:\*\*/.test(entry) || !/\*\*Do:\*\*/.test(entry)) findings.push(`${alert}: its entry does not say what it means (**Means:**) and what to do (**Do:**)`);
  }
  for (const name of entries.keys()) if (!alerts.includes(name)) findings.push(`${name}: a runbook entry for an alert that is not in prometheus/alerts.yml`);
  return findings;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = match[1].toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    let unique = slug;
    for (let n = 1; anchors.has(unique); n++) unique = `${slug}-${n}`;
    anchors.add(unique);
  }
  return anchors;
}

describe('deploy/README.md, the operations runbook', () => {
  it('has an entry for every alert in prometheus/alerts.yml, saying what it means and what to do', () => {
    expect(alertNames.length).toBeGreaterThan(10);
    expect(alertFindings(alertNames, runbook)).toEqual([]);
  });

  it('refuses a rules file with an alert the runbook does not cover, and an entry that says nothing', () => {
    expect(alertFindings([...alertNames, 'NixSomethingNew'], runbook)).toEqual(['NixSomethingNew: no runbook entry under "### Alerts: what each means and what to do"']);
    const hollow = runbook.replace(/(#### `NixTargetDown`\n)[\s\S]*?(?=#### )/, '$1*critical.* Look into it.\n\n');
    expect(alertFindings(alertNames, hollow)).toEqual(['NixTargetDown: its entry does not say what it means (**Means:**) and what to do (**Do:**)']);
    expect(alertFindings(alertNames.filter((a) => a !== 'NixLedgerStalled'), runbook)).toEqual(['NixLedgerStalled: a runbook entry for an alert that is not in prometheus/alerts.yml']);
  });

  it('has the sections an operator needs (issue 16)', () => {
    const headings = [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(
      expect.arrayContaining([
        'Operations runbook',
        'First install with Docker Compose',
        'First install on Kubernetes',
        'Issuing the first working-group key',
        'Rotating keys and certificates',
        'Scaling adapters',
        'Replaying the traffic topic',
        'Restoring from backup',
        'Alerts: what each means and what to do',
      ]),
    );
    for (const key of ['receipt keys', 'ledger signing key', 'payload keys', 'tracking key', 'broker certificate', "agencies' CA"]) expect(runbook).toContain(`**${key}**`);
  });

  it('names only npm scripts, NIX scripts and repository files that exist', () => {
    const missing: string[] = [];
    for (const match of runbook.matchAll(/\bnpm run ([a-z][\w:-]*)/g)) if (!(match[1] in scripts)) missing.push(`npm run ${match[1]}`);
    for (const match of runbook.matchAll(/\bnode (dist\/apps\/[\w/-]+)\.js/g)) {
      const source = join(ROOT, match[1].replace(/^dist\//, '') + '.ts');
      if (!existsSync(source)) missing.push(match[0]);
      // The script the runbook runs in a pod is the one npm runs.
      else if (!Object.values(scripts).some((command) => command.includes(`${match[1]}.js`))) missing.push(`${match[0]} (no npm script runs it)`);
    }
    // Files of deploy/, named from the root (deploy/k8s/…) or from deploy/ (k8s/…).
    for (const match of runbook.matchAll(/(?<![\w.@/-])(?:deploy\/)?((?:k8s|prometheus|grafana|kafka)\/[\w./-]*\w)/g)) {
      if (!existsSync(join(ROOT, 'deploy', match[1]))) missing.push(match[0]);
    }
    expect(missing).toEqual([]);
  });

  it('links only to headings it has (the backup and probe sections come with issue 16 points 2 and 3)', () => {
    const anchors = anchorsOf(runbook);
    // Written by the engineers of issue 16 points 2 and 3 in this file; linked from here ahead of them.
    const pending = new Set<string>();
    const broken = [...runbook.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]).filter((anchor) => !anchors.has(anchor) && !pending.has(anchor));
    expect(broken).toEqual([]);
  });
});
