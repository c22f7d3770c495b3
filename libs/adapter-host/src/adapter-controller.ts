import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { InquiryMessage, InquiryReply } from '@nix/domain';
import { AdapterHost } from '@nix/registries';

/**
 * The message handler of one registry's inquiry address. It never sees the transport:
 * the in-process or Kafka server calls it with the inquiry.
 */
export function adapterControllerFor(registry: string, address: string): Type {
  @Controller()
  class RegistryInquiryHandler {
    constructor(@Inject(AdapterHost) private readonly host: AdapterHost) {}

    @MessagePattern(address)
    handle(@Payload() message: InquiryMessage): Promise<InquiryReply | null> {
      return this.host.handle(message);
    }
  }
  Object.defineProperty(RegistryInquiryHandler, 'name', { value: `${registry.replace(/(^|-)(\w)/g, (_, _d, c: string) => c.toUpperCase())}InquiryHandler` });
  return RegistryInquiryHandler;
}
