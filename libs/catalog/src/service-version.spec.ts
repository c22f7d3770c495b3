import { CatalogueInputError, checkVersionBody, checkVersionOrder, compareSemver, dataItemsOf, parseSemver, VersionPublishedError, versionBodyErrors } from '@nix/catalog';
import { FakeBindingCheck, parcelVersionBody } from '@nix/catalog/testing';

const WHERE = { registry: 'cadastre', service: 'parcel', version: '1.0.0' };

function inputErrors(run: () => unknown): CatalogueInputError['errors'] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueInputError);
    return (error as CatalogueInputError).errors;
  }
  throw new Error('expected a CatalogueInputError');
}

describe('semantic versions', () => {
  it('parses MAJOR.MINOR.PATCH and refuses anything else', () => {
    expect(parseSemver('2.10.3')).toEqual([2, 10, 3]);
    for (const bad of ['2', '2.1', 'v2.1.0', '2.1.0-beta', '02.1.0', '2.1.0+build', '']) expect([bad, parseSemver(bad)]).toEqual([bad, null]);
  });

  it('compares numerically, not as text', () => {
    expect(['1.10.0', '1.2.0', '2.0.0', '1.2.10', '1.2.9'].sort(compareSemver)).toEqual(['1.2.0', '1.2.9', '1.2.10', '1.10.0', '2.0.0']);
  });
});

describe('checkVersionOrder: a version never goes backwards', () => {
  const order = (published: string[], version: string) => () => checkVersionOrder(published, version, `cadastre/parcel ${version}`);

  it('accepts a first version, a greater version of a major, a new greatest major, and a fix to an older major', () => {
    expect(order([], '1.0.0')).not.toThrow();
    expect(order(['1.0.0'], '1.0.1')).not.toThrow();
    expect(order(['1.0.0', '1.0.1'], '1.1.0')).not.toThrow();
    expect(order(['1.0.0'], '2.0.0')).not.toThrow();
    expect(order(['1.0.0', '2.0.0'], '1.1.0')).not.toThrow();
    expect(order(['1.0.0'], '3.0.0')).not.toThrow();
  });

  it('refuses a version lower than the newest of its major, naming it', () => {
    expect(inputErrors(order(['1.0.0', '1.4.0'], '1.3.9'))).toEqual([
      { pointer: '/version', detail: 'goes backwards: it must be greater than 1.4.0, the newest published version of major 1' },
    ]);
  });

  it('refuses a new major below the newest major', () => {
    expect(inputErrors(order(['1.0.0', '3.0.0'], '2.0.0'))).toEqual([
      { pointer: '/version', detail: 'goes backwards: a new major version must be greater than 3, the newest major published' },
    ]);
  });

  it('refuses to publish a version again: published versions are immutable (409)', () => {
    expect(order(['1.0.0'], '1.0.0')).toThrow(VersionPublishedError);
  });

  it('refuses a version that is not MAJOR.MINOR.PATCH, or of major 0', () => {
    expect(inputErrors(order([], '1.0'))[0].pointer).toBe('/version');
    expect(inputErrors(order([], '0.9.0'))).toEqual([{ pointer: '/version', detail: 'must have a major version of at least 1' }]);
  });
});

describe('the publishing rules of a version body', () => {
  it('accepts a good body and answers its data items', () => {
    expect(versionBodyErrors(parcelVersionBody())).toEqual([]);
    expect(dataItemsOf(parcelVersionBody())).toEqual(['parcelId', 'areaSquareMetres', 'landUse']);
  });

  it('names the example that fails its schema, and why', () => {
    const body = parcelVersionBody();
    body.request.examples = [{ parcelId: '123456' }, { parcelId: 'abc' }];
    body.response.examples = [{ parcelId: '1', areaSquareMetres: -1 }];
    expect(versionBodyErrors(body)).toEqual([
      { pointer: '/request/examples/1', detail: 'does not match its schema: /parcelId must match pattern "^[0-9]{4,12}$"' },
      { pointer: '/response/examples/0', detail: 'does not match its schema: /areaSquareMetres must be >= 0' },
    ]);
  });

  it('refuses a pattern that can backtrack catastrophically, naming where it is, and keeps linear ones', () => {
    const body = parcelVersionBody();
    body.request.properties = { parcelId: { type: 'string', pattern: '^(a+)+$' } };
    body.response.patternProperties = { '^(x*)*y$': { type: 'string' } };
    expect(versionBodyErrors(body)).toEqual([
      { pointer: '/request/properties/parcelId/pattern', detail: expect.stringContaining('can backtrack catastrophically') },
      { pointer: '/response/patternProperties', detail: expect.stringContaining('can backtrack catastrophically') },
    ]);
    // The same words in an example or an enum are data, not patterns.
    const data = parcelVersionBody();
    data.request.examples = [{ parcelId: '123456', pattern: '^(a+)+$' }];
    data.request.additionalProperties = true;
    expect(versionBodyErrors(data)).toEqual([]);
  });

  it('requires at least one example in each schema', () => {
    const body = parcelVersionBody();
    delete body.request.examples;
    body.response.examples = [];
    expect(versionBodyErrors(body)).toEqual([
      { pointer: '/request/examples', detail: 'must hold at least one working example' },
      { pointer: '/response/examples', detail: 'must hold at least one working example' },
    ]);
  });

  it('refuses a schema that is not valid JSON Schema 2020-12', () => {
    const body = parcelVersionBody();
    (body.request.properties as any).parcelId.type = 'text';
    expect(versionBodyErrors(body)).toEqual([{ pointer: '/request', detail: expect.stringMatching(/^is not a valid JSON Schema 2020-12: /) }]);
    const unknownKeyword = parcelVersionBody({ request: { ...parcelVersionBody().request, maxLenght: 3 } });
    expect(versionBodyErrors(unknownKeyword)).toEqual([{ pointer: '/request', detail: expect.stringContaining('unknown keyword: "maxLenght"') }]);
  });

  it('refuses another draft of JSON Schema', () => {
    const body = parcelVersionBody({ response: { ...parcelVersionBody().response, $schema: 'http://json-schema.org/draft-07/schema#' } });
    expect(versionBodyErrors(body)).toEqual([{ pointer: '/response/$schema', detail: 'must be https://json-schema.org/draft/2020-12/schema (or absent)' }]);
  });

  it('requires the answer to declare its data items as top-level properties', () => {
    const body = parcelVersionBody({ response: { type: 'object', examples: [{}] } });
    expect(versionBodyErrors(body)).toEqual([{ pointer: '/response/properties', detail: 'must declare the data items as top-level properties' }]);
  });

  it('names every other field at fault at once', () => {
    const body = {
      ...parcelVersionBody(),
      title: { fa: '', en: 'Parcel' },
      timeoutMs: 50,
      loa: 'medium',
      hours: [{ days: ['sat', 'someday'], from: '16:00', until: '08:00' }, { days: ['fri'], from: '8', until: '12:00' }],
      dataProtectionStatement: 'http://cadastre.example/privacy',
      binding: { method: 'GET' },
      owner: 'me',
    };
    expect(versionBodyErrors(body)).toEqual([
      { pointer: '/owner', detail: 'is not a field of a service version' },
      { pointer: '/title', detail: 'must have non-empty fa and en texts' },
      { pointer: '/timeoutMs', detail: 'must be an integer from 100 to 60000' },
      { pointer: '/loa', detail: 'must be one of low, substantial, high, or null for a service that answers no identity check' },
      { pointer: '/hours/0/days', detail: 'must name days once each, of sat, sun, mon, tue, wed, thu, fri' },
      { pointer: '/hours/0/until', detail: 'must be after from (write a span across midnight as two)' },
      { pointer: '/hours/1/from', detail: 'must be a time HH:MM' },
      { pointer: '/dataProtectionStatement', detail: 'must be an https URL (R14: the data-protection statement)' },
      { pointer: '/binding', detail: 'must be an object with a kind' },
    ]);
  });

  it('requires loa to be stated, null included, and accepts 24x7 and until 24:00', () => {
    const { loa: _loa, ...withoutLoa } = parcelVersionBody();
    expect(versionBodyErrors(withoutLoa)[0].pointer).toBe('/loa');
    expect(versionBodyErrors(parcelVersionBody({ loa: 'high', hours: '24x7' }))).toEqual([]);
    expect(versionBodyErrors(parcelVersionBody({ hours: [{ days: ['thu'], from: '20:00', until: '24:00' }] }))).toEqual([]);
  });

  it('refuses a body that is not an object', () => {
    expect(versionBodyErrors([parcelVersionBody()])).toEqual([{ pointer: '', detail: 'must be a JSON object' }]);
  });
});

describe('checkVersionBody', () => {
  it('runs the binding check on a good body and answers only the fields of a version', async () => {
    const bindings = new FakeBindingCheck();
    const checked = await checkVersionBody(parcelVersionBody(), WHERE, bindings.check);
    expect(checked).toEqual(parcelVersionBody());
    expect(bindings.calls).toHaveLength(1);
    expect(bindings.calls[0][0]).toEqual(parcelVersionBody().binding);
    expect(bindings.calls[0][1]).toMatchObject({ registry: 'cadastre', service: 'parcel', version: '1.0.0' });
  });

  it("refuses with the binding check's faults, naming the example or field", async () => {
    const bindings = new FakeBindingCheck();
    bindings.faults = [{ pointer: '/request/examples/0', detail: 'the registry answered 500 for this example' }];
    await expect(checkVersionBody(parcelVersionBody(), WHERE, bindings.check)).rejects.toMatchObject({ errors: bindings.faults });
  });

  it('does not run the binding check when the body is already refused', async () => {
    const bindings = new FakeBindingCheck();
    await expect(checkVersionBody(parcelVersionBody({ timeoutMs: 0 }), WHERE, bindings.check)).rejects.toBeInstanceOf(CatalogueInputError);
    expect(bindings.calls).toHaveLength(0);
  });
});
