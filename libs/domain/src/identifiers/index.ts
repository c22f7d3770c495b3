import { gtinProblem } from './gtin';
import { iranCodeProblem } from './iran-code';
import { legalEntityIdProblem } from './legal-entity-id';
import { nationalIdProblem } from './national-id';
import { plateProblem } from './plate';
import { postalCodeProblem } from './postal-code';
import { vinProblem } from './vin';

export * from './gtin';
export * from './iran-code';
export * from './legal-entity-id';
export * from './national-id';
export * from './plate';
export * from './postal-code';
export * from './vin';

/**
 * The identifier formats that inquiry schemas may name with "format".
 * Each returns a reason when the value is not valid, or null.
 */
export const IDENTIFIER_FORMATS: Readonly<Record<string, (value: string) => string | null>> = {
  'ir-national-id': nationalIdProblem,
  'ir-legal-entity-id': legalEntityIdProblem,
  'ir-postal-code': postalCodeProblem,
  'ir-plate': plateProblem,
  vin: vinProblem,
  gtin: gtinProblem,
  'ir-iran-code': iranCodeProblem,
};
