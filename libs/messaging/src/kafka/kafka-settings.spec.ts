import { kafkaSecurity } from './kafka-settings';

describe('kafkaSecurity', () => {
  it('gives kafkajs nothing for plaintext Kafka', () => {
    expect(kafkaSecurity({})).toEqual({});
    expect(kafkaSecurity({ ssl: null, sasl: null })).toEqual({});
  });

  it('gives TLS with the configured CA, or the system CAs, and the SCRAM user', () => {
    const sasl = { mechanism: 'scram-sha-512' as const, username: 'nix-broker', password: 'p' };
    expect(kafkaSecurity({ ssl: { ca: 'PEM' }, sasl })).toEqual({ ssl: { ca: ['PEM'] }, sasl });
    expect(kafkaSecurity({ ssl: { ca: null } })).toEqual({ ssl: true });
    // SASL without TLS (SASL_PLAINTEXT) is Kafka's to allow; production refuses it in the configuration.
    expect(kafkaSecurity({ sasl })).toEqual({ sasl });
  });
});
