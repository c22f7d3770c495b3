import type { BackendRequest } from '../adapter/registry-adapter';

export interface GoodsRecord {
  iranCode: string;
  gtin: string | null;
  descriptionFa: string;
  descriptionEn: string;
  hsCode: string;
  hsTitle: string;
  brand: string | null;
  producerNationalId: string;
}

export type GoodsKey = { iranCode: string } | { gtin: string };

export interface GoodsRegistry {
  findGoods(key: GoodsKey, request: BackendRequest): Promise<GoodsRecord | null>;
}
