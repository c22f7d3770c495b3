import type { BackendRequest } from '../adapter/registry-adapter';

export interface PersonRecord {
  nationalId: string;
  firstName: string;
  lastName: string;
  fatherName: string;
  gender: 'female' | 'male';
  birthDate: string;
  deathDate: string | null;
}

/** The civil-registration backend, as the identity adapter needs it. */
export interface IdentityRegistry {
  findPerson(nationalId: string, request: BackendRequest): Promise<PersonRecord | null>;
}
