import { Module } from '@nestjs/common';
import type { Clock, ExchangeIdGenerator } from '@nix/domain';
import type { NixConfig } from '@nix/config';
import { TRAFFIC_SINK, type TrafficSink } from '@nix/ledger';
import type { NixMetrics } from '@nix/observability';
import { CLOCK, EXCHANGE_IDS, LOGGER, METRICS, NIX_CONFIG } from '@nix/platform';
import type { Logger } from 'pino';
import { KEY_HASHER, type KeyHasher } from '../access/key-hasher';
import { ReceiptKeys } from '../receipts/receipt-keys';
import { ReceiptsModule } from '../receipts/receipts.module';
import { ExchangeHooks } from './exchange-hooks';
import { ExchangeRecorder } from './exchange-recorder';
import { InquiryAdmission, nodeTurns } from './inquiry-admission';
import { InquiryMetrics } from './inquiry-metrics';
import { InquiryRoute } from './inquiry.route';
import { InquiryService } from './inquiry.service';
import { RegistryBreakers } from './registry-breakers';

@Module({
  imports: [ReceiptsModule],
  providers: [
    InquiryService,
    InquiryRoute,
    RegistryBreakers,
    { provide: InquiryMetrics, useFactory: (metrics: NixMetrics) => new InquiryMetrics(metrics), inject: [METRICS] },
    {
      provide: ExchangeRecorder,
      useFactory: (clock: Clock, ids: ExchangeIdGenerator, sink: TrafficSink, metrics: InquiryMetrics, hasher: KeyHasher, config: NixConfig, logger: Logger) =>
        new ExchangeRecorder(clock, ids, sink, metrics, hasher, { instanceId: config.instanceId, logExchanges: config.log.exchanges }, logger),
      inject: [CLOCK, EXCHANGE_IDS, TRAFFIC_SINK, InquiryMetrics, KEY_HASHER, NIX_CONFIG, LOGGER],
    },
    {
      provide: ExchangeHooks,
      useFactory: (recorder: ExchangeRecorder, config: NixConfig, keys: ReceiptKeys, clock: Clock) =>
        new ExchangeHooks(
          recorder,
          { bodyLimit: config.http.bodyLimit, durableAnswers: config.ledger.durability === 'sync' },
          keys,
          clock,
          new InquiryAdmission({ maxInFlight: config.http.maxInFlight, targetDelayMs: config.http.admissionTargetMs }, performance, nodeTurns),
        ),
      inject: [ExchangeRecorder, NIX_CONFIG, ReceiptKeys, CLOCK],
    },
  ],
  exports: [ExchangeRecorder, ExchangeHooks, RegistryBreakers, InquiryService, InquiryRoute],
})
export class InquiryModule {}
