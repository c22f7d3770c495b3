import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { Clock } from '@nix/domain';
import { ClientProxyDispatcher, INQUIRY_DISPATCHER } from '@nix/messaging';
import { CLOCK } from '../core/tokens';

export const INQUIRY_CLIENT = Symbol('INQUIRY_CLIENT');

/**
 * The broker's half of the transport. Which client it is (in-process or
 * Kafka) is decided by whoever assembles the process; the inquiry path only
 * sees the dispatcher.
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(@Inject(INQUIRY_CLIENT) private readonly client: ClientProxy) {}

  /** After the HTTP server has drained: no inquiry is waiting any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  static forClient(client: ClientProxy): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: INQUIRY_CLIENT, useValue: client },
        {
          provide: INQUIRY_DISPATCHER,
          inject: [CLOCK],
          useFactory: (clock: Clock) => new ClientProxyDispatcher(client, () => clock.now()),
        },
      ],
      exports: [INQUIRY_DISPATCHER, INQUIRY_CLIENT],
    };
  }
}
