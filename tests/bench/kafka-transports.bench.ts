/**
 * Which Kafka transport carries inquiries: @nestjs/microservices' ClientKafka
 * and ServerKafka, or NIX's own kafkajs client/server pair. Both run the same
 * trivial handler over the same local broker; the figures decide (README).
 *
 *   node -r ./tests/bench/register.js tests/bench/kafka-transports.bench.ts   (KAFKA_BROKERS, or a local KRaft broker)
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { v7 } from 'uuid';
import { createLogger } from '@nix/observability';
import { createKafka, ensureTopics, KafkaInquiryClient, KafkaInquiryServer, type KafkaSettings } from '@nix/messaging';
import type { InquiryMessage } from '@nix/domain';
import { runContext, writeResults } from './bench-results';
import { SystemClock } from '@nix/platform';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Which transports to measure: BENCH_TRANSPORTS=nix measures NIX's alone. */
const TRANSPORTS = (process.env.BENCH_TRANSPORTS ?? 'nest,nix').split(',');

@Controller()
class EchoController {
  @MessagePattern('bench.echo')
  echoNest(@Payload() data: unknown) {
    return data;
  }

  @MessagePattern('inquiry.echo.v1')
  echoNix(@Payload() message: InquiryMessage) {
    return { exchangeId: message.exchangeId, status: 'ok', answer: message.body, adapterInstance: 'bench', adapterReceivedAt: 0, adapterRepliedAt: 0, registryMs: 0 };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

async function measure(name: string, send: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await send();
  const sequential: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await send();
    sequential.push(performance.now() - t);
  }
  const concurrent: number[] = [];
  const cpuBefore = process.cpuUsage();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < until) {
        const t = performance.now();
        await send();
        concurrent.push(performance.now() - t);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const pct = (values: number[], p: number) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length * p)] * 100) / 100;
  const result = {
    sequentialP50Ms: pct(sequential, 0.5),
    sequentialP99Ms: pct(sequential, 0.99),
    concurrent50ReqPerSec: Math.round(concurrent.length / SECONDS),
    concurrent50P50Ms: pct(concurrent, 0.5),
    concurrent50P99Ms: pct(concurrent, 0.99),
    // This process's CPU (client and server, every thread) per round trip at c=50; the Kafka JVM's is apart.
    concurrent50CpuUsPerRoundTrip: Math.round((cpu.user + cpu.system) / Math.max(concurrent.length, 1)),
  };
  process.stdout.write(`${name.padEnd(12)} ${JSON.stringify(result)}\n`);
  return result;
}

async function main(): Promise<void> {
  let brokers = process.env.KAFKA_BROKERS;
  let local: { destroy(): Promise<void> } | undefined;
  if (!brokers) {
    const { ensureJars, startLocalKafka } = await import('../../deploy/kafka/local-kafka');
    await ensureJars();
    const kafka = await startLocalKafka({ serverProperties: { 'num.partitions': 6 } });
    brokers = kafka.brokers;
    local = kafka;
  }
  const logger = createLogger({ level: 'error', instanceId: 'bench' });
  const results: Record<string, unknown> = {};
  const clock = new SystemClock();
  try {
    // NestJS ClientKafka / ServerKafka, on topics that exist before they subscribe.
    if (TRANSPORTS.includes('nest')) results.nestClientKafka = await measureNest(brokers, logger, clock);
    if (TRANSPORTS.includes('nix')) results.nixKafkajs = await measureNix(brokers, logger, clock);
  } finally {
    await local?.destroy();
  }
  writeResults({ kafkaTransports: { ...runContext(), ...results } });
}

async function measureNest(brokers: string, logger: ReturnType<typeof createLogger>, clock: SystemClock) {
  const admin = createKafka({ brokers: [brokers], clientId: 'bench', instanceId: 'bench', topicPrefix: 'bench', partitions: 6, replicationFactor: 1, inquiryRetentionMs: 300_000, trafficRetentionMs: 3_600_000, payloadKeys: [{ id: 'test', key: randomBytes(32) }] }, logger, 'admin').admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic: 'bench.echo', numPartitions: 6 }, { topic: 'bench.echo.reply', numPartitions: 1 }], clock);
  await admin.disconnect();
  const nestServer: INestMicroservice = await NestFactory.createMicroservice(EchoModule, {
    transport: Transport.KAFKA,
    options: { client: { brokers: [brokers], clientId: 'bench-nest-server' }, consumer: { groupId: `bench-nest-${Date.now()}` } },
    logger: false,
  });
  await nestServer.listen();
  const nestClient = new ClientKafka({ client: { brokers: [brokers], clientId: 'bench-nest-client' }, consumer: { groupId: `bench-nest-client-${Date.now()}` } });
  nestClient.subscribeToResponseOf('bench.echo');
  await nestClient.connect();
  const result = await measure('ClientKafka', () => lastValueFrom(nestClient.send('bench.echo', { postalCode: '1193653471' })));
  await nestClient.close();
  await nestServer.close();
  return result;
}

/** NIX's kafkajs transport. */
async function measureNix(brokers: string, logger: ReturnType<typeof createLogger>, clock: SystemClock) {
  const settings: KafkaSettings = {
    brokers: [brokers],
    clientId: 'bench',
    instanceId: `bench-${Date.now()}`,
    topicPrefix: `bench${Date.now()}`,
    partitions: 6,
    replicationFactor: 1,
    inquiryRetentionMs: 300_000,
    trafficRetentionMs: 3_600_000,
    payloadKeys: [{ id: 'test', key: randomBytes(32) }],
  };
  const nixServer = await NestFactory.createMicroservice(EchoModule, { strategy: new KafkaInquiryServer({ settings, logger, clock }), logger: false });
  await nixServer.listen();
  const nixClient = new KafkaInquiryClient({ settings, logger, clock, addresses: ['inquiry.echo.v1'] });
  await nixClient.ready();
  const message = (): InquiryMessage => ({
    exchangeId: v7(),
    registry: 'echo',
    service: 'echo',
    version: '1.0.0',
    consumer: 'bench',
    purpose: 'bench',
    deadline: Date.now() + 10_000,
    body: { postalCode: '1193653471' },
  });
  // request(): the promise path the broker's dispatcher takes (send() wraps it in rxjs).
  const result = await measure('NIX kafkajs', () => nixClient.request('inquiry.echo.v1', message(), 10_000));
  await nixClient.close();
  await nixServer.close();
  return result;
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
