import type { Inquiry, Outcome } from './contract';

/**
 * The custodian's side: here, a tiny in-memory Iran Code registry. A real
 * adapter calls its registry's own API or database instead, sending the
 * exchange ID and the tracking code as X-NIX-Exchange-Id and X-NIX-Tracking-Code
 * as NIX's own adapters do, so that every step can be followed (R9). Its answers follow
 * NIX's published response schema for goods/goods (GET /v1/services/goods/goods).
 */
const GOODS = [
  {
    iranCode: '2780000116820001',
    gtin: '6260100001237',
    description: { fa: 'آب آشامیدنی معدنی ۱٫۵ لیتری', en: 'Mineral drinking water, 1.5 L' },
    classification: { hsCode: '22011010', title: 'آب معدنی' },
    brand: 'چشمه پارس',
    producerNationalId: '10100841331',
  },
];

export async function lookupGoods(inquiry: Inquiry): Promise<Outcome> {
  if (inquiry.service !== 'goods') return { status: 'rejected', detail: `this adapter does not serve the service ${inquiry.service}` };
  const { iranCode, gtin } = inquiry.body;
  const found = GOODS.find((g) => (typeof iranCode === 'string' && g.iranCode === iranCode) || (typeof gtin === 'string' && g.gtin === gtin));
  return found ? { status: 'ok', answer: found } : { status: 'not-found', detail: 'no goods with this code' };
}
