import { Module, type DynamicModule } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { ContractSet } from '@nix/contracts';
import { NIX_CONFIG } from '@nix/platform';
import { AccessService, CONTRACTS } from './access.service';
import { KEY_HASHER, NodeKeyHasher } from './key-hasher';

@Module({})
export class AccessModule {
  static forRoot(contracts: ContractSet): DynamicModule {
    return {
      module: AccessModule,
      global: true,
      providers: [
        { provide: CONTRACTS, useValue: contracts },
        { provide: KEY_HASHER, inject: [NIX_CONFIG], useFactory: (config: NixConfig) => new NodeKeyHasher(config.ledger.trackingKey) },
        AccessService,
      ],
      exports: [AccessService, CONTRACTS, KEY_HASHER],
    };
  }
}
