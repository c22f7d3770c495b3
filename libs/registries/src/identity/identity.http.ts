import type { BackendRequest } from '../adapter/registry-adapter';
import { asObject, optionalText, text, unreadable, type RegistryHttpClient } from '../http/registry-http-client';
import type { IdentityRegistry, PersonRecord } from './identity.port';

/**
 * Civil registration's REST API, as the adapter maps it:
 * GET /persons/{nationalId} → { nin, first_name, last_name, father_name, sex: F|M, birth_date, death_date }.
 */
export class IdentityHttpRegistry implements IdentityRegistry {
  constructor(private readonly http: RegistryHttpClient) {}

  async findPerson(nationalId: string, request: BackendRequest): Promise<PersonRecord | null> {
    const { status, body } = await this.http.getJson(`/persons/${nationalId}`, request);
    return status === 404 ? null : personFromApi(asObject('identity', body));
  }
}

export function personFromApi(api: Record<string, unknown>): PersonRecord {
  const sex = text('identity', api, 'sex');
  if (sex !== 'F' && sex !== 'M') unreadable('identity', 'sex');
  return {
    nationalId: text('identity', api, 'nin'),
    firstName: text('identity', api, 'first_name'),
    lastName: text('identity', api, 'last_name'),
    fatherName: text('identity', api, 'father_name'),
    gender: sex === 'F' ? 'female' : 'male',
    birthDate: text('identity', api, 'birth_date'),
    deathDate: optionalText('identity', api, 'death_date'),
  };
}
