import { Controller, Get, Header, Module } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import { NIX_CONFIG } from '@nix/platform';
import type { JSONWebKeySet } from 'jose';
import { ReceiptKeys } from './receipt-keys';

/** The public keys that verify NIX-Receipts, the older ones included (rotation). */
@Controller('.well-known')
export class ReceiptKeysController {
  constructor(private readonly keys: ReceiptKeys) {}

  @Get('jwks.json')
  @Header('content-type', 'application/jwk-set+json')
  @Header('cache-control', 'public, max-age=300')
  jwks(): JSONWebKeySet {
    return this.keys.jwks;
  }
}

/** Signed receipts: the keys from configuration, and their publication. */
@Module({
  controllers: [ReceiptKeysController],
  providers: [{ provide: ReceiptKeys, useFactory: (config: NixConfig) => new ReceiptKeys(config.receipts.keys), inject: [NIX_CONFIG] }],
  exports: [ReceiptKeys],
})
export class ReceiptsModule {}
