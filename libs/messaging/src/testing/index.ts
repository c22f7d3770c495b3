import type { EachBatchPayload, Message } from 'kafkajs';

/**
 * What kafkajs hands a consumer's eachBatch, for specs that drive a consumer
 * by hand: the messages at offsets from firstOffset, a lag, and the offsets
 * the consumer resolves pushed into `resolved`.
 */
export function eachBatchPayload(topic: string, messages: Message[], options: { resolved?: string[]; offsetLag?: number; firstOffset?: number } = {}): EachBatchPayload {
  const { resolved = [], offsetLag = 0, firstOffset = 0 } = options;
  const records = messages.map((m, i) => ({ key: null, headers: {}, ...m, offset: String(firstOffset + i), timestamp: '0', attributes: 0 }));
  return {
    batch: {
      topic,
      partition: 0,
      messages: records,
      offsetLag: () => String(offsetLag),
      firstOffset: () => records[0]?.offset ?? null,
      lastOffset: () => records[records.length - 1]?.offset ?? '-1',
    },
    resolveOffset: (offset: string) => void resolved.push(offset),
    heartbeat: async () => undefined,
    commitOffsetsIfNecessary: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}
