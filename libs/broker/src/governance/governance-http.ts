import type { FastifyReply } from 'fastify';
import type { GovernedAgreement } from '@nix/governance';

/** Governance answers are never cached: they change with every decision and differ per caller. */
export function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('vary', 'Accept, Authorization');
}

/** An agreement as the API shows it: exactly the fields the issue names, in a fixed order. */
export function agreementView(a: GovernedAgreement) {
  return {
    id: a.id,
    consumer: a.consumer,
    registry: a.registry,
    service: a.service,
    dataItems: a.dataItems,
    purposes: a.purposes,
    dailyQuota: a.dailyQuota,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    resolution: a.resolution,
    status: a.status,
  };
}
