import pino, { type DestinationStream, type Logger } from 'pino';
import { maskIdentifiers, REDACTED_FIELDS } from './redaction';

export interface LoggerOptions {
  level: string;
  instanceId: string;
  destination?: DestinationStream;
}

/** The one pino logger of a NIX process: JSON lines, identifiers redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { instance: options.instanceId },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
      serializers: {
        err: (error: Error) => {
          const serialized = pino.stdSerializers.err(error);
          return { ...serialized, message: maskIdentifiers(serialized.message ?? ''), stack: maskIdentifiers(serialized.stack ?? '') };
        },
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskIdentifiers(arg) : arg)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
