import type { Agreement } from '@nix/domain';
import { isWorkingGroup, type GovernanceActor } from './actor';
import { IllegalTransitionError, NotPermittedError } from './governance-error';
import { checkResolution } from './validation';

export const AGREEMENT_STATES = ['active', 'suspended', 'revoked'] as const;
export type AgreementState = (typeof AGREEMENT_STATES)[number];

/** An agreement as the governance store holds it: with the resolution that decided it and its status. */
export interface GovernedAgreement extends Omit<Agreement, 'resolution'> {
  resolution: string | null;
  status: AgreementState;
}

/** What an amendment may change; it always carries the resolution that decided it. */
export interface AgreementAmendment {
  dailyQuota?: number;
  dataItems?: string[];
  purposes?: string[];
  validFrom?: string;
  validUntil?: string;
  resolution: string;
}

function requireWorkingGroup(actor: GovernanceActor, action: string, agreement: GovernedAgreement): void {
  if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, `${action} agreement ${agreement.id}`);
}

export function suspendAgreement(actor: GovernanceActor, agreement: GovernedAgreement, resolution: string): GovernedAgreement {
  requireWorkingGroup(actor, 'suspend', agreement);
  if (agreement.status !== 'active') throw new IllegalTransitionError(`agreement ${agreement.id}`, agreement.status, 'suspended');
  return { ...agreement, status: 'suspended', resolution: checkResolution(resolution) };
}

export function reinstateAgreement(actor: GovernanceActor, agreement: GovernedAgreement, resolution: string): GovernedAgreement {
  requireWorkingGroup(actor, 'reinstate', agreement);
  if (agreement.status !== 'suspended') throw new IllegalTransitionError(`agreement ${agreement.id}`, agreement.status, 'reinstated');
  return { ...agreement, status: 'active', resolution: checkResolution(resolution) };
}

/** Revocation is final. */
export function revokeAgreement(actor: GovernanceActor, agreement: GovernedAgreement, resolution: string): GovernedAgreement {
  requireWorkingGroup(actor, 'revoke', agreement);
  if (agreement.status === 'revoked') throw new IllegalTransitionError(`agreement ${agreement.id}`, agreement.status, 'revoked');
  return { ...agreement, status: 'revoked', resolution: checkResolution(resolution) };
}

/**
 * Applies an amendment: the caller checks data items against the catalogue and purposes, quota and validity with
 * the validation helpers first. A revoked agreement cannot be amended.
 */
export function amendAgreement(actor: GovernanceActor, agreement: GovernedAgreement, amendment: AgreementAmendment): GovernedAgreement {
  requireWorkingGroup(actor, 'amend', agreement);
  if (agreement.status === 'revoked') throw new IllegalTransitionError(`agreement ${agreement.id}`, agreement.status, 'amended');
  const resolution = checkResolution(amendment.resolution);
  return {
    ...agreement,
    dailyQuota: amendment.dailyQuota ?? agreement.dailyQuota,
    dataItems: amendment.dataItems ?? agreement.dataItems,
    purposes: amendment.purposes ?? agreement.purposes,
    validFrom: amendment.validFrom ?? agreement.validFrom,
    validUntil: amendment.validUntil ?? agreement.validUntil,
    resolution,
  };
}
