import { projectAnswer } from '@nix/domain';

const answer = {
  firstName: 'زهرا',
  lastName: 'محمدی',
  fatherName: 'علی',
  birthDate: '1988-03-21',
  alive: true,
  deathDate: null,
  coordinates: { latitude: 35.7298, longitude: 51.4042 },
};

describe('projectAnswer', () => {
  it('keeps only the agreed data items', () => {
    expect(projectAnswer(answer, new Set(['alive', 'deathDate']))).toEqual({ alive: true, deathDate: null });
  });

  it('keeps agreed items whose value is null or false', () => {
    const projected = projectAnswer({ alive: false, deathDate: null }, new Set(['alive', 'deathDate']));
    expect(projected).toEqual({ alive: false, deathDate: null });
    expect(Object.keys(projected)).toEqual(['alive', 'deathDate']);
  });

  it('answers nothing when nothing is agreed', () => {
    expect(projectAnswer(answer, new Set())).toEqual({});
  });

  it('does not invent agreed items the answer lacks', () => {
    expect(projectAnswer({ alive: true }, new Set(['alive', 'firstName']))).toEqual({ alive: true });
    expect(Object.keys(projectAnswer({ alive: true }, new Set(['alive', 'firstName'])))).toEqual(['alive']);
  });

  it('projects whole top-level items, not nested fields', () => {
    expect(projectAnswer(answer, new Set(['coordinates', 'latitude']))).toEqual({ coordinates: { latitude: 35.7298, longitude: 51.4042 } });
  });

  it('matches item names exactly', () => {
    expect(projectAnswer(answer, new Set(['FirstName', 'firstname', 'first']))).toEqual({});
  });

  it('leaves the registry answer untouched', () => {
    const copy = structuredClone(answer);
    projectAnswer(answer, new Set(['alive']));
    expect(answer).toEqual(copy);
  });
});
