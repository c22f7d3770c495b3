import { toJalaliDate } from '@nix/domain';
import { RecordNotFoundError, type RegistryAdapter, type RegistryCall } from '../adapter/registry-adapter';
import type { IdentityRegistry } from './identity.port';
import { sameName } from './person-name';

export class IdentityAdapter implements RegistryAdapter {
  readonly registry = 'identity';
  readonly services = ['person', 'person-verification'] as const;

  constructor(private readonly backend: IdentityRegistry) {}

  async answer(service: string, body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
    const nationalId = body.nationalId as string;
    const person = await call((request) => this.backend.findPerson(nationalId, request));
    if (service === 'person') {
      // Both keys must match: a wrong birth date reads as no such person, so
      // the answer does not confirm that the national ID exists.
      if (!person || person.birthDate !== body.birthDate) throw new RecordNotFoundError();
      return {
        firstName: person.firstName,
        lastName: person.lastName,
        fatherName: person.fatherName,
        gender: person.gender,
        birthDate: person.birthDate,
        birthDateJalali: toJalaliDate(person.birthDate),
        alive: person.deathDate === null,
        deathDate: person.deathDate,
      };
    }
    if (!person) throw new RecordNotFoundError();
    const matches: Record<string, boolean> = {};
    for (const field of ['firstName', 'lastName', 'fatherName'] as const) {
      if (typeof body[field] === 'string') matches[`${field}Matches`] = sameName(body[field], person[field]);
    }
    if (typeof body.birthDate === 'string') matches.birthDateMatches = body.birthDate === person.birthDate;
    return { ...matches, allMatch: Object.values(matches).every(Boolean) };
  }
}
