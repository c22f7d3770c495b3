import { Injectable } from '@nestjs/common';

/**
 * Guards the relay to each registry. Every call passes through here, so the
 * circuit breakers of the resilience work attach in one place.
 */
@Injectable()
export class RegistryGuards {
  guard<T>(_registry: string, operation: () => Promise<T>): Promise<T> {
    return operation();
  }
}
