// Types for local-kafka.js (kept in step with its JSDoc), so TypeScript tests can import it:
//   import { startLocalKafka } from '../../deploy/kafka/local-kafka';

export interface LocalKafkaOptions {
  /** PLAINTEXT (client) port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** KRaft CONTROLLER port on 127.0.0.1. Default: a free port. */
  controllerPort?: number;
  /** server.properties and the Kafka log dirs (`<dataDir>/kraft`). Default: a fresh temp dir, deleted by destroy(). An already formatted dataDir is reused. */
  dataDir?: string;
  /** server.log and kafka.out go here. Default: `<dataDir>/logs`. */
  logDir?: string;
  /** Readiness timeout, default 60000. */
  startTimeoutMs?: number;
  /** Extra / overriding broker properties. */
  serverProperties?: Record<string, string | number | boolean>;
  /** Extra JVM arguments, appended after the defaults. */
  jvmArgs?: string[];
  /** SIGKILL the broker when this Node process exits or gets SIGINT/SIGTERM/SIGHUP without stop(). Default true. */
  killOnExit?: boolean;
  /** A SASL_SSL listener (SCRAM-SHA-512 users, keytool-made keystore, StandardAuthorizer) instead of PLAINTEXT. */
  secure?: SecureOptions;
}

export interface SecureOptions {
  /** SCRAM-SHA-512 users made at format time, besides the super user. Default: nix-broker, nix-adapter, nix-recorder. */
  users?: string[];
  /** Where the CA certificate, keystores and passwords go. Default: `<dataDir>/secure`. */
  dir?: string;
}

export interface SecureCredentials {
  readonly dir: string;
  /** PEM certificate the clients trust. */
  readonly caFile: string;
  readonly mechanism: 'scram-sha-512';
  /** The super user (controller, inter-broker, ACL administration). */
  readonly admin: { username: string; password: string };
  /** Password of each SCRAM user. */
  readonly users: Record<string, string>;
  /** The file holding a user's password (for KAFKA_SASL_PASSWORD_FILE). */
  passwordFile(username: string): string;
}

export interface LocalKafka {
  /** `127.0.0.1:PORT` */
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly logDir: string;
  /** Path of the broker's server.log. */
  readonly serverLog: string;
  readonly clusterId: string;
  /** A secure broker's credentials; null for PLAINTEXT. */
  readonly secure: SecureCredentials | null;
  /** PID (and process group id) of the broker JVM; the last one after stop(). */
  readonly pid: number;
  isRunning(): boolean;
  /** SIGTERM, wait for exit (30 s, then SIGKILL). Data is kept. No-op when not running. */
  stop(): Promise<void>;
  /** Stop if running, start again on the same ports and dataDir (no reformat), wait until ready. */
  restart(): Promise<void>;
  /** stop(), then delete dataDir if startLocalKafka created it. */
  destroy(): Promise<void>;
}

/** Start a single-node KRaft Kafka on 127.0.0.1; resolves once it answers requests. */
export function startLocalKafka(options?: LocalKafkaOptions): Promise<LocalKafka>;

/** Fetch the Kafka jars with Maven unless already present for the current pom.xml. Resolves to the lib dir. */
export function ensureJars(): Promise<string>;

/** The Kafka version pinned in pom.xml. */
export function kafkaVersion(): string;

/** deploy/kafka/.run/kafka.json, the CLI's state file. */
export const STATE_FILE: string;

/** The super user of a secure broker. */
export const SECURE_ADMIN_USER: string;
