import { Module } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import { TrafficRecorder, TrafficRepository } from '@nix/ledger';
import { createKafka, kafkaSettingsOf, topicOf, trafficTopicConfig } from '@nix/messaging';
import type { NixMetrics } from '@nix/observability';
import { CLOCK, LOGGER, METRICS, NIX_CONFIG } from '@nix/platform';
import type { Logger } from 'pino';
import { RecorderService } from './recorder.service';

/**
 * The traffic recorder: Kafka's nix.traffic.v1 into the ledger's database
 * (the repository of the process's LedgerModule). Its parts are built from
 * the shared tokens; TrafficRecorder stays a plain class.
 */
@Module({
  providers: [
    {
      provide: TrafficRecorder,
      inject: [NIX_CONFIG, TrafficRepository, LOGGER, CLOCK, METRICS],
      useFactory: (config: NixConfig, repository: TrafficRepository, logger: Logger, clock: Clock, metrics: NixMetrics) => {
        const settings = kafkaSettingsOf(config);
        return new TrafficRecorder({
          kafka: createKafka(settings, logger, 'traffic'),
          topic: trafficTopicConfig(settings),
          groupId: topicOf(settings, 'recorder'),
          store: repository,
          logger,
          clock,
          metrics,
        });
      },
    },
    RecorderService,
  ],
  exports: [RecorderService],
})
export class RecorderModule {}
