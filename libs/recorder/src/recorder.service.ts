import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TrafficRecorder } from '@nix/ledger';
import { LOGGER, READINESS_CHECKS, type ReadinessChecks } from '@nix/platform';

/** Runs the traffic recorder for the life of the process, and says whether it is ready. */
@Injectable()
export class RecorderService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    readonly recorder: TrafficRecorder,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
  ) {
    // The recorder's whole job: reading the traffic topic into a database that takes the writes.
    readiness.add({
      name: 'recorderConsumer',
      probe: () => {
        if (!this.recorder.isRunning) return { up: false, details: { reason: 'not consuming traffic records' } };
        if (this.recorder.isFailing) return { up: false, details: { reason: 'the ledger database refuses writes' } };
        return { up: true };
      },
    });
  }

  /** Kafka away at start is no reason to exit: the recorder keeps trying, and reports not ready until it joins. */
  async onApplicationBootstrap(): Promise<void> {
    if (await this.recorder.start()) this.logger.info('traffic recorder is consuming the traffic topic');
    else this.logger.warn('Kafka is not reachable yet: the traffic recorder keeps trying, and reports not ready until it joins');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.recorder.stop();
  }
}
