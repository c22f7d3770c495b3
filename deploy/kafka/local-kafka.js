#!/usr/bin/env node
// Local single-node KRaft Apache Kafka (combined broker + controller) for NIX tests and development.
// The broker jars come from Maven Central through deploy/kafka/pom.xml; Java 17+ runs them.
// No dependencies beyond Node built-ins. See deploy/kafka/README.md.
//
//   const { startLocalKafka } = require('./deploy/kafka/local-kafka.js');
//   const kafka = await startLocalKafka();          // { brokers: '127.0.0.1:PORT', ... }
//   ...
//   await kafka.stop(); await kafka.restart();      // same ports, same data
//   await kafka.destroy();                          // stop + delete the temp data dir
//
// CLI: node deploy/kafka/local-kafka.js start [--secure]|stop|status|jars
'use strict';

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const tls = require('node:tls');

const KAFKA_DIR = __dirname;
const POM_FILE = path.join(KAFKA_DIR, 'pom.xml');
const LOG4J_CONFIG = path.join(KAFKA_DIR, 'log4j2.xml');
const TARGET_DIR = path.join(KAFKA_DIR, 'target');
const LIB_DIR = path.join(TARGET_DIR, 'lib');
const JARS_MARKER = path.join(LIB_DIR, '.pom.sha256');
const RUN_DIR = path.join(KAFKA_DIR, '.run');
const STATE_FILE = path.join(RUN_DIR, 'kafka.json');
const LOCK_FILE = path.join(RUN_DIR, 'start.lock');
/** Where `start --secure` writes the CA certificate and the generated passwords (git-ignored, like the jars). */
const CLI_SECURE_DIR = path.join(TARGET_DIR, 'secure');
/** The super user (controller, inter-broker, ACL administration) of a secure broker. */
const SECURE_ADMIN_USER = 'nix-kafka-admin';
/** The SCRAM users `start --secure` makes when KAFKA_SECURE_USERS is unset: one per NIX role. */
const SECURE_DEFAULT_USERS = ['nix-broker', 'nix-adapter', 'nix-recorder'];

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const READY_LINE = /Kafka Server started/; // "[KafkaRaftServer nodeId=1] Kafka Server started"
const LOG_TAIL_LINES = 30;

/**
 * @typedef {object} LocalKafkaOptions
 * @property {number} [port] PLAINTEXT (client) port on 127.0.0.1. Default: a free port.
 * @property {number} [controllerPort] KRaft CONTROLLER port on 127.0.0.1. Default: a free port.
 * @property {string} [dataDir] Directory for server.properties and the Kafka log dirs (`<dataDir>/kraft`).
 *   Default: a fresh temp dir (deleted by `destroy()`). An existing, already formatted dataDir is reused as is.
 * @property {string} [logDir] Where server.log (log4j2) and kafka.out (JVM stdout/stderr) go. Default: `<dataDir>/logs`.
 * @property {number} [startTimeoutMs] How long to wait for readiness (default 60000).
 * @property {Record<string, string|number|boolean>} [serverProperties] Extra / overriding broker properties.
 * @property {string[]} [jvmArgs] Extra JVM arguments (appended after the defaults, so they win, e.g. '-Xmx512m').
 * @property {boolean} [killOnExit] Kill the broker (SIGKILL) when this Node process exits or gets
 *   SIGINT/SIGTERM/SIGHUP without having called stop(). Default true; the CLI `start` sets it to false.
 * @property {SecureOptions} [secure] A SASL_SSL listener (SCRAM-SHA-512 users, a keystore made with keytool, the
 *   StandardAuthorizer) instead of PLAINTEXT.
 */

/**
 * @typedef {object} SecureOptions
 * @property {string[]} [users] SCRAM-SHA-512 users to make at format time, besides the super user. Default: nix-broker, nix-adapter, nix-recorder.
 * @property {string} [dir] Where the CA certificate, keystores and passwords go. Default: `<dataDir>/secure`.
 */

/**
 * @typedef {object} SecureCredentials
 * @property {string} dir
 * @property {string} caFile PEM certificate the clients trust (the broker's self-signed certificate).
 * @property {'scram-sha-512'} mechanism
 * @property {{ username: string, password: string }} admin The super user (its ACLs are not checked).
 * @property {Record<string, string>} users Password of each SCRAM user.
 * @property {(username: string) => string} passwordFile The file holding a user's password (for KAFKA_SASL_PASSWORD_FILE).
 */

/**
 * @typedef {object} LocalKafka
 * @property {string} brokers `127.0.0.1:PORT`, ready for a client's `brokers` / `bootstrap.servers`.
 * @property {number} port PLAINTEXT port.
 * @property {number} controllerPort CONTROLLER port.
 * @property {string} dataDir
 * @property {string} logDir
 * @property {string} serverLog Path of the broker's server.log.
 * @property {string} clusterId KRaft cluster id the storage was formatted with ('' when an existing dataDir was reused and unreadable).
 * @property {number} pid PID of the running JVM (also its process group id); the last one after stop().
 * @property {() => boolean} isRunning
 * @property {() => Promise<void>} stop SIGTERM, wait for exit (30 s, then SIGKILL). No-op when not running.
 * @property {() => Promise<void>} restart Stop if running, start again on the same ports and dataDir (no reformat), wait ready.
 * @property {() => Promise<void>} destroy stop(), then delete dataDir if it was created by startLocalKafka.
 * @property {SecureCredentials|null} secure The credentials of a secure broker; null for PLAINTEXT.
 */

// ---------------------------------------------------------------------------------------------
// small helpers

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @returns {string} */
function kafkaVersion() {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM_FILE, 'utf8'));
  return m ? m[1].trim() : 'unknown';
}

/** @returns {string} */
function javaBin() {
  if (process.env.JAVA_HOME) {
    const candidate = path.join(process.env.JAVA_HOME, 'bin', 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  return 'java';
}

/**
 * Run a command, capture its output.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [opts]
 * @returns {Promise<{ code: number|null, signal: NodeJS.Signals|null, output: string }>}
 */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const chunks = [];
    child.stdout?.on('data', (c) => chunks.push(c));
    child.stderr?.on('data', (c) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/**
 * @param {string} text
 * @param {number} n
 * @returns {string}
 */
function lastLines(text, n) {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * Last `n` lines of a file ('' when missing). Reads at most the last 256 KiB.
 * @param {string} file
 * @param {number} n
 * @returns {string}
 */
function tailFile(file, n) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 256 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return lastLines(buf.toString('utf8'), n);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * ERROR/FATAL lines (with up to 4 continuation lines each, e.g. a stack trace) logged after `offset`.
 * @param {string} file
 * @param {number} offset
 * @returns {string}
 */
function errorLines(file, offset) {
  let text = '';
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = size < offset ? 0 : offset;
      const len = Math.min(size - start, 8 * 1024 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, start);
      text = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
  /** @type {string[]} */
  const out = [];
  let continuation = 0;
  for (const line of text.split('\n')) {
    if (/^\[[^\]]+\] (ERROR|FATAL) /.test(line)) {
      out.push(line);
      continuation = 4;
    } else if (continuation > 0 && line && !line.startsWith('[')) {
      out.push(line);
      continuation--;
    } else {
      continuation = 0;
    }
    if (out.length >= 40) break;
  }
  return out.join('\n');
}

/** @param {string} file @returns {number} */
function fileSize(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** @param {number} pid @returns {boolean} */
function pidAlive(pid) {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) is not "running".
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    /* no /proc: trust kill(0) */
  }
  return true;
}

/**
 * True when pid is alive and (where /proc exists) really is a Kafka JVM — guards against PID reuse.
 * @param {number} pid
 * @returns {boolean}
 */
function isKafkaPid(pid) {
  if (!pidAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return true;
  }
}

/**
 * Signal the JVM's whole process group (it is its own group leader), falling back to the pid.
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
function signalKafka(pid, signal) {
  try {
    process.kill(-pid, signal);
    return;
  } catch {
    /* fall through */
  }
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * SIGTERM, wait up to `timeoutMs`, then SIGKILL and wait again.
 * @param {number} pid
 * @param {number} [timeoutMs]
 * @returns {Promise<void>}
 */
async function terminate(pid, timeoutMs = STOP_TIMEOUT_MS) {
  if (!pidAlive(pid)) return;
  signalKafka(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
  if (!pidAlive(pid)) return;
  signalKafka(pid, 'SIGKILL');
  const killDeadline = Date.now() + 10_000;
  while (pidAlive(pid) && Date.now() < killDeadline) await sleep(50);
  if (pidAlive(pid)) throw new Error(`local-kafka: process ${pid} did not exit after SIGKILL`);
}

/**
 * Free TCP ports on 127.0.0.1 (all held open at the same time, so they are distinct).
 * @param {number} count
 * @returns {Promise<number[]>}
 */
async function freePorts(count) {
  /** @type {net.Server[]} */
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve(undefined));
      });
    }
    return servers.map((s) => /** @type {net.AddressInfo} */ (s.address()).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))));
  }
}

/** @returns {string} A KRaft cluster id: 16 random bytes, base64url (22 chars), never starting with '-'. */
function randomClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// ---------------------------------------------------------------------------------------------
// jars

/**
 * Fetch the Kafka broker jars into deploy/kafka/target/lib with Maven, unless they are already there
 * for the current pom.xml (a sha256 of pom.xml is kept next to them, so changing the pinned version
 * refetches). Quiet unless Maven fails.
 * @returns {Promise<string>} The lib directory.
 */
async function ensureJars() {
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(POM_FILE)).digest('hex');
  const haveJars = () => {
    try {
      return (
        fs.readFileSync(JARS_MARKER, 'utf8').trim() === pomHash &&
        fs.readdirSync(LIB_DIR).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))
      );
    } catch {
      return false;
    }
  };
  if (haveJars()) return LIB_DIR;

  // Download into a private directory and rename it into place, so concurrent callers never
  // see (or run with) a half-filled lib dir.
  fs.mkdirSync(TARGET_DIR, { recursive: true });
  const tmpDir = path.join(TARGET_DIR, `lib.tmp-${process.pid}-${Date.now()}`);
  const args = [
    '-q', '-B', '-Dstyle.color=never',
    '-f', POM_FILE,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${tmpDir}`,
  ];
  let result;
  try {
    result = await run(process.env.MVN || 'mvn', args, { cwd: KAFKA_DIR });
  } catch (e) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') {
      throw new Error(
        'local-kafka: Maven (`mvn`) is not on PATH. It is needed once to fetch the Kafka jars from ' +
          'Maven Central (Debian: apt-get install maven). Or set MVN=/path/to/mvn.',
      );
    }
    throw e;
  }
  if (result.code !== 0) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw new Error(
      `local-kafka: fetching the Kafka jars failed (mvn ${args.join(' ')} exited ${result.code ?? result.signal}):\n` +
        lastLines(result.output, 40),
    );
  }
  fs.writeFileSync(path.join(tmpDir, '.pom.sha256'), pomHash + '\n');
  if (!haveJars()) {
    fs.rmSync(LIB_DIR, { recursive: true, force: true });
    try {
      fs.renameSync(tmpDir, LIB_DIR);
    } catch (e) {
      // Someone else won the race; fine if what they put there is current.
      if (!haveJars()) throw e;
    }
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
  return LIB_DIR;
}

/** @type {Promise<void>|null} */
let javaChecked = null;

/** Make sure a Java 17+ `java` is there (Kafka 4.x brokers need 17). @returns {Promise<void>} */
function checkJava() {
  if (!javaChecked) {
    javaChecked = (async () => {
      let result;
      try {
        result = await run(javaBin(), ['-version']);
      } catch (e) {
        if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') {
          throw new Error(
            'local-kafka: `java` is not on PATH (and JAVA_HOME is not set). Kafka needs Java 17+ ' +
              '(Debian: apt-get install openjdk-17-jre-headless).',
          );
        }
        throw e;
      }
      const m = /version "(\d+)(?:\.(\d+))?/.exec(result.output);
      const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
      if (result.code !== 0 || !(major >= 17)) {
        throw new Error(`local-kafka: Kafka ${kafkaVersion()} needs Java 17+, found:\n${result.output.trim()}`);
      }
    })();
    javaChecked.catch(() => {
      javaChecked = null;
    });
  }
  return javaChecked;
}

// ---------------------------------------------------------------------------------------------
// readiness probe: a Kafka ApiVersions v0 request must be answered with error_code 0

/**
 * @param {number} port
 * @param {number} timeoutMs
 * @param {Buffer|null} [ca] For a SASL_SSL listener: the CA to check its certificate with. ApiVersions is
 *   answered before authentication, so the probe needs no user.
 * @returns {Promise<boolean>}
 */
function apiVersionsOk(port, timeoutMs = 2000, ca = null) {
  return new Promise((resolve) => {
    const clientId = Buffer.from('nix-local-kafka-probe');
    const correlationId = 0x4e4958; // 'NIX'
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    body.writeInt16BE(18, 0); // api_key ApiVersions
    body.writeInt16BE(0, 2); // api_version 0
    body.writeInt32BE(correlationId, 4);
    body.writeInt16BE(clientId.length, 8);
    clientId.copy(body, 10);
    const frame = Buffer.alloc(4 + body.length);
    frame.writeInt32BE(body.length, 0);
    body.copy(frame, 4);

    let buf = Buffer.alloc(0);
    let done = false;
    const socket = ca ? tls.connect({ host: '127.0.0.1', port, ca }) : net.connect({ host: '127.0.0.1', port });
    /** @param {boolean} ok */
    const finish = (ok) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on(ca ? 'secureConnect' : 'connect', () => socket.write(frame));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 10) return;
      finish(buf.readInt32BE(4) === correlationId && buf.readInt16BE(8) === 0);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// the broker

/** @type {Set<{ pid: number, dataDir: string, removeDataDir: boolean }>} */
const exitKillList = new Set();
let exitHooksInstalled = false;

function killListedSync() {
  for (const entry of exitKillList) {
    signalKafka(entry.pid, 'SIGKILL');
  }
  for (const entry of exitKillList) {
    if (entry.removeDataDir) {
      try {
        fs.rmSync(entry.dataDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* best effort */
      }
    }
  }
  exitKillList.clear();
}

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killListedSync);
  for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    const onSignal = () => {
      killListedSync();
      // If nobody else handles this signal, restore the default behaviour (terminate) by re-raising it.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/** @returns {string} keytool next to the java that runs Kafka. */
function keytoolBin() {
  if (process.env.JAVA_HOME) {
    const candidate = path.join(process.env.JAVA_HOME, 'bin', 'keytool');
    if (fs.existsSync(candidate)) return candidate;
  }
  return 'keytool';
}

/** @param {string[]} args */
async function keytool(args) {
  const res = await run(keytoolBin(), args);
  if (res.code !== 0) throw new Error(`local-kafka: keytool ${args[0]} failed:\n${lastLines(res.output, LOG_TAIL_LINES)}`);
}

/** A password made at run time: hex, so it needs no quoting in a JAAS line or a properties file. */
const newPassword = () => crypto.randomBytes(24).toString('hex');

/**
 * The secure broker's material, made once per dir (a restart reuses it): a self-signed certificate for
 * 127.0.0.1/localhost in a PKCS12 keystore (keytool), a truststore holding it (the broker is its own
 * inter-broker client), its PEM for the clients, and a password per SCRAM user, each in a file of its own (0600).
 * @param {string} dir
 * @param {string[]} users
 * @returns {Promise<SecureCredentials & { storePassword: string, keystore: string, truststore: string }>}
 */
async function secureMaterial(dir, users) {
  const file = path.join(dir, 'credentials.json');
  /** @param {any} c */
  const withFiles = (c) => ({ ...c, dir, passwordFile: (/** @type {string} */ u) => path.join(dir, 'users', `${u}.password`) });
  if (fs.existsSync(file)) return withFiles(JSON.parse(fs.readFileSync(file, 'utf8')));
  fs.mkdirSync(path.join(dir, 'users'), { recursive: true, mode: 0o700 });
  const storePassword = newPassword();
  const keystore = path.join(dir, 'broker.keystore.p12');
  const truststore = path.join(dir, 'broker.truststore.p12');
  const caFile = path.join(dir, 'ca.pem');
  for (const f of [keystore, truststore, caFile]) fs.rmSync(f, { force: true });
  await keytool(['-genkeypair', '-alias', 'nix-kafka', '-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '30',
    '-dname', 'CN=localhost, OU=NIX local Kafka', '-ext', 'SAN=dns:localhost,ip:127.0.0.1',
    '-keystore', keystore, '-storetype', 'PKCS12', '-storepass', storePassword, '-keypass', storePassword]);
  await keytool(['-exportcert', '-rfc', '-alias', 'nix-kafka', '-keystore', keystore, '-storepass', storePassword, '-file', caFile]);
  await keytool(['-importcert', '-noprompt', '-alias', 'nix-kafka-ca', '-file', caFile,
    '-keystore', truststore, '-storetype', 'PKCS12', '-storepass', storePassword]);
  for (const f of [keystore, truststore]) fs.chmodSync(f, 0o600);
  /** @type {Record<string, string>} */
  const passwords = {};
  for (const user of [SECURE_ADMIN_USER, ...users]) {
    passwords[user] = newPassword();
    fs.writeFileSync(path.join(dir, 'users', `${user}.password`), passwords[user], { mode: 0o600 });
  }
  const { [SECURE_ADMIN_USER]: adminPassword, ...userPasswords } = passwords;
  const credentials = {
    caFile,
    mechanism: 'scram-sha-512',
    admin: { username: SECURE_ADMIN_USER, password: adminPassword },
    users: userPasswords,
    storePassword,
    keystore,
    truststore,
  };
  fs.writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  return withFiles(credentials);
}

/**
 * @param {Record<string, string|number|boolean>} props
 * @returns {string}
 */
function renderProperties(props) {
  return (
    '# Written by deploy/kafka/local-kafka.js: single-node KRaft (combined broker + controller).\n' +
    Object.entries(props)
      .map(([k, v]) => `${k}=${String(v).replace(/\\/g, '\\\\')}`)
      .join('\n') +
    '\n'
  );
}

/**
 * The broker settings of a secure local Kafka: clients reach one SASL_SSL listener (SCRAM-SHA-512, TLS with the
 * generated keystore); the controller listener (loopback only) takes the super user alone, over SASL PLAIN with a
 * generated password; the StandardAuthorizer refuses whatever no ACL allows, except to the super user, which is
 * also the inter-broker principal.
 * @param {number} port
 * @param {number} controllerPort
 * @param {{ admin: { username: string, password: string }, storePassword: string, keystore: string, truststore: string }} secure
 * @returns {Record<string, string|number|boolean>}
 */
function secureProperties(port, controllerPort, secure) {
  const { username, password } = secure.admin;
  return {
    listeners: `SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `SASL_SSL://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT',
    'inter.broker.listener.name': 'SASL_SSL',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config':
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`,
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config':
      `org.apache.kafka.common.security.plain.PlainLoginModule required username="${username}" password="${password}" user_${username}="${password}";`,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': secure.keystore,
    'ssl.keystore.password': secure.storePassword,
    'ssl.key.password': secure.storePassword,
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': secure.truststore,
    'ssl.truststore.password': secure.storePassword,
    'ssl.endpoint.identification.algorithm': 'https',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${username}`,
    'allow.everyone.if.no.acl.found': false,
  };
}

/**
 * Start a single-node KRaft Kafka on 127.0.0.1 and wait until it serves requests.
 * @param {LocalKafkaOptions} [options]
 * @returns {Promise<LocalKafka>}
 */
async function startLocalKafka(options = {}) {
  const libDir = await ensureJars();
  await checkJava();

  const ownsDataDir = !options.dataDir;
  const dataDir = path.resolve(options.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'nix-kafka-')));
  const logDir = path.resolve(options.logDir || path.join(dataDir, 'logs'));
  const kraftDir = path.join(dataDir, 'kraft');
  const propsFile = path.join(dataDir, 'server.properties');
  const serverLog = path.join(logDir, 'server.log');
  const outLog = path.join(logDir, 'kafka.out');
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const secure = options.secure
    ? await secureMaterial(path.resolve(options.secure.dir || path.join(dataDir, 'secure')), options.secure.users ?? SECURE_DEFAULT_USERS)
    : null;
  const probeCa = secure ? fs.readFileSync(secure.caFile) : null;
  const killOnExit = options.killOnExit ?? true;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });

  const javaArgs = [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    `-Dkafka.logs.dir=${logDir}`,
  ];

  /** @param {number} port @param {number} controllerPort */
  const writeProps = (port, controllerPort) => {
    /** @type {Record<string, string|number|boolean>} */
    const props = {
      'process.roles': 'broker,controller',
      'node.id': 1,
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'log.dirs': kraftDir,
      'num.partitions': 1,
      'auto.create.topics.enable': true,
      'offsets.topic.replication.factor': 1,
      'offsets.topic.num.partitions': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'transaction.state.log.num.partitions': 1,
      'share.coordinator.state.topic.replication.factor': 1,
      'share.coordinator.state.topic.min.isr': 1,
      'group.initial.rebalance.delay.ms': 0,
      'num.network.threads': 2,
      'num.io.threads': 4,
      'num.recovery.threads.per.data.dir': 1,
      ...(secure ? secureProperties(port, controllerPort, secure) : {}),
      ...(options.serverProperties || {}),
    };
    fs.writeFileSync(propsFile, renderProperties(props), { mode: 0o600 });
  };

  const format = async () => {
    if (fs.existsSync(path.join(kraftDir, 'meta.properties'))) {
      const m = /cluster\.id=(\S+)/.exec(fs.readFileSync(path.join(kraftDir, 'meta.properties'), 'utf8'));
      return m ? m[1] : '';
    }
    const id = randomClusterId();
    const res = await run(
      javaBin(),
      [...javaArgs.filter((a) => !a.startsWith('-Xm')), '-cp', path.join(libDir, '*'), 'kafka.tools.StorageTool',
        'format', '-t', id, '-c', propsFile,
        // The SCRAM users go into the cluster's metadata at format time (KRaft has no ZooKeeper to hold them).
        ...(secure
          ? [secure.admin.username, ...Object.keys(secure.users)].flatMap((name) => [
              '--add-scram', `SCRAM-SHA-512=[name=${name},password=${name === secure.admin.username ? secure.admin.password : secure.users[name]}]`,
            ])
          : [])],
      { cwd: dataDir },
    );
    if (res.code !== 0) {
      throw new Error(`local-kafka: formatting KRaft storage in ${kraftDir} failed:\n${lastLines(res.output, LOG_TAIL_LINES)}`);
    }
    return id;
  };

  /** @type {{ pid: number, dataDir: string, removeDataDir: boolean } | null} */
  let killEntry = null;
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  let pid = 0;
  let exited = true;

  /**
   * Launch the JVM and wait for readiness.
   * @param {number} port
   * @returns {Promise<void>}
   */
  const launch = async (port) => {
    const logOffset = fileSize(serverLog);
    const outOffset = fileSize(outLog);
    const outFd = fs.openSync(outLog, 'a');
    try {
      child = childProcess.spawn(
        javaBin(),
        [...javaArgs, ...(options.jvmArgs || []), '-cp', path.join(libDir, '*'), 'kafka.Kafka', propsFile],
        { cwd: dataDir, detached: true, stdio: ['ignore', outFd, outFd] },
      );
    } finally {
      fs.closeSync(outFd);
    }
    const thisChild = child;
    exited = false;
    /** @type {Error|null} */
    let spawnError = null;
    thisChild.on('error', (e) => {
      spawnError = e;
      exited = true;
    });
    thisChild.on('exit', () => {
      if (child === thisChild) exited = true;
    });
    thisChild.unref(); // never keep the caller's event loop alive; killOnExit cleans up instead
    await new Promise((resolve) => setImmediate(resolve));
    if (spawnError) throw spawnError;
    pid = /** @type {number} */ (thisChild.pid);
    if (killOnExit) {
      installExitHooks();
      killEntry = { pid, dataDir, removeDataDir: ownsDataDir };
      exitKillList.add(killEntry);
    }

    const failure = (/** @type {string} */ why) => {
      let msg = `local-kafka: ${why}`;
      const errors = errorLines(serverLog, logOffset);
      if (errors) msg += `\n--- ERROR/FATAL lines of ${serverLog} ---\n${errors}`;
      msg += `\n--- last ${LOG_TAIL_LINES} lines of ${serverLog} ---\n${tailFile(serverLog, LOG_TAIL_LINES)}`;
      if (fileSize(outLog) > outOffset) msg += `\n--- ${outLog} ---\n${tailFile(outLog, LOG_TAIL_LINES)}`;
      return new Error(msg);
    };

    const deadline = Date.now() + timeoutMs;
    let offset = logOffset;
    let sawStarted = false;
    let carry = '';
    while (Date.now() < deadline) {
      if (exited || !pidAlive(pid)) {
        exited = true;
        throw failure(`Kafka (pid ${pid}) exited during startup`);
      }
      if (!sawStarted) {
        const size = fileSize(serverLog);
        if (size < offset) offset = 0; // rolled over
        if (size > offset) {
          const fd = fs.openSync(serverLog, 'r');
          try {
            const buf = Buffer.alloc(size - offset);
            fs.readSync(fd, buf, 0, buf.length, offset);
            offset = size;
            const text = carry + buf.toString('utf8');
            sawStarted = READY_LINE.test(text);
            carry = text.slice(-200);
          } finally {
            fs.closeSync(fd);
          }
        }
      }
      if (sawStarted && (await apiVersionsOk(port, 2000, probeCa))) return;
      await sleep(sawStarted ? 50 : 100);
    }
    const err = failure(`Kafka did not become ready on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await terminate(pid, 5000).catch(() => {});
    throw err;
  };

  const forget = () => {
    if (killEntry) exitKillList.delete(killEntry);
    killEntry = null;
  };

  // Ports: fixed ones are used as given; free ones are re-picked if Kafka loses a bind race.
  let port = 0;
  let controllerPort = 0;
  let clusterId = '';
  for (let attempt = 1; ; attempt++) {
    const [p1, p2] = await freePorts(2);
    port = options.port ?? (options.controllerPort === p1 ? p2 : p1);
    controllerPort = options.controllerPort ?? (port === p2 ? p1 : p2);
    if (port === controllerPort) throw new Error('local-kafka: port and controllerPort must differ');
    writeProps(port, controllerPort);
    try {
      clusterId = await format();
      await launch(port);
      break;
    } catch (e) {
      forget();
      if (pid) await terminate(pid, 5000).catch(() => {});
      // Lost the race for a port we picked ourselves (someone bound it between our check and Kafka's bind)?
      const bind = /failed to bind to [^\s:]+:(\d+)/i.exec(String(e));
      const lostPickedPort =
        bind && Number(bind[1]) !== options.port && Number(bind[1]) !== options.controllerPort;
      if (attempt < 3 && lostPickedPort) continue;
      // dataDir (and the logs in it) is kept on failure so it can be looked at.
      throw e;
    }
  }

  /** @type {LocalKafka} */
  const handle = {
    brokers: `127.0.0.1:${port}`,
    secure: secure && { dir: secure.dir, caFile: secure.caFile, mechanism: secure.mechanism, admin: secure.admin, users: secure.users, passwordFile: secure.passwordFile },
    port,
    controllerPort,
    dataDir,
    logDir,
    serverLog,
    clusterId,
    get pid() {
      return pid;
    },
    isRunning() {
      return !exited && pidAlive(pid);
    },
    async stop() {
      if (pid) await terminate(pid);
      exited = true;
      forget();
    },
    async restart() {
      await handle.stop();
      try {
        await launch(port);
      } catch (e) {
        forget();
        throw e;
      }
    },
    async destroy() {
      await handle.stop();
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

// ---------------------------------------------------------------------------------------------
// CLI

/**
 * @typedef {object} CliState
 * @property {number} pid
 * @property {number} port
 * @property {number} controllerPort
 * @property {string} brokers
 * @property {string} dataDir
 * @property {string} logDir
 * @property {boolean} ownsDataDir
 * @property {string} kafkaVersion
 * @property {string} startedAt
 * @property {string|null} [secureDir] Where a secure broker's CA certificate, passwords and env files are (null: PLAINTEXT).
 */

/** @returns {CliState|null} */
function readState() {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return null;
  }
}

/** @returns {CliState|null} The recorded broker if it is still running; a stale state file is removed. */
function runningFromState() {
  const state = readState();
  if (!state) return null;
  if (isKafkaPid(state.pid)) return state;
  // The recorded broker died (crash, reboot, kill -9): forget it and its temp data.
  removeData(state);
  return null;
}

/** Deletes a CLI broker's temp data (and the passwords made for it) and its state file. @param {CliState} state */
function removeData(state) {
  if (state.ownsDataDir && state.dataDir) fs.rmSync(state.dataDir, { recursive: true, force: true });
  if (state.ownsDataDir && state.secureDir) fs.rmSync(state.secureDir, { recursive: true, force: true });
  fs.rmSync(STATE_FILE, { force: true });
}

/**
 * One env file per user of a secure broker, for `set -a; . FILE; set +a` before starting a NIX role (or
 * `npm run kafka:acls`, with the super user's): the broker address, TLS with its CA, the SCRAM user and its password file.
 * @param {string} brokers
 * @param {SecureCredentials} secure
 */
function writeClientEnvFiles(brokers, secure) {
  for (const username of [secure.admin.username, ...Object.keys(secure.users)]) {
    const lines = [
      `KAFKA_BROKERS=${brokers}`,
      'KAFKA_SSL=true',
      `KAFKA_SSL_CA_FILE=${secure.caFile}`,
      `KAFKA_SASL_MECHANISM=${secure.mechanism}`,
      `KAFKA_SASL_USERNAME=${username}`,
      `KAFKA_SASL_PASSWORD_FILE=${secure.passwordFile(username)}`,
    ];
    fs.writeFileSync(path.join(secure.dir, `${username}.env`), lines.join('\n') + '\n', { mode: 0o600 });
  }
}

/**
 * A crude cross-process lock around `start`, so two concurrent `start`s do not launch two brokers.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withStartLock(fn) {
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const deadline = Date.now() + DEFAULT_START_TIMEOUT_MS + 120_000;
  for (;;) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(LOCK_FILE, 'utf8').trim() || 0);
      if (!pidAlive(holder)) {
        fs.rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`local-kafka: ${LOCK_FILE} held by pid ${holder} for too long`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK_FILE, { force: true });
  }
}

/** @param {boolean} secure */
async function cliStart(secure) {
  const envPort = process.env.KAFKA_PORT ? Number(process.env.KAFKA_PORT) : undefined;
  if (envPort !== undefined && !(Number.isInteger(envPort) && envPort > 0 && envPort < 65536)) {
    throw new Error(`local-kafka: KAFKA_PORT=${process.env.KAFKA_PORT} is not a port number`);
  }
  await withStartLock(async () => {
    const running = runningFromState();
    if (running) {
      if (secure !== Boolean(running.secureDir)) {
        throw new Error(`local-kafka: a ${running.secureDir ? 'secure' : 'PLAINTEXT'} broker is already running (pid ${running.pid}); stop it first`);
      }
      if (envPort !== undefined && envPort !== running.port) {
        process.stderr.write(`local-kafka: already running on port ${running.port} (KAFKA_PORT=${envPort} ignored); stop it first to change ports\n`);
      } else {
        process.stderr.write(`local-kafka: already running (pid ${running.pid})\n`);
      }
      process.stdout.write(`KAFKA_BROKERS=${running.brokers}\n`);
      return;
    }
    const t0 = Date.now();
    const ownsDataDir = !process.env.KAFKA_DATA_DIR;
    const dataDir = process.env.KAFKA_DATA_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'nix-kafka-'));
    const users = (process.env.KAFKA_SECURE_USERS || SECURE_DEFAULT_USERS.join(',')).split(',').map((u) => u.trim()).filter(Boolean);
    for (const user of users) {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(user)) throw new Error(`local-kafka: KAFKA_SECURE_USERS has "${user}", not a user name (letters, digits, . _ -)`);
    }
    // A fresh broker gets fresh passwords; a kept KAFKA_DATA_DIR keeps the ones its users were formatted with.
    if (secure && ownsDataDir) fs.rmSync(CLI_SECURE_DIR, { recursive: true, force: true });
    /** @type {LocalKafka} */
    let kafka;
    try {
      kafka = await startLocalKafka({
        port: envPort,
        dataDir,
        logDir: process.env.KAFKA_LOG_DIR || path.join(RUN_DIR, 'logs'),
        killOnExit: false,
        // The JVM start and keytool are slow on a busy machine.
        ...(secure ? { secure: { users, dir: CLI_SECURE_DIR }, startTimeoutMs: 180_000 } : {}),
      });
    } catch (e) {
      // The logs stay in the log dir (deploy/kafka/.run/logs by default); drop the temp data.
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      throw e;
    }
    if (kafka.secure) writeClientEnvFiles(kafka.brokers, kafka.secure);
    /** @type {CliState} */
    const state = {
      pid: kafka.pid,
      port: kafka.port,
      controllerPort: kafka.controllerPort,
      brokers: kafka.brokers,
      dataDir: kafka.dataDir,
      logDir: kafka.logDir,
      ownsDataDir,
      kafkaVersion: kafkaVersion(),
      startedAt: new Date().toISOString(),
      secureDir: kafka.secure ? kafka.secure.dir : null,
    };
    fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2) + '\n');
    process.stderr.write(
      `local-kafka: Kafka ${state.kafkaVersion} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
        `(pid ${state.pid}, data ${state.dataDir}, log ${kafka.serverLog})\n` +
        (kafka.secure
          ? `local-kafka: SASL_SSL (SCRAM-SHA-512), StandardAuthorizer; super user ${kafka.secure.admin.username}, users ${Object.keys(kafka.secure.users).join(', ')}\n` +
            `local-kafka: CA certificate, passwords and one env file per user in ${kafka.secure.dir} (e.g. set -a; . ${path.join(kafka.secure.dir, 'nix-broker.env')}; set +a)\n`
          : ''),
    );
    process.stdout.write(`KAFKA_BROKERS=${kafka.brokers}\n`);
  });
}

async function cliStop() {
  const state = readState();
  if (!state) {
    process.stdout.write('local-kafka: not running\n');
    return;
  }
  if (isKafkaPid(state.pid)) {
    await terminate(state.pid);
    process.stdout.write(`local-kafka: stopped (pid ${state.pid})\n`);
  } else {
    process.stdout.write('local-kafka: not running (removed stale state)\n');
  }
  removeData(state);
}

function cliStatus() {
  const running = runningFromState();
  if (running) {
    process.stdout.write(
      `local-kafka: running (pid ${running.pid}, Kafka ${running.kafkaVersion}, since ${running.startedAt}, ` +
        `data ${running.dataDir}, logs ${running.logDir}${running.secureDir ? `, SASL_SSL, credentials in ${running.secureDir}` : ''})\n` +
        `KAFKA_BROKERS=${running.brokers}\n`,
    );
    return 0;
  }
  process.stdout.write('local-kafka: not running\n');
  return 1;
}

async function main() {
  const cmd = process.argv[2];
  switch (cmd) {
    case 'start':
      await cliStart(process.argv.slice(3).includes('--secure'));
      return 0;
    case 'stop':
      await cliStop();
      return 0;
    case 'status':
      return cliStatus();
    case 'jars':
      process.stdout.write(`${await ensureJars()}\n`);
      return 0;
    default:
      process.stderr.write(
        'usage: node deploy/kafka/local-kafka.js start [--secure]|stop|status|jars\n' +
          '  start   start Kafka in the background (env KAFKA_PORT, KAFKA_DATA_DIR, KAFKA_LOG_DIR); last stdout line: KAFKA_BROKERS=127.0.0.1:PORT\n' +
          '          --secure: SASL_SSL with SCRAM-SHA-512 users (env KAFKA_SECURE_USERS, default nix-broker,nix-adapter,nix-recorder),\n' +
          '          the StandardAuthorizer, credentials in deploy/kafka/target/secure\n' +
          '  stop    stop the broker recorded in deploy/kafka/.run/kafka.json\n' +
          '  status  exit 0 and print KAFKA_BROKERS=... if running, exit 1 if not\n' +
          '  jars    only fetch the Kafka jars (mvn) into deploy/kafka/target/lib\n',
      );
      return 2;
  }
}

module.exports = { startLocalKafka, ensureJars, kafkaVersion, STATE_FILE, SECURE_ADMIN_USER };

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err && err.message ? err.message : err}\n`);
      process.exit(1);
    },
  );
}
