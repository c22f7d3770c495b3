import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import {
  DayTracker,
  majorOf,
  planProbes,
  PROBE_AGENCY,
  PROBE_PURPOSE,
  PROBE_SYSTEM_ACTOR,
  probeSucceeded,
  ANSWERED,
  type Clock,
  type Outcome,
  type ProbeTarget,
} from '@nix/domain';
import type { LiveCatalog } from '@nix/catalog';
import { GovernanceInputError, GovernanceRepository, type GovernanceActor } from '@nix/governance';
import type { NixMetrics } from '@nix/observability';
import { CLOCK, LOGGER, METRICS, NIX_CONFIG, SERVICE_CATALOG } from '@nix/platform';
import type { Logger } from 'pino';
import { AccessService } from '../access/access.service';
import { ExchangeRecorder } from '../inquiry/exchange-recorder';
import { InquiryRefusal, InquiryService } from '../inquiry/inquiry.service';
import { ProbeResults } from './probe-results';

/** NIX acting under the system agreement: it registers the probe agency, issues its key, makes its agreements. */
const SYSTEM: GovernanceActor = { agencyId: PROBE_SYSTEM_ACTOR, roles: ['working-group'] };
/** A probe key lives a week and is replaced daily; the last is revoked at a clean stop. */
const KEY_DAYS = 7;
const KEY_RENEW_MS = 24 * 3600_000;

/**
 * Synthetic probes (R17): every NIX_PROBE_INTERVAL_S, each published service (the live catalogue's newest version) is
 * called through the inquiry service, exactly as an agency's inquiry is (key, agreement, purpose, version, schema,
 * quota, breaker, transport, adapter, registry), with the version's first request example as the probe record, and
 * recorded in the ledger under the probe agency. Its key is issued in the store (audited) and bound to a random
 * certificate fingerprint that no certificate has: only this process, which asserts it, can use it.
 */
@Injectable()
export class ProbeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly days = new DayTracker();
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private key: { keyId: string; key: string; fingerprint: string; issuedAt: number } | null = null;

  constructor(
    @Inject(NIX_CONFIG) private readonly config: NixConfig,
    @Inject(SERVICE_CATALOG) private readonly catalog: LiveCatalog,
    @Inject(GovernanceRepository) private readonly governance: GovernanceRepository,
    private readonly access: AccessService,
    private readonly inquiries: InquiryService,
    private readonly recorder: ExchangeRecorder,
    private readonly results: ProbeResults,
    @Inject(METRICS) private readonly metrics: NixMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.probes.enabled) return;
    this.timer = setInterval(() => void this.runRound(), this.config.probes.intervalSeconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
    const key = this.key;
    this.key = null;
    if (key) await this.governance.revokeApiKey(SYSTEM, PROBE_AGENCY.id, key.keyId).catch((error: Error) => this.logger.warn({ err: error }, 'the probe key could not be revoked at shutdown; it expires by itself'));
  }

  /** One round, unless the last is still running (a slow registry never piles probes up). */
  runRound(): Promise<void> {
    this.round ??= this.probeAll()
      .catch((error: Error) => this.logger.warn({ err: error }, 'a synthetic probe round failed; the next one tries again'))
      .finally(() => (this.round = null));
    return this.round;
  }

  private async probeAll(): Promise<void> {
    const now = this.clock.now();
    const today = this.days.at(now).date;
    if (!this.access.snapshot().agency(PROBE_AGENCY.id)) await taken(this.governance.registerAgency(SYSTEM, PROBE_AGENCY));
    const key = await this.currentKey(today, now);
    const targets: ProbeTarget[] = this.catalog.services().map((d) => ({
      registry: d.registry,
      service: d.service,
      major: majorOf(d.version),
      dataItems: d.dataItems,
      record: d.examples[0],
    }));
    const plan = planProbes(targets, this.access.snapshot().agreements, today);
    for (const agreement of plan.agreementsToCreate) {
      // Of two brokers making the same agreement (its id is fixed), one does; the other finds it taken.
      await taken(this.governance.createAgreement(SYSTEM, { ...agreement, resolution: agreement.resolution ?? '' }));
    }
    for (const dropped of this.results.keepOnly(new Set(plan.probes.map((p) => `${p.registry}/${p.service}`)))) {
      const [registry, service] = dropped.split('/');
      this.metrics.probeUp.remove({ registry, service });
    }
    for (const target of plan.probes) await this.probe(target, key);
    this.metrics.probeLastRun.set(this.clock.now() / 1000);
  }

  private async probe(target: ProbeTarget, key: { key: string; fingerprint: string }): Promise<void> {
    const { registry, service } = target;
    const trace = this.recorder.begin();
    const body = target.record!;
    trace.requestBytes = Buffer.byteLength(JSON.stringify(body));
    const started = performance.now();
    let status = 200;
    try {
      const result = await this.inquiries.inquire({
        exchangeId: trace.exchangeId,
        registry,
        service,
        authorization: `Bearer ${key.key}`,
        purpose: PROBE_PURPOSE,
        trackingCode: undefined,
        clientIp: '127.0.0.1',
        // The probe key is bound to a fingerprint no real certificate has: only the broker itself presents it.
        clientCertificate: { fingerprint: key.fingerprint, chainVerified: true, certificate: noCertificate },
        headers: {},
        body,
      });
      trace.settle(result.facts, ANSWERED);
      trace.responseBytes = Buffer.byteLength(JSON.stringify(result.answer));
    } catch (error) {
      if (error instanceof InquiryRefusal) {
        trace.settle(error.facts, error);
        status = error.status;
      } else {
        trace.settle({}, { outcome: 'broker-error', problemType: 'internal-error' });
        status = 500;
        this.logger.error({ err: error, registry, service }, 'a synthetic probe failed unexpectedly');
      }
    }
    void this.recorder.finish(trace, { httpStatus: status, durably: false });
    const seconds = (performance.now() - started) / 1000;
    const outcome: Outcome = trace.outcome ?? 'broker-error';
    const ok = probeSucceeded(outcome);
    this.metrics.probeDuration.observe({ registry, service }, seconds);
    if (ok) this.metrics.probeSuccesses.inc({ registry, service });
    else this.metrics.probeFailures.inc({ registry, service, outcome });
    this.metrics.probeUp.set({ registry, service }, ok ? 1 : 0);
    this.results.set(registry, service, { checkedAt: new Date(this.clock.now()).toISOString(), ok, outcome, durationMs: Math.round(seconds * 1000) });
  }

  /** The probe's key: issued (audited) at the first round and renewed daily, the one it replaces revoked. */
  private async currentKey(today: string, now: number): Promise<{ key: string; fingerprint: string }> {
    if (this.key && now - this.key.issuedAt < KEY_RENEW_MS) return this.key;
    const fingerprint = randomBytes(32).toString('hex');
    const expires = new Date(Date.parse(`${today}T00:00:00Z`) + KEY_DAYS * 24 * 3600_000).toISOString().slice(0, 10);
    const issued = await this.governance.issueApiKey(SYSTEM, PROBE_AGENCY.id, { expires, certificate: fingerprint });
    const previous = this.key;
    this.key = { keyId: issued.keyId, key: issued.key, fingerprint, issuedAt: now };
    if (previous) await this.governance.revokeApiKey(SYSTEM, PROBE_AGENCY.id, previous.keyId).catch(() => undefined);
    return this.key;
  }
}

/** A change another broker made first (the same fixed id) is no failure. */
async function taken(change: Promise<unknown>): Promise<void> {
  try {
    await change;
  } catch (error) {
    if (!(error instanceof GovernanceInputError)) throw error;
  }
}

function noCertificate(): never {
  throw new Error('the probe presents a fingerprint, not a certificate');
}
