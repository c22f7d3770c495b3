import type { BackendRequest } from '../adapter/registry-adapter';
import { asObject, optionalText, text, type RegistryHttpClient } from '../http/registry-http-client';
import type { GoodsKey, GoodsRecord, GoodsRegistry } from './goods.port';

/**
 * The Iran Code REST API:
 * GET /items/{iranCode} or /items?gtin=… → { iran_code, gtin, title_fa, title_en, hs_code, hs_title, brand_name, producer_national_id }.
 */
export class GoodsHttpRegistry implements GoodsRegistry {
  constructor(private readonly http: RegistryHttpClient) {}

  async findGoods(key: GoodsKey, request: BackendRequest): Promise<GoodsRecord | null> {
    const path = 'iranCode' in key ? `/items/${key.iranCode}` : `/items?gtin=${key.gtin}`;
    const { status, body } = await this.http.getJson(path, request);
    return status === 404 ? null : goodsFromApi(asObject('goods', body));
  }
}

export function goodsFromApi(api: Record<string, unknown>): GoodsRecord {
  return {
    iranCode: text('goods', api, 'iran_code'),
    gtin: optionalText('goods', api, 'gtin'),
    descriptionFa: text('goods', api, 'title_fa'),
    descriptionEn: text('goods', api, 'title_en'),
    hsCode: text('goods', api, 'hs_code'),
    hsTitle: text('goods', api, 'hs_title'),
    brand: optionalText('goods', api, 'brand_name'),
    producerNationalId: text('goods', api, 'producer_national_id'),
  };
}
