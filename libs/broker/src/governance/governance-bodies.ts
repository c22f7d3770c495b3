import { ProblemError } from '@nix/domain';
import { createSchemaCompiler, fieldErrorsOf } from '@nix/catalog';
import type { AgreementAmendment, Dispute } from '@nix/governance';

const slug = { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' };
const day = { type: 'string', format: 'date' };
/** Text the store can hold: no NUL or other control characters but tab and line breaks. */
const PLAIN_TEXT = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: PLAIN_TEXT });
const items = { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 100 } };
const purposes = { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 63 } };
const quota = { type: 'integer', minimum: 1, maximum: 1_000_000_000 };
const major = {
  type: 'integer',
  minimum: 1,
  maximum: 999_999,
  default: 1,
  description: 'The major version of the service covered (1 when absent); data items are checked against its newest published version.',
};
const resolution = text(500);
const note = { type: 'string', maxLength: 2000, pattern: PLAIN_TEXT };
const object = (properties: Record<string, unknown>, required: string[], extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  ...extra,
});

/** The JSON Schemas of the governance request bodies: the API validates with them and the OpenAPI document shows them. */
export const GOVERNANCE_BODY_SCHEMAS = {
  agency: object(
    {
      id: slug,
      name: object({ fa: text(200), en: text(200) }, ['fa', 'en']),
      roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['consumer', 'provider', 'working-group'] } },
    },
    ['id', 'name', 'roles'],
  ),
  apiKey: object(
    {
      expires: { ...day, description: 'The last day the key works (YYYY-MM-DD).' },
      networks: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 64 }, description: 'Networks (CIDR) the key works from.' },
      certificate: {
        type: 'string',
        maxLength: 100,
        description: "SHA-256 fingerprint of the agency's client certificate the key is bound to (hex, colons allowed), or \"agency\": any certificate the agency registers.",
      },
    },
    [],
  ),
  certificates: object(
    {
      certificates: {
        type: 'array',
        maxItems: 20,
        items: { type: 'string', maxLength: 100 },
        description: "SHA-256 fingerprints of the agency's client certificates (hex, colons allowed); [] (or absent) registers none.",
      },
      issuers: {
        type: 'array',
        maxItems: 10,
        items: object(
          {
            ca: { type: 'string', minLength: 1, maxLength: 20_000, description: "The CA certificate (PEM) that issues the agency's client certificates." },
            subject: { type: 'string', minLength: 1, maxLength: 1000, description: 'The subject they must carry: "CN=tax-gateway,O=Tax Organization" (any order).' },
          },
          ['ca', 'subject'],
        ),
        description: "The CAs the agency's client certificates are issued by, each with the subject they must carry; [] (or absent) registers none.",
      },
    },
    [],
    { minProperties: 1 },
  ),
  accessRequest: object(
    { registry: slug, service: slug, major, dataItems: items, purposes, dailyQuota: quota, validFrom: day, validUntil: day, justification: text(4000) },
    ['registry', 'service', 'dataItems', 'purposes', 'dailyQuota', 'justification'],
  ),
  custodianStep: object({ note }, []),
  decision: object({ decision: { enum: ['approved', 'rejected'] }, resolution, note }, ['decision', 'resolution']),
  agreement: object(
    { id: slug, consumer: slug, registry: slug, service: slug, major, dataItems: items, purposes, dailyQuota: quota, validFrom: day, validUntil: day, resolution },
    ['consumer', 'registry', 'service', 'dataItems', 'purposes', 'dailyQuota', 'validFrom', 'validUntil', 'resolution'],
  ),
  amendment: object({ dailyQuota: quota, dataItems: items, purposes, validFrom: day, validUntil: day, resolution }, ['resolution'], { minProperties: 2 }),
  resolution: object({ resolution }, ['resolution']),
  serviceRequest: object({ description: text(4000) }, ['description']),
  triage: object({ outcome: { enum: ['accepted', 'rejected'] }, custodian: slug, reason: text(2000) }, ['outcome']),
  dispute: object(
    { subject: object({ kind: { enum: ['agreement', 'access-request'] }, id: text(200) }, ['kind', 'id']), statement: text(4000) },
    ['subject', 'statement'],
  ),
} as const;

export interface AgencyBody {
  id: string;
  name: { fa: string; en: string };
  roles: Array<'consumer' | 'provider' | 'working-group'>;
}
export interface ApiKeyBody {
  expires?: string;
  networks?: string[];
  certificate?: string;
}
export interface CertificatesBody {
  certificates?: string[];
  issuers?: { ca: string; subject: string }[];
}
export interface AccessRequestBody {
  registry: string;
  service: string;
  major?: number;
  dataItems: string[];
  purposes: string[];
  dailyQuota: number;
  validFrom?: string;
  validUntil?: string;
  justification: string;
}
export interface CustodianStepBody {
  note?: string;
}
export interface DecisionBody {
  decision: 'approved' | 'rejected';
  resolution: string;
  note?: string;
}
export interface AgreementBody {
  id?: string;
  consumer: string;
  registry: string;
  service: string;
  major?: number;
  dataItems: string[];
  purposes: string[];
  dailyQuota: number;
  validFrom: string;
  validUntil: string;
  resolution: string;
}
export type AmendmentBody = AgreementAmendment;
export interface ResolutionBody {
  resolution: string;
}
export interface ServiceRequestBody {
  description: string;
}
export interface TriageBody {
  outcome: 'accepted' | 'rejected';
  custodian?: string;
  reason?: string;
}
export interface DisputeBody {
  subject: Dispute['subject'];
  statement: string;
}

interface BodyTypes {
  agency: AgencyBody;
  apiKey: ApiKeyBody;
  certificates: CertificatesBody;
  accessRequest: AccessRequestBody;
  custodianStep: CustodianStepBody;
  decision: DecisionBody;
  agreement: AgreementBody;
  amendment: AmendmentBody;
  resolution: ResolutionBody;
  serviceRequest: ServiceRequestBody;
  triage: TriageBody;
  dispute: DisputeBody;
}
export type GovernanceBodyName = keyof typeof GOVERNANCE_BODY_SCHEMAS;

const ajv = createSchemaCompiler();
const validators = Object.fromEntries(Object.entries(GOVERNANCE_BODY_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));

/** The body, typed, if it matches its schema; otherwise a 400 problem naming each field at fault. */
export function governanceBody<N extends GovernanceBodyName>(name: N, body: unknown): BodyTypes[N] {
  // A POST without a body (no Content-Type) stands for an empty object where every field is optional.
  const value = body === undefined || body === null ? {} : body;
  const validate = validators[name];
  if (validate(value)) return value as unknown as BodyTypes[N];
  const errors = fieldErrorsOf(validate.errors, value, 'request');
  throw new ProblemError('invalid-request', `The body is not a valid ${name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}: ${errors.map((e) => `${e.pointer || '(body)'} ${e.detail}`).join('; ')}.`, { errors });
}
