/** JSON Schemas of the contract files in contracts/. */
const bilingual = {
  type: 'object',
  additionalProperties: false,
  required: ['fa', 'en'],
  properties: { fa: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
};
const slug = { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' };
const day = { type: 'string', format: 'date' };

export const AGENCY_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'roles'],
  properties: {
    id: slug,
    name: bilingual,
    roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['consumer', 'provider', 'working-group'] } },
    demo: { type: 'boolean' },
    apiKeys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'sha256'],
        properties: {
          id: slug,
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          networks: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          expires: day,
          certificate: {
            type: 'string',
            pattern: '^([0-9a-f]{64}|agency)$',
            description: 'The client certificate the key is bound to: its SHA-256 fingerprint (lowercase hex), or "agency" for any the agency registers.',
          },
        },
      },
    },
    certificates: {
      type: 'object',
      additionalProperties: false,
      description: "The client certificates the agency calls with; once it lists any, each of its keys needs one of them (issue 13).",
      properties: {
        fingerprints: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        issuers: {
          type: 'array',
          maxItems: 10,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['ca', 'subject'],
            properties: {
              ca: { type: 'string', minLength: 1, maxLength: 20000, description: 'The CA certificate (PEM) that issues the agency\'s client certificates.' },
              subject: { type: 'string', minLength: 1, maxLength: 1000, description: 'The subject they must carry, e.g. "CN=tax-gateway,O=Tax Organization".' },
            },
          },
        },
      },
    },
  },
} as const;

export const AGREEMENT_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['consumer', 'agreements'],
  properties: {
    consumer: slug,
    agreements: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'registry', 'service', 'dataItems', 'purposes', 'validFrom', 'validUntil', 'dailyQuota'],
        properties: {
          id: slug,
          registry: slug,
          service: slug,
          major: { type: 'integer', minimum: 1, description: 'The major version of the service the agreement covers; 1 when absent.' },
          dataItems: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
          purposes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' } },
          validFrom: day,
          validUntil: day,
          dailyQuota: { type: 'integer', minimum: 1 },
          resolution: { type: 'string', minLength: 1, description: "The working group's decision that approved this agreement." },
        },
      },
    },
  },
} as const;
