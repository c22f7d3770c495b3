import { GOVERNANCE_BODY_SCHEMAS, type GovernanceBodyName } from './governance-bodies';

const problem = { $ref: '#/components/responses/Problem' };
const problems = (...statuses: number[]) => Object.fromEntries([401, ...statuses].map((status) => [status, problem]));
const pathId = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const body = (name: GovernanceBodyName) => ({ required: true, content: { 'application/json': { schema: GOVERNANCE_BODY_SCHEMAS[name] } } });

interface Operation {
  summary: string;
  description?: string;
  body?: GovernanceBodyName;
  ok: [number, string];
  problems: number[];
  parameters?: Record<string, unknown>[];
}
const operation = (tag: string, o: Operation) => ({
  tags: [tag],
  summary: o.summary,
  ...(o.description ? { description: o.description } : {}),
  security: [{ apiKey: [] }],
  ...(o.parameters ? { parameters: o.parameters } : {}),
  ...(o.body ? { requestBody: body(o.body) } : {}),
  responses: { [o.ok[0]]: { description: o.ok[1] }, ...problems(...o.problems) },
});

const agreementId = pathId('id', 'The agreement ID.');
const requestId = pathId('id', 'The access request ID.');
const agencyId = pathId('id', 'The agency ID.');
const WRITE = [400, 403, 404, 409];
const change = (summary: string, description: string) =>
  operation('governance', { summary, description, body: 'resolution', ok: [200, 'The agreement as it is now.'], problems: WRITE, parameters: [agreementId] });
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

/**
 * The governance API (issue 11) in the OpenAPI document: every body schema is the one the API validates with.
 * 403 is another agency's business or a step for another role, 409 a step the current state does not allow
 * (the problem carries `currentState`).
 */
export const GOVERNANCE_PATHS: Record<string, unknown> = {
  '/v1/agreements': {
    get: operation('governance', {
      summary: 'Agreements',
      description: '{"agreements": [{id, consumer, registry, service, dataItems, purposes, dailyQuota, validFrom, validUntil, resolution, status}]}: the caller\'s own; the working group sees all.',
      ok: [200, 'The agreements.'],
      problems: [403],
    }),
    post: operation('governance', { summary: 'Create an agreement (working group)', description: 'For a decision taken outside NIX, with its resolution. It covers one major version (`major`, 1 when absent); a new major is a new agreement.', body: 'agreement', ok: [201, 'The agreement, active.'], problems: [400, 403] }),
  },
  '/v1/agreements/{id}': {
    patch: operation('governance', {
      summary: 'Amend an agreement (working group)',
      description: 'Quota, data items, purposes or validity, with the resolution that decided it.',
      body: 'amendment',
      ok: [200, 'The agreement as amended.'],
      problems: WRITE,
      parameters: [agreementId],
    }),
  },
  '/v1/agreements/{id}/suspension': { post: change('Suspend an agreement (working group)', 'active → suspended.') },
  '/v1/agreements/{id}/reinstatement': { post: change('Reinstate an agreement (working group)', 'suspended → active.') },
  '/v1/agreements/{id}/revocation': { post: change('Revoke an agreement (working group)', 'active or suspended → revoked, for good.') },
  '/v1/agencies': {
    post: operation('governance', { summary: 'Register an agency (working group)', body: 'agency', ok: [201, 'The agency.'], problems: [400, 403] }),
  },
  '/v1/agencies/me': {
    get: operation('governance', { summary: 'The calling agency', description: '{"id", "name": {fa, en}, "roles"}: who the key names.', ok: [200, 'The agency.'], problems: [403] }),
  },
  '/v1/agencies/{id}/certificates': {
    put: operation('governance', {
      summary: "Register an agency's client certificates (working group)",
      description:
        '{"agencyId", "certificates", "issuers"}: SHA-256 fingerprints, and issuers ({"ca": CA certificate PEM, "subject": "CN=…,O=…"}: a certificate that CA issued directly, valid now, for client authentication, with exactly that subject), replacing those registered. Once an agency has any, each of its keys is accepted only with one of them (a key bound to one fingerprint, with that one): otherwise 401 certificate-mismatch. An issuer\'s certificates are accepted over mTLS even when their CA is not in NIX_TLS_CLIENT_CA. Empty lists lift the requirement.',
      body: 'certificates',
      ok: [200, 'The certificates registered.'],
      problems: [400, 403, 404],
      parameters: [agencyId],
    }),
    get: operation('governance', {
      summary: "An agency's registered client certificates",
      description: '{"agencyId", "certificates", "issuers"}: SHA-256 fingerprints and issuers (the working group, or the agency itself).',
      ok: [200, 'The certificates.'],
      problems: [403, 404],
      parameters: [agencyId],
    }),
  },
  '/v1/agencies/{id}/keys': {
    post: operation('governance', {
      summary: 'Issue an API key (working group, or the agency for itself)',
      description:
        '{"keyId", "key", "certificate"}: the key is shown only this once; the store keeps its SHA-256. With `certificate` (the SHA-256 fingerprint of the agency\'s client certificate) the key is bound to it: an inquiry with that key and another certificate, or none, gets 401 certificate-mismatch. `certificate: "agency"` binds it to any certificate the agency registers (by fingerprint or issuer).',
      body: 'apiKey',
      ok: [201, 'The key ID and the key.'],
      problems: [400, 403, 404],
      parameters: [agencyId],
    }),
    get: operation('governance', {
      summary: "An agency's API keys",
      description: '{"keys": [{keyId, createdAt, expires, lastUsedDay, revokedAt, certificate}]}: never a key or its hash.',
      ok: [200, 'The keys.'],
      problems: [403, 404],
      parameters: [agencyId],
    }),
  },
  '/v1/agencies/{id}/keys/{keyId}': {
    delete: operation('governance', { summary: 'Revoke an API key', ok: [204, 'Revoked.'], problems: [403, 404, 409], parameters: [agencyId, pathId('keyId', 'The key ID.')] }),
  },
  '/v1/access-requests': {
    post: operation('governance', {
      summary: 'Request access (consumer)',
      description:
        'For one major version of the service (`major`, 1 when absent). Data items must be properties of the answer of that major\'s newest published version, purposes codes. → {"id", "status": "pending-custodian", …}.',
      body: 'accessRequest',
      ok: [201, 'The request, waiting for the custodian.'],
      problems: [400, 403],
    }),
    get: operation('governance', {
      summary: 'Access requests',
      description: 'The consumer sees its own, the custodian those for its registries, the working group all.',
      ok: [200, '{"accessRequests": […]}'],
      problems: [],
    }),
  },
  '/v1/access-requests/{id}': {
    get: operation('governance', { summary: 'One access request', ok: [200, 'The request.'], problems: [403, 404], parameters: [requestId] }),
  },
  '/v1/access-requests/{id}/consent': {
    post: operation('governance', { summary: 'Consent (the custodian of the registry)', body: 'custodianStep', ok: [200, 'The request, pending-working-group.'], problems: WRITE, parameters: [requestId] }),
  },
  '/v1/access-requests/{id}/refusal': {
    post: operation('governance', { summary: 'Refuse (the custodian of the registry)', body: 'custodianStep', ok: [200, 'The request, refused.'], problems: WRITE, parameters: [requestId] }),
  },
  '/v1/access-requests/{id}/decision': {
    post: operation('governance', {
      summary: 'Decide (working group)',
      description: 'approved (with agreementId: the agreement is created) or rejected. Of concurrent decisions exactly one wins; the others get 409.',
      body: 'decision',
      ok: [200, 'The request, approved or rejected.'],
      problems: WRITE,
      parameters: [requestId],
    }),
  },
  '/v1/service-requests': {
    post: operation('governance', { summary: 'Request a service that does not exist yet (R7)', body: 'serviceRequest', ok: [201, 'The service request, submitted.'], problems: [400] }),
    get: operation('governance', { summary: 'Service requests', description: 'An agency sees its own and those assigned to it, the working group all.', ok: [200, '{"serviceRequests": […]}'], problems: [] }),
  },
  '/v1/service-requests/{id}/triage': {
    post: operation('governance', {
      summary: 'Triage a service request (working group)',
      description: '{"outcome": "accepted", "custodian"} or {"outcome": "rejected", "reason"}.',
      body: 'triage',
      ok: [200, 'The service request, accepted or rejected.'],
      problems: WRITE,
      parameters: [pathId('id', 'The service request ID.')],
    }),
  },
  '/v1/disputes': {
    post: operation('governance', {
      summary: 'Raise a dispute about an agreement or an access request (R6)',
      description: "By a party: the consumer, the registry's custodian, or the working group.",
      body: 'dispute',
      ok: [201, 'The dispute, open.'],
      problems: [400, 403, 404],
    }),
    get: operation('governance', { summary: 'Disputes', description: 'An agency sees those it raised, the working group all.', ok: [200, '{"disputes": […]}'], problems: [] }),
  },
  '/v1/disputes/{id}/resolution': {
    post: operation('governance', {
      summary: 'Resolve a dispute (working group)',
      description: 'A binding resolution.',
      body: 'resolution',
      ok: [200, 'The dispute, resolved.'],
      problems: WRITE,
      parameters: [pathId('id', 'The dispute ID.')],
    }),
  },
  '/v1/audit': {
    get: operation('governance', {
      summary: 'The audit log (working group)',
      description:
        'Every governance change, oldest first: {"entries": [{seq, actor, at, action, subject, before, after}], "next"}. Append-only. CSV with Accept: text/csv or format=csv. A Link header names the next page.',
      ok: [200, 'A page of the log (JSON, or CSV).'],
      problems: [400, 403],
      parameters: [
        query('subject', 'Only this subject, e.g. agreement:ag-…'),
        query('actor', 'Only changes by this agency.'),
        query('after', 'Only entries after this seq (the previous page\'s next).', { type: 'integer', minimum: 0 }),
        query('limit', 'At most this many entries (default 100).', { type: 'integer', minimum: 1, maximum: 10000 }),
        query('format', 'json (default) or csv.', { enum: ['json', 'csv'] }),
      ],
    }),
  },
};
