import type { BackendRequest } from '../adapter/registry-adapter';

export type LegalForm =
  | 'private-joint-stock'
  | 'public-joint-stock'
  | 'limited-liability'
  | 'cooperative'
  | 'general-partnership'
  | 'non-commercial-institution'
  | 'state-owned';

export interface CompanyRecord {
  nationalId: string;
  name: string;
  legalForm: LegalForm;
  registrationNumber: string;
  registrationDate: string;
  status: 'active' | 'suspended' | 'in-liquidation' | 'dissolved';
  postalCode: string;
}

export interface LegalEntityRegistry {
  findCompany(nationalId: string, request: BackendRequest): Promise<CompanyRecord | null>;
}
