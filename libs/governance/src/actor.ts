import type { AgencyRole } from '@nix/domain';

/** Who acts on governance state: an agency and the roles it holds. */
export interface GovernanceActor {
  agencyId: string;
  roles: readonly AgencyRole[];
}

export function isWorkingGroup(actor: GovernanceActor): boolean {
  return actor.roles.includes('working-group');
}
