import { randomUUID } from 'node:crypto';
import type { SampleRegistry } from './sample-registry';

/** A `person-changed` event as the identity registry's adapter writes it: the key and the day, never what changed (R18). */
export interface IdentityChange {
  eventId: string;
  eventType: 'person-changed';
  body: { nationalId: string; changedOn: string };
}

/** Where the changes go: the custodian's event topic (KafkaEventPublisher), or any other publisher of events. */
export interface IdentityChangeSink {
  publish(registry: 'identity', events: IdentityChange[]): Promise<void>;
}

/**
 * The identity sample registry announcing that persons' identity data changed (issue 14), for tests and the demo.
 * A registry announces changes of persons it holds only: other IDs are left out.
 */
export class SampleIdentityChanges {
  constructor(
    private readonly registry: SampleRegistry,
    private readonly sink: IdentityChangeSink,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** National IDs of the first `count` persons the sample registry holds (for a demo's subscriptions). */
  persons(count: number): string[] {
    return this.registry.dataset.persons.slice(0, count).map((p) => p.nationalId);
  }

  /** Announces changes on `changedOn` (YYYY-MM-DD) of the persons among `nationalIds` that the registry holds. */
  async emit(nationalIds: readonly string[], changedOn: string): Promise<IdentityChange[]> {
    const held = new Set(this.registry.dataset.persons.map((p) => p.nationalId));
    const events = nationalIds.filter((id) => held.has(id)).map((nationalId) => ({ eventId: this.newId(), eventType: 'person-changed' as const, body: { nationalId, changedOn } }));
    if (events.length > 0) await this.sink.publish('identity', events);
    return events;
  }
}
