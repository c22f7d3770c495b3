/**
 * Log lines must never carry the identifiers of the people, companies,
 * vehicles, addresses or goods asked about (R3). Known fields are removed by
 * pino's redaction; anything that still looks like an identifier inside a
 * message or error text is masked here.
 */
export const REDACTED_FIELDS = [
  'body',
  'answer',
  'payload',
  'request.body',
  'req.body',
  'message.body',
  'req.headers.authorization',
  'req.headers["x-tracking-code"]',
  'headers.authorization',
  'headers["x-tracking-code"]',
  'trackingCode',
  ...['nationalId', 'ownerNationalId', 'producerNationalId', 'postalCode', 'plate', 'vin', 'gtin', 'iranCode'].flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

const IDENTIFIER_LIKE = [
  /\b\d{8,16}\b/g, // national IDs, legal-entity IDs, postal codes, GTINs, Iran Codes
  /\d{2}\s?\p{Script=Arabic}{1,3}\s?\d{3}\s?-?\s?\d{2}/gu, // plates
  /\b[A-HJ-NPR-Z0-9]{17}\b/g, // VINs
];

export function maskIdentifiers(text: string): string {
  let masked = text;
  for (const pattern of IDENTIFIER_LIKE) masked = masked.replace(pattern, '[redacted]');
  return masked;
}
