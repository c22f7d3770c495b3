import { PayloadSealer, type PayloadKey } from '@nix/messaging';

/** What an agency is told of an event, and all it is told (R18): the person's key and the day of the change. */
export interface NotificationContent {
  nationalId: string;
  changedOn: string;
}

export interface SealedNotification {
  keyId: string;
  value: Buffer;
}

/**
 * Pending notifications at rest: AES-256-GCM under NIX_NOTIFICATION_KEYS, with the same sealer as Kafka payloads,
 * bound to the event and the agency it is for (a row copied to another agency's queue does not open). Nothing
 * plain is written, not even in a row that is later deleted and left dead on disk.
 */
export class NotificationSealer {
  private readonly sealer: PayloadSealer;

  constructor(keys: readonly PayloadKey[]) {
    this.sealer = new PayloadSealer(keys);
  }

  seal(content: NotificationContent, eventId: string, agency: string): SealedNotification {
    return this.sealer.seal(Buffer.from(JSON.stringify([content.nationalId, content.changedOn]), 'utf8'), binding(eventId, agency));
  }

  open(sealed: SealedNotification, eventId: string, agency: string): NotificationContent {
    const [nationalId, changedOn] = JSON.parse(this.sealer.open(sealed.value, sealed.keyId, binding(eventId, agency)).toString('utf8')) as [string, string];
    return { nationalId, changedOn };
  }

  /** A webhook's signing secret, sealed like a notification (bound to its agency). */
  sealSecret(secret: string, agency: string): SealedNotification {
    return this.sealer.seal(Buffer.from(secret, 'utf8'), binding('webhook-secret', agency));
  }

  openSecret(sealed: SealedNotification, agency: string): string {
    return this.sealer.open(sealed.value, sealed.keyId, binding('webhook-secret', agency)).toString('utf8');
  }
}

function binding(eventId: string, agency: string): { exchangeId: string; topic: string } {
  return { exchangeId: eventId, topic: `notification:${agency}` };
}
