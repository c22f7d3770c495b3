import { ProblemError } from '@nix/domain';
import { compareSemver, parseSemver, SEMVER } from './service-version';

export const SERVICE_VERSION_HEADER = 'X-Service-Version';
const MAJOR_ONLY = /^[1-9]\d{0,5}$/;

/** What an agreement says about the versions it covers: its registry and service, and a major (1 when it names none). */
export interface VersionCoverage {
  registry: string;
  service: string;
  major?: number | null;
}

/**
 * The majors of a service that agreements cover. Agreements cover a major version; one that names none covers major 1
 * (every agreement made before versions existed).
 */
export function majorsCovered(agreements: readonly VersionCoverage[], registry: string, service: string): Set<number> {
  return new Set(agreements.filter((a) => a.registry === registry && a.service === service).map((a) => a.major ?? 1));
}

/**
 * Picks the version that serves an inquiry, from the service's published versions and the majors the caller's
 * agreements cover:
 * - no X-Service-Version: the newest published version of a covered major;
 * - `2`: the newest published version of major 2;
 * - `2.1.0`: exactly that version.
 * Throws 400 for a header that is neither, 404 `unknown-version` when nothing published matches, and 403
 * `version-not-agreed` when what matches lies in a major no agreement covers; each names what exists.
 */
export function selectVersion(
  service: { registry: string; service: string; versions: readonly string[] },
  requested: string | undefined | null,
  coveredMajors: ReadonlySet<number>,
): string {
  const name = `${service.registry}/${service.service}`;
  const published = [...service.versions].sort(compareSemver).reverse();
  const exists = `Published: ${published.length ? published.join(', ') : 'none'}`;
  const covered = `agreements cover major ${[...coveredMajors].sort((a, b) => a - b).join(', ') || 'none'}`;
  const requestedText = requested?.trim();
  if (!requestedText) {
    const chosen = published.find((v) => coveredMajors.has(parseSemver(v)![0]));
    if (chosen) return chosen;
    if (published.length === 0) throw new ProblemError('unknown-version', `${name} has no published version.`, { published });
    throw new ProblemError('version-not-agreed', `No published version of ${name} is in a major your agreements cover (${covered}). ${exists}.`, { published });
  }
  let matching: string[];
  if (MAJOR_ONLY.test(requestedText)) matching = published.filter((v) => parseSemver(v)![0] === Number(requestedText));
  else if (SEMVER.test(requestedText)) matching = published.filter((v) => v === requestedText);
  else {
    throw new ProblemError('invalid-request', `${SERVICE_VERSION_HEADER} must be a major version such as 2 or an exact version such as 2.1.0.`, {
      errors: [{ pointer: SERVICE_VERSION_HEADER, detail: 'must be a major version such as 2 or an exact version such as 2.1.0' }],
    });
  }
  if (matching.length === 0) throw new ProblemError('unknown-version', `${name} has no published version ${requestedText}. ${exists}.`, { published });
  const chosen = matching[0];
  if (!coveredMajors.has(parseSemver(chosen)![0])) {
    throw new ProblemError('version-not-agreed', `No agreement of yours covers major ${parseSemver(chosen)![0]} of ${name} (${covered}). ${exists}.`, { published });
  }
  return chosen;
}
