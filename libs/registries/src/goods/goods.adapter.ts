import { RecordNotFoundError, type RegistryAdapter, type RegistryCall } from '../adapter/registry-adapter';
import type { GoodsKey, GoodsRegistry } from './goods.port';

export class GoodsAdapter implements RegistryAdapter {
  readonly registry = 'goods';
  readonly services = ['goods'] as const;

  constructor(private readonly backend: GoodsRegistry) {}

  async answer(_service: string, body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
    const key: GoodsKey = typeof body.iranCode === 'string' ? { iranCode: body.iranCode } : { gtin: body.gtin as string };
    const goods = await call((request) => this.backend.findGoods(key, request));
    if (!goods) throw new RecordNotFoundError();
    return {
      iranCode: goods.iranCode,
      gtin: goods.gtin,
      description: { fa: goods.descriptionFa, en: goods.descriptionEn },
      classification: { hsCode: goods.hsCode, title: goods.hsTitle },
      brand: goods.brand,
      producerNationalId: goods.producerNationalId,
    };
  }
}
