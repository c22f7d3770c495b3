import { toJalaliDate } from '@nix/domain';
import { RecordNotFoundError, type RegistryAdapter, type RegistryCall } from '../adapter/registry-adapter';
import type { LegalEntityRegistry } from './legal-entity.port';

export class LegalEntityAdapter implements RegistryAdapter {
  readonly registry = 'legal-entity';
  readonly services = ['company'] as const;

  constructor(private readonly backend: LegalEntityRegistry) {}

  async answer(_service: string, body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
    const company = await call((request) => this.backend.findCompany(body.nationalId as string, request));
    if (!company) throw new RecordNotFoundError();
    return {
      name: company.name,
      legalForm: company.legalForm,
      registrationNumber: company.registrationNumber,
      registrationDate: company.registrationDate,
      registrationDateJalali: toJalaliDate(company.registrationDate),
      status: company.status,
      postalCode: company.postalCode,
    };
  }
}
