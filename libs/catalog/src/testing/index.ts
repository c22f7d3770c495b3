import type { FieldError } from '@nix/domain';
import type { BindingCheck, ServiceVersionBody } from '../service-version';

/** A cadastre parcel service as a custodian would publish it (issue 12's "Done when"), with an http binding. */
export function parcelVersionBody(overrides: Partial<ServiceVersionBody> = {}): ServiceVersionBody {
  return {
    title: { fa: 'استعلام قطعه زمین', en: 'Parcel inquiry' },
    description: { fa: 'مساحت و کاربری قطعه را با شماره قطعه برمی‌گرداند.', en: "Given a parcel number, answers the parcel's area and land use." },
    request: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['parcelId'],
      properties: { parcelId: { type: 'string', pattern: '^[0-9]{4,12}$' } },
      examples: [{ parcelId: '123456' }],
    },
    response: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      properties: { parcelId: { type: 'string' }, areaSquareMetres: { type: 'number', minimum: 0 }, landUse: { enum: ['residential', 'agricultural', 'commercial'] } },
      examples: [{ parcelId: '123456', areaSquareMetres: 250.5, landUse: 'residential' }],
    },
    timeoutMs: 3000,
    loa: null,
    hours: [{ days: ['sat', 'sun', 'mon', 'tue', 'wed'], from: '08:00', until: '16:00' }],
    dataProtectionStatement: 'https://cadastre.example/privacy',
    binding: { kind: 'http', method: 'GET', url: 'https://registry.example/parcels/{parcelId}', response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2', landUse: '/use' } },
    ...overrides,
  };
}

/** A binding check that records what it was asked and answers the faults it is given. */
export class FakeBindingCheck {
  readonly calls: Array<Parameters<BindingCheck>> = [];
  faults: FieldError[] = [];

  readonly check: BindingCheck = async (binding, version) => {
    this.calls.push([binding, version]);
    return this.faults;
  };
}
