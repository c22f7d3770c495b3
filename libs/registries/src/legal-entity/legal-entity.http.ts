import type { BackendRequest } from '../adapter/registry-adapter';
import { asObject, text, unreadable, type RegistryHttpClient } from '../http/registry-http-client';
import type { CompanyRecord, LegalEntityRegistry, LegalForm } from './legal-entity.port';

/** The registry names legal forms in Persian; the catalogue in English codes. */
export const API_LEGAL_FORMS: Record<string, LegalForm> = {
  'سهامی خاص': 'private-joint-stock',
  'سهامی عام': 'public-joint-stock',
  'با مسئولیت محدود': 'limited-liability',
  تعاونی: 'cooperative',
  تضامنی: 'general-partnership',
  'موسسه غیرتجاری': 'non-commercial-institution',
  دولتی: 'state-owned',
};
/** The same for a company's state. */
export const API_COMPANY_STATES: Record<string, CompanyRecord['status']> = {
  فعال: 'active',
  'تعلیق': 'suspended',
  'در حال تصفیه': 'in-liquidation',
  منحل: 'dissolved',
};

/**
 * The deeds registration organization's REST API:
 * GET /legal-entities/{nationalId} → { national_id, title, entity_type, reg_no, reg_date, state, postal_code }.
 */
export class LegalEntityHttpRegistry implements LegalEntityRegistry {
  constructor(private readonly http: RegistryHttpClient) {}

  async findCompany(nationalId: string, request: BackendRequest): Promise<CompanyRecord | null> {
    const { status, body } = await this.http.getJson(`/legal-entities/${nationalId}`, request);
    return status === 404 ? null : companyFromApi(asObject('legal-entity', body));
  }
}

export function companyFromApi(api: Record<string, unknown>): CompanyRecord {
  const legalForm = API_LEGAL_FORMS[text('legal-entity', api, 'entity_type')] ?? unreadable('legal-entity', 'entity_type');
  const status = API_COMPANY_STATES[text('legal-entity', api, 'state')] ?? unreadable('legal-entity', 'state');
  return {
    nationalId: text('legal-entity', api, 'national_id'),
    name: text('legal-entity', api, 'title'),
    legalForm,
    registrationNumber: String(api.reg_no ?? unreadable('legal-entity', 'reg_no')),
    registrationDate: text('legal-entity', api, 'reg_date'),
    status,
    postalCode: text('legal-entity', api, 'postal_code'),
  };
}
