// Starts a real Corral cloud (the launchers in scripts/, a SQLite data directory in a temporary folder), a user
// who can log in, and a real example device connected over DTLS. Nothing here imitates Corral: the suite talks to
// what `scripts/corral-cloud run` serves.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// The processes' logs, for scripts/test-particle-js to show when a test fails (stdout stays with the suite).
export const logDir = resolve(dirname(fileURLToPath(import.meta.url)), '../logs');
const launcher = (name) => join(root, 'scripts', name);

/** A free TCP port on loopback, from the kernel. */
export function freeTcpPort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** A free UDP port on loopback, from the kernel (the cloud's DTLS port must be known before the device's file). */
function freeUdpPort() {
  return new Promise((ok, fail) => {
    const socket = createSocket('udp4');
    socket.once('error', fail);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => ok(port));
    });
  });
}

function log(name) {
  mkdirSync(logDir, { recursive: true });
  return openSync(join(logDir, name), 'w');
}

function cli(args, input) {
  return execFileSync(launcher('corral-cloud'), args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Resolves with the first line of `child`'s stdout that `test` accepts; rejects if the child exits first. */
function lineOf(child, what, test, timeoutMs = 60_000) {
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    const seen = [];
    const timer = setTimeout(() => fail(new Error(`no ${what} within ${timeoutMs} ms; stdout: ${seen.join(' | ')}`)),
      timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`${what}: process exited with ${code} first; stdout: ${seen.join(' | ')}`)); });
    lines.on('line', (line) => {
      seen.push(line);
      if (test(line)) { clearTimeout(timer); ok(line); }
    });
  });
}

/**
 * Starts everything. `settings` are extra CORRAL_* environment variables for the cloud.
 * Returns { baseUrl, username, password, deviceId, deviceOutput, stop }.
 */
export async function startCorral({ username = 'alice', password = 'correct horse battery staple', settings = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'corral-particle-js-'));
  const data = join(dir, 'data');
  const [coapPort, httpPort] = [await freeUdpPort(), await freeTcpPort()];
  cli(['init', '--data', data]);
  cli(['user', 'create', '--data', data, '--username', username, '--password-stdin'], `${password}\n`);
  const credentials = join(dir, 'device.json');
  cli(['device', 'create', '--data', data, '--owner', username, '--name', 'kitchen', '--cloud-port', String(coapPort),
    '--out', credentials]);
  const deviceId = JSON.parse(readFileSync(credentials, 'utf8')).device_id;

  const cloud = spawn(launcher('corral-cloud'), ['run', '--data', data, '--json', '--coap-host', '127.0.0.1',
    '--coap-port', String(coapPort), '--http-host', '127.0.0.1', '--http-port', String(httpPort)],
  { env: { ...process.env, ...settings }, stdio: ['ignore', 'pipe', log('cloud.log')] });
  await lineOf(cloud, 'cloud banner', (line) => line.startsWith('{'));

  const deviceOutput = [];
  let device;
  // The example device, connected: resolves once it prints that it is connected.
  const startDevice = async () => {
    device = spawn(launcher('corral-device'), ['--credentials', credentials, '--interval', '3600'],
      { stdio: ['ignore', 'pipe', log('device.log')] });
    const online = lineOf(device, 'device connected', (line) => line.includes('connection: CONNECTED'));
    device.stdout.on('data', (chunk) => deviceOutput.push(...chunk.toString().split('\n').filter(Boolean)));
    await online;
  };
  const stopDevice = async () => {
    if (device.exitCode === null && device.signalCode === null) {
      const exited = new Promise((ok) => device.once('exit', ok));
      device.kill('SIGTERM'); // the example device says goodbye on SIGTERM
      await exited;
    }
  };
  await startDevice();

  const stop = async () => {
    await stopDevice();
    if (cloud.exitCode === null) {
      const exited = new Promise((ok) => cloud.once('exit', ok));
      cloud.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    baseUrl: `http://127.0.0.1:${httpPort}`, username, password, deviceId, deviceOutput, startDevice, stopDevice, stop,
  };
}

/** Polls `probe` until it returns a truthy value, or fails after `timeoutMs`, saying what it waited for. */
export async function eventually(what, probe, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

/**
 * A real HTTP receiver on loopback, standing in for a webhook's target: it records every request it gets and
 * answers 200. Returns { url, requests, close }.
 */
export function startSink() {
  const requests = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((done) => server.close(done)),
  })));
}
