import { Module, type DynamicModule } from '@nestjs/common';
import { TRAFFIC_SINK, type TrafficSink } from '@nix/ledger';

@Module({})
export class LedgerModule {
  static forSink(sink: TrafficSink): DynamicModule {
    return { module: LedgerModule, global: true, providers: [{ provide: TRAFFIC_SINK, useValue: sink }], exports: [TRAFFIC_SINK] };
  }
}
