import { Injectable, type PipeTransform } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GovernanceNotFoundError, type GovernedAgreement } from '@nix/governance';

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
    major: a.major ?? 1,
    dataItems: a.dataItems,
    purposes: a.purposes,
    dailyQuota: a.dailyQuota,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    resolution: a.resolution,
    status: a.status,
  };
}

/** The ids NIX issues and agencies are named by: visible ASCII, at most a path segment (MAX_SEGMENT_LENGTH). */
const RECORD_ID = /^[\x21-\x7E]{1,100}$/;

/** A path's id, or 404 before it reaches the store (which cannot hold a NUL, for one). */
@Injectable()
export class RecordIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!RECORD_ID.test(value)) throw new GovernanceNotFoundError('a record with that id');
    return value;
  }
}
