import { majorsCovered, selectVersion } from '@nix/catalog';
import { ProblemError } from '@nix/domain';

const PARCEL = { registry: 'cadastre', service: 'parcel', versions: ['1.0.0', '1.2.0', '1.10.0', '2.0.0', '2.1.0', '3.0.0'] };

function problemOf(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return error as ProblemError;
  }
  throw new Error('expected a problem');
}

describe('majorsCovered', () => {
  it("takes each agreement's major, and major 1 from an agreement that names none", () => {
    const agreements = [
      { registry: 'cadastre', service: 'parcel' },
      { registry: 'cadastre', service: 'parcel', major: 3 },
      { registry: 'cadastre', service: 'owner', major: 2 },
      { registry: 'identity', service: 'parcel', major: 2 },
    ];
    expect(majorsCovered(agreements, 'cadastre', 'parcel')).toEqual(new Set([1, 3]));
    expect(majorsCovered(agreements, 'vehicle', 'vehicle')).toEqual(new Set());
  });
});

describe('selectVersion', () => {
  it('without X-Service-Version, picks the newest published version of a covered major', () => {
    expect(selectVersion(PARCEL, undefined, new Set([1]))).toBe('1.10.0');
    expect(selectVersion(PARCEL, '', new Set([1, 2]))).toBe('2.1.0');
    expect(selectVersion(PARCEL, null, new Set([1, 2, 3]))).toBe('3.0.0');
  });

  it('without X-Service-Version, skips a newer major no agreement covers, for the newest of those covered', () => {
    expect(selectVersion(PARCEL, undefined, new Set([2]))).toBe('2.1.0');
    expect(selectVersion(PARCEL, undefined, new Set([1, 2, 4]))).toBe('2.1.0');
  });

  it('with a major, picks the newest published version of that major', () => {
    expect(selectVersion(PARCEL, '2', new Set([1, 2]))).toBe('2.1.0');
    expect(selectVersion(PARCEL, ' 1 ', new Set([1, 2]))).toBe('1.10.0');
  });

  it('with an exact version, picks exactly that one', () => {
    expect(selectVersion(PARCEL, '1.2.0', new Set([1]))).toBe('1.2.0');
    expect(selectVersion(PARCEL, '2.0.0', new Set([2]))).toBe('2.0.0');
  });

  it('answers 404 unknown-version naming what is published when nothing matches', () => {
    for (const requested of ['4', '1.3.0']) {
      const problem = problemOf(() => selectVersion(PARCEL, requested, new Set([1, 2, 3, 4])));
      expect(problem.status).toBe(404);
      expect(problem.problemType).toBe('unknown-version');
      expect(problem.detail).toBe(`cadastre/parcel has no published version ${requested}. Published: 3.0.0, 2.1.0, 2.0.0, 1.10.0, 1.2.0, 1.0.0.`);
    }
    expect(problemOf(() => selectVersion({ ...PARCEL, versions: [] }, undefined, new Set([1]))).problemType).toBe('unknown-version');
  });

  it('answers 403 version-not-agreed when what matches is in a major no agreement covers', () => {
    const exact = problemOf(() => selectVersion(PARCEL, '2.0.0', new Set([1])));
    expect(exact.status).toBe(403);
    expect(exact.problemType).toBe('version-not-agreed');
    expect(exact.detail).toContain('No agreement of yours covers major 2 of cadastre/parcel (agreements cover major 1)');
    expect(problemOf(() => selectVersion(PARCEL, '3', new Set([1, 2]))).problemType).toBe('version-not-agreed');
    const none = problemOf(() => selectVersion(PARCEL, undefined, new Set([4])));
    expect(none.problemType).toBe('version-not-agreed');
    expect(none.detail).toContain('Published: 3.0.0');
  });

  it('answers 400 naming the header for anything that is neither a major nor an exact version', () => {
    for (const requested of ['v2', '2.1', '2.1.0-beta', 'latest', '0']) {
      const problem = problemOf(() => selectVersion(PARCEL, requested, new Set([1, 2])));
      expect([requested, problem.status, problem.extras.errors]).toEqual([
        requested,
        400,
        [{ pointer: 'X-Service-Version', detail: 'must be a major version such as 2 or an exact version such as 2.1.0' }],
      ]);
    }
  });
});
