import { randomUUID } from 'node:crypto';
import type { TrafficRecord } from '@nix/domain';
import { GovernanceRepository, type GovernanceActor } from '@nix/governance';
import { TrafficRepository } from '@nix/ledger';
import { agencyYaml, contractsWith, sha256 } from './fixtures';
import type { TestApp, TestResponse } from './test-app';

/**
 * A scripted mix of traffic for the reports: two consumer agencies with
 * several outcomes, unauthenticated callers, an agency that holds an
 * agreement and sends nothing, a registry whose adapter is not running, and
 * yesterday's traffic written straight into the ledger.
 */
export const KEYS = {
  alpha: 'Bearer alpha-key-0123456789',
  beta: 'Bearer beta-key-0123456789',
  idle: 'Bearer idle-key-0123456789',
  civilRegistration: 'Bearer civil-registration-key-0123456789',
  workingGroup: 'Bearer demo-wg-key',
};

const DAY_MS = 24 * 3600_000;

/** YYYY-MM-DD in Tehran, days from now. */
export function tehranDate(offsetDays = 0, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date(now + offsetDays * DAY_MS));
}

/** The Solar Hijri year and season of a moment, read through Intl's Persian calendar. */
export function jalaliSeason(epochMs: number): string {
  const parts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'Asia/Tehran', year: 'numeric', month: 'numeric' }).formatToParts(new Date(epochMs));
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = Number(parts.find((p) => p.type === 'month')!.value);
  return `${year}-Q${Math.ceil(month / 3)}`;
}

function agreements(consumer: string, lines: { id: string; registry: string; service: string; item: string; quota: number; until?: string; resolution?: string }[]): string {
  return `consumer: ${consumer}\nagreements:\n${lines
    .map(
      (a) =>
        `  - id: ${a.id}\n    registry: ${a.registry}\n    service: ${a.service}\n    dataItems: [${a.item}]\n    purposes: [audit]\n    validFrom: 2020-01-01\n    validUntil: ${a.until ?? '2099-12-31'}\n    dailyQuota: ${a.quota}\n` +
        (a.resolution ? `    resolution: "${a.resolution}"\n` : ''),
    )
    .join('')}`;
}

/**
 * The working group's resolutions the reports must show: one imported from the contracts YAML, and the ones that
 * suspend and revoke an agreement in the store after the traffic was sent (see decideAgreements).
 */
export const RESOLUTIONS = {
  alphaPerson: 'IWG-1405-07: <alpha> may read first names for audits',
  alphaCompanySuspended: 'IWG-1405-19: alpha-company suspended pending an audit',
  betaAddressRevoked: 'IWG-1405-23: beta-address revoked',
};

/** The demo working group, as the governance store sees it acting. */
export const DEMO_WORKING_GROUP: GovernanceActor = { agencyId: 'demo-working-group', roles: ['working-group'] };

/** The environment of an app that serves the scripted traffic: its contracts, and no goods adapter. */
export function reportTrafficEnv(): Record<string, string> {
  const contracts = contractsWith({
    'agencies/test-alpha.yaml': agencyYaml('test-alpha', 'alpha-key-0123456789'),
    'agencies/test-beta.yaml': agencyYaml('test-beta', 'beta-key-0123456789'),
    'agencies/test-idle.yaml': agencyYaml('test-idle', 'idle-key-0123456789'),
    'agencies/civil-registration.yaml': `id: civil-registration\nname:\n  fa: سازمان ثبت احوال کشور\n  en: National Organization for Civil Registration\nroles: [provider]\napiKeys:\n  - id: civil-registration-key\n    sha256: ${sha256('civil-registration-key-0123456789')}\n`,
    'agreements/test-alpha.yaml': agreements('test-alpha', [
      { id: 'alpha-person', registry: 'identity', service: 'person', item: 'firstName', quota: 1000, resolution: RESOLUTIONS.alphaPerson },
      { id: 'alpha-company', registry: 'legal-entity', service: 'company', item: 'name', quota: 1000 },
      { id: 'alpha-goods', registry: 'goods', service: 'goods', item: 'description', quota: 1000 },
    ]),
    'agreements/test-beta.yaml': agreements('test-beta', [
      { id: 'beta-person', registry: 'identity', service: 'person', item: 'firstName', quota: 2 },
      { id: 'beta-address', registry: 'address', service: 'postal-code', item: 'city', quota: 100 },
    ]),
    'agreements/test-idle.yaml': agreements('test-idle', [{ id: 'idle-vehicle', registry: 'vehicle', service: 'vehicle', item: 'status', quota: 100, until: tehranDate(10) }]),
  });
  // The goods adapter is not run, so goods inquiries fail on the provider side.
  return { NIX_CONTRACTS_DIR: contracts, NIX_ADAPTER_REGISTRIES: 'identity,legal-entity,address,vehicle' };
}

const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };

interface Step {
  key: string | null;
  registry: string;
  service: string;
  body: unknown;
  times: number;
  /** What the broker must answer, and how the ledger must count it. */
  status: number;
  consumer: string;
  outcome: string;
}

const STEPS: Step[] = [
  { key: KEYS.alpha, registry: 'identity', service: 'person', body: PERSON, times: 3, status: 200, consumer: 'test-alpha', outcome: 'ok' },
  { key: KEYS.alpha, registry: 'identity', service: 'person', body: { nationalId: '1' }, times: 2, status: 400, consumer: 'test-alpha', outcome: 'invalid' },
  { key: KEYS.alpha, registry: 'legal-entity', service: 'company', body: { nationalId: '10100841346' }, times: 2, status: 404, consumer: 'test-alpha', outcome: 'not-found' },
  { key: KEYS.alpha, registry: 'goods', service: 'goods', body: { gtin: '6260100001237' }, times: 12, status: 503, consumer: 'test-alpha', outcome: 'unavailable' },
  { key: KEYS.beta, registry: 'identity', service: 'person', body: PERSON, times: 2, status: 200, consumer: 'test-beta', outcome: 'ok' },
  { key: KEYS.beta, registry: 'identity', service: 'person', body: PERSON, times: 2, status: 429, consumer: 'test-beta', outcome: 'over-quota' },
  { key: KEYS.beta, registry: 'legal-entity', service: 'company', body: { nationalId: '10100841346' }, times: 3, status: 403, consumer: 'test-beta', outcome: 'denied' },
  { key: KEYS.beta, registry: 'address', service: 'postal-code', body: { postalCode: '1193653471' }, times: 1, status: 200, consumer: 'test-beta', outcome: 'ok' },
  { key: null, registry: 'identity', service: 'person', body: PERSON, times: 2, status: 401, consumer: '', outcome: 'unauthenticated' },
  { key: 'Bearer not-a-key-at-all', registry: 'identity', service: 'person', body: PERSON, times: 1, status: 401, consumer: '', outcome: 'unauthenticated' },
];

/** Yesterday, goods answered: written into the ledger directly, as a previous period to compare with. */
const HISTORY = { consumer: 'test-alpha', registry: 'goods', service: 'goods', custodian: 'mimt', outcome: 'ok', count: 20 };

/** consumer|registry|service|outcome → exchanges. */
export type Counts = Map<string, number>;

export const countKey = (r: { consumer?: string; registry?: string; service?: string; outcome?: string }) => `${r.consumer}|${r.registry}|${r.service}|${r.outcome}`;

function add(counts: Counts, key: string, n: number): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}

export interface SentTraffic {
  /** What was sent today. */
  today: Counts;
  /** What the current Solar Hijri season holds: today's, and yesterday's when yesterday is in the same season. */
  season: Counts;
  yesterdayInSeason: boolean;
}

/**
 * Imports the app's contracts into its governance store when the store is empty (the bootstrap the broker will run
 * at start; until it does, the reports would find no agreement there).
 */
/** The governance store of the app (the broker imported its contracts into it at start). */
export function governanceOf(nix: TestApp): GovernanceRepository {
  return nix.app.get(GovernanceRepository, { strict: false });
}

/**
 * The working group's decisions after the traffic was sent: alpha-company suspended and beta-address revoked, each
 * with its resolution, so that the reports show them with their status, and still count their traffic.
 */
export async function decideAgreements(governance: GovernanceRepository): Promise<void> {
  await governance.suspendAgreement(DEMO_WORKING_GROUP, 'alpha-company', RESOLUTIONS.alphaCompanySuspended);
  await governance.revokeAgreement(DEMO_WORKING_GROUP, 'beta-address', RESOLUTIONS.betaAddressRevoked);
}

/** Sends the script through the broker, writes yesterday's history, and waits until the ledger holds it all. */
export async function sendReportTraffic(nix: TestApp): Promise<SentTraffic> {
  const today: Counts = new Map();
  for (const step of STEPS) {
    for (let i = 0; i < step.times; i++) {
      const headers: Record<string, string> = { 'x-purpose': 'audit', ...(step.key ? { authorization: step.key } : {}) };
      const response: TestResponse = await nix.inquire(step.registry, step.service, step.body, headers);
      if (response.status !== step.status) {
        throw new Error(`${step.consumer || 'anonymous'} ${step.registry}/${step.service}: expected ${step.status}, got ${response.status} ${response.text.slice(0, 300)}`);
      }
    }
    add(today, countKey(step), step.times);
  }
  const now = Date.now();
  const yesterday = now - DAY_MS;
  await nix.app.get(TrafficRepository).insertBatch(Array.from({ length: HISTORY.count }, () => historyRecord(yesterday)));
  await nix.flushLedger();

  const season = new Map(today);
  const yesterdayInSeason = jalaliSeason(yesterday) === jalaliSeason(now);
  if (yesterdayInSeason) add(season, countKey(HISTORY), HISTORY.count);
  return { today, season, yesterdayInSeason };
}

function historyRecord(at: number): TrafficRecord {
  return {
    exchangeId: randomUUID(),
    receivedAt: at,
    dispatchedAt: at + 1,
    adapterReceivedAt: at + 2,
    adapterRepliedAt: at + 8,
    respondedAt: at + 10,
    consumer: HISTORY.consumer,
    registry: HISTORY.registry,
    custodian: HISTORY.custodian,
    service: HISTORY.service,
    serviceVersion: '1.0.0',
    purpose: 'audit',
    agreement: 'alpha-goods',
    trackingDigest: null, receiptDigest: null,
    outcome: 'ok',
    httpStatus: 200,
    problemType: null,
    requestBytes: 30,
    responseBytes: 120,
    brokerMs: 2,
    transportMs: 1,
    adapterMs: 1,
    registryMs: 5,
    brokerInstance: 'history',
    adapterInstance: 'history',
  };
}

/** The counts a usage report grouped by consumer, registry, service and outcome shows. */
export function countsOf(rows: readonly { consumer?: string; registry?: string; service?: string; outcome?: string; count: number }[]): Counts {
  return new Map(rows.map((r) => [countKey(r), r.count]));
}

/** RFC 4180 CSV into rows of fields (quotes, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
