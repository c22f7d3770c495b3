import { Module, type DynamicModule } from '@nestjs/common';
import type { ITopicConfig, Kafka } from 'kafkajs';
import { RECORDER_KAFKA, RecorderService } from './recorder.service';

/** The traffic recorder: Kafka's nix.traffic.v1 into the ledger's database. */
@Module({})
export class RecorderModule {
  static forKafka(kafka: Kafka, topic: ITopicConfig, groupId: string): DynamicModule {
    return { module: RecorderModule, global: true, providers: [{ provide: RECORDER_KAFKA, useValue: { kafka, topic, groupId } }, RecorderService], exports: [RecorderService] };
  }
}
