import { applyFieldMap, isJsonPointer, valueAtPointer } from './field-map';

describe('JSON pointers (RFC 6901)', () => {
  it.each(['', '/', '/parcel_no', '/a/0/b', '/a~1b', '/m~0n', '/with space'])('%j is a pointer', (text) => {
    expect(isJsonPointer(text)).toBe(true);
  });

  it.each(['parcel_no', '#/parcel_no', '/a~2', '/a~', '~1'])('%j is not a pointer', (text) => {
    expect(isJsonPointer(text)).toBe(false);
  });

  const document = { 'a/b': 1, 'm~n': 2, '': 3, list: [{ x: 'first' }, { x: 'second' }], nested: { deep: { value: 0 } }, nothing: null };

  it('finds values by escaped tokens, array indices and the empty key', () => {
    expect(valueAtPointer(document, '/a~1b')).toBe(1);
    expect(valueAtPointer(document, '/m~0n')).toBe(2);
    expect(valueAtPointer(document, '/')).toBe(3);
    expect(valueAtPointer(document, '/list/1/x')).toBe('second');
    expect(valueAtPointer(document, '/nested/deep/value')).toBe(0);
    expect(valueAtPointer(document, '')).toBe(document);
    expect(valueAtPointer(document, '/nothing')).toBeNull();
  });

  it('finds nothing past the document, in inherited properties, or at indices that are not plain numbers', () => {
    expect(valueAtPointer(document, '/missing')).toBeUndefined();
    expect(valueAtPointer(document, '/nothing/below')).toBeUndefined();
    expect(valueAtPointer(document, '/list/2')).toBeUndefined();
    expect(valueAtPointer(document, '/list/01')).toBeUndefined();
    expect(valueAtPointer(document, '/list/-')).toBeUndefined();
    expect(valueAtPointer(document, '/list/length')).toBeUndefined();
    expect(valueAtPointer(document, '/constructor')).toBeUndefined();
    expect(valueAtPointer(document, '/nested/deep/value/toString')).toBeUndefined();
  });
});

describe('applyFieldMap', () => {
  const answer = { parcel_no: 'P-17', area_m2: 250.5, owner: null, geo: { lat: 35.7, lng: 51.4 } };

  it('takes each property from its pointer', () => {
    expect(applyFieldMap({ parcelId: '/parcel_no', areaSquareMetres: '/area_m2' }, answer)).toEqual({ parcelId: 'P-17', areaSquareMetres: 250.5 });
  });

  it('leaves out a property whose pointer names nothing, and keeps null as null', () => {
    const mapped = applyFieldMap({ parcelId: '/parcel_no', use: '/land_use', owner: '/owner' }, answer);
    expect(mapped).toEqual({ parcelId: 'P-17', owner: null });
    expect(Object.hasOwn(mapped, 'use')).toBe(false);
  });

  it('builds nested objects from nested maps, and leaves out one with no field there', () => {
    expect(applyFieldMap({ coordinates: { latitude: '/geo/lat', longitude: '/geo/lng' }, missing: { a: '/x', b: '/y' } }, answer)).toEqual({
      coordinates: { latitude: 35.7, longitude: 51.4 },
    });
  });

  it('keeps a property named __proto__ a property', () => {
    // As a binding arrives: parsed JSON, where __proto__ is an own key.
    const mapped = applyFieldMap(JSON.parse('{"__proto__": "/parcel_no"}'), answer);
    expect(Object.getPrototypeOf(mapped)).toBe(Object.prototype);
    expect(JSON.stringify(mapped)).toBe('{"__proto__":"P-17"}');
  });
});
