// Remote Docker Engines for the test stack, on loopback only: a second dockerd listening on a TCP
// port with TLS (its own CA, server and client certificates, made here with openssl), and an sshd
// through which `ssh://root@127.0.0.1:<port>` reaches that engine's socket (`docker system
// dial-stdio` runs in the ssh session, as the docker CLI and docker-modem do it).
//
// Started only when asked: `node test/stack/stack.mjs up remote-engines`, or `up([... 'remote-engines'])`.
// Keys and certificates stay in the stack's state folder ($STATE/remote-engines) and are never printed.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { childEnv } from './childEnv.mjs';

/** What a test reads: where each remote engine answers and the material a client uses. */
export function remoteEnginesEnvironment(entry) {
  if (!entry) return {};
  return {
    ECR_WB_REMOTE_TLS_HOST: `tcp://127.0.0.1:${entry.tlsPort}`,
    // A folder with ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH expects.
    ECR_WB_REMOTE_TLS_CERTS: path.join(entry.dir, 'client'),
    // Client material from another CA: the engine's certificate does not verify against it.
    ECR_WB_REMOTE_TLS_WRONG_CERTS: path.join(entry.dir, 'wrong-client'),
    ECR_WB_REMOTE_SSH_HOST: `ssh://root@127.0.0.1:${entry.sshPort}`,
    // A HOME whose .ssh/id_ed25519 the sshd accepts for root.
    ECR_WB_REMOTE_SSH_HOME: path.join(entry.dir, 'ssh-home'),
    ECR_WB_REMOTE_SOCKET: `unix://${path.join(entry.dir, 'docker.sock')}`,
  };
}

/**
 * Starts (or reuses) the TLS engine and the sshd. `tools` are stack.mjs helpers, passed in so this
 * module adds nothing to the default stack. Returns true when it started something.
 */
export async function startRemoteEngines(state, tools) {
  const { STATE, ensureCommands, freePort, startDetached, waitUntil, alive, probe, log, StackError, timed } = tools;
  const entry = state['remote-engines'];
  if (entry && alive(entry.pid) && alive(entry.sshdPid) && (await tlsPing(entry)) && (await sshBanner(entry.sshPort))) return false;
  await stopRemoteEngines(state, tools);

  const started = Date.now();
  ensureCommands(['dockerd', 'docker', 'openssl', 'sshd', 'ssh-keygen']);
  const dir = path.join(STATE, 'remote-engines');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  timed('remote engines: certificates and keys', () => makeCertificates(dir, StackError));

  // The TLS engine: its own data, exec root and socket; TCP on loopback only, client certificates required.
  const tlsPort = await freePort();
  const socket = path.join(dir, 'docker.sock');
  const server = path.join(dir, 'server');
  const dockerd = startDetached(
    'dockerd',
    [
      '--storage-driver=vfs', '--iptables=false', '--ip6tables=false', '--bridge=none',
      '-H', `unix://${socket}`, '-H', `tcp://127.0.0.1:${tlsPort}`,
      '--tlsverify', '--tlscacert', path.join(server, 'ca.pem'), '--tlscert', path.join(server, 'cert.pem'), '--tlskey', path.join(server, 'key.pem'),
      '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'), '--pidfile', path.join(dir, 'dockerd.pid'),
    ],
    'remote-dockerd',
  );
  const next = { pid: dockerd.pid, dir, tlsPort, sshPort: 0, sshdPid: 0 };
  state['remote-engines'] = next;
  await waitUntil('remote dockerd (TLS)', async () => (await probe('http://docker/_ping', { socketPath: socket })) === 200 && (await tlsPing(next)), 60_000, dockerd.logFile);

  // The sshd: loopback, its own host key, root by key only, and DOCKER_HOST set for the session
  // so `docker system dial-stdio` reaches the engine above.
  const sshPort = await freePort();
  const ssh = path.join(dir, 'ssh');
  const sshHome = path.join(dir, 'ssh-home', '.ssh');
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  mkdirSync(sshHome, { recursive: true, mode: 0o700 });
  keygen(path.join(ssh, 'host_ed25519_key'), 'ecr-wb-test-host', StackError);
  keygen(path.join(sshHome, 'id_ed25519'), 'ecr-wb-test-client', StackError);
  copyFileSync(path.join(sshHome, 'id_ed25519.pub'), path.join(ssh, 'authorized_keys'));
  const docker = which('docker');
  writeFileSync(
    path.join(ssh, 'sshd_config'),
    [
      `Port ${sshPort}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(ssh, 'host_ed25519_key')}`,
      `PidFile ${path.join(ssh, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(ssh, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'AllowUsers root',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      `SetEnv DOCKER_HOST=unix://${socket} PATH=${path.dirname(docker)}:/usr/local/bin:/usr/bin:/bin`,
      '',
    ].join('\n'),
  );
  // sshd needs its privilege-separation folder.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshdBinary = which('sshd');
  const check = spawnSync(sshdBinary, ['-t', '-f', path.join(ssh, 'sshd_config')], { encoding: 'utf8', env: childEnv() });
  if (check.status !== 0) throw new StackError(`sshd rejected its test config: ${check.stderr.trim()}`);
  const sshd = startDetached(sshdBinary, ['-D', '-e', '-f', path.join(ssh, 'sshd_config')], 'remote-sshd');
  next.sshPort = sshPort;
  next.sshdPid = sshd.pid;
  await waitUntil('sshd (loopback)', () => sshBanner(sshPort), 30_000, sshd.logFile);

  importStandIn(socket, dir, StackError);
  log(`remote engines: TLS engine at tcp://127.0.0.1:${tlsPort}, ssh://root@127.0.0.1:${sshPort} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return true;
}

export async function stopRemoteEngines(state, { alive }) {
  const entry = state['remote-engines'];
  if (!entry) return;
  for (const pid of [entry.sshdPid, entry.pid]) {
    if (!pid || !alive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  delete state['remote-engines'];
}

/** The base image the remote tests build on (nothing can be pulled): busybox, imported locally. */
export const REMOTE_BASE_IMAGE = 'ecr-wb-test/busybox:stand-in';

function importStandIn(socket, dir, StackError) {
  const root = path.join(dir, 'stand-in-root');
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  copyFileSync(existsSync('/bin/busybox') ? '/bin/busybox' : which('busybox'), path.join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'echo', 'cat', 'ls', 'mkdir']) spawnSync('ln', ['-sf', 'busybox', path.join(root, 'bin', applet)]);
  const tarball = path.join(dir, 'stand-in.tar');
  if (spawnSync('tar', ['-C', root, '-cf', tarball, '.'], { env: childEnv() }).status !== 0) throw new StackError('tar failed to pack the remote stand-in image');
  const result = spawnSync('docker', ['import', '--change', 'ENV PATH=/bin', tarball, REMOTE_BASE_IMAGE], { encoding: 'utf8', env: childEnv({ DOCKER_HOST: `unix://${socket}` }) });
  if (result.status !== 0) throw new StackError(`docker import on the remote engine failed: ${result.stderr.trim()}`);
  rmSync(root, { recursive: true, force: true });
  rmSync(tarball, { force: true });
}

function which(cmd) {
  const found = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8', env: childEnv({ PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` }) }).stdout.trim();
  return found || cmd;
}

function keygen(file, comment, StackError) {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { encoding: 'utf8', env: childEnv() });
  if (result.status !== 0) throw new StackError(`ssh-keygen failed: ${result.stderr.trim()}`);
}

function openssl(args, StackError) {
  const result = spawnSync('openssl', args, { encoding: 'utf8', env: childEnv() });
  if (result.status !== 0) throw new StackError(`openssl ${args[0]} failed: ${result.stderr.trim().split('\n')[0]}`);
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate; and a second CA's client set. */
function makeCertificates(dir, StackError) {
  const ca = (name, subject) => {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', `/CN=${subject}`, '-keyout', path.join(dir, `${name}-key.pem`), '-out', path.join(dir, `${name}.pem`)], StackError);
  };
  const signed = (folder, caName, subject, extensions) => {
    mkdirSync(path.join(dir, folder), { recursive: true, mode: 0o700 });
    const key = path.join(dir, folder, 'key.pem');
    const csr = path.join(dir, folder, 'request.csr');
    const ext = path.join(dir, folder, 'extensions.cnf');
    writeFileSync(ext, extensions);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${subject}`, '-keyout', key, '-out', csr], StackError);
    openssl(['x509', '-req', '-in', csr, '-CA', path.join(dir, `${caName}.pem`), '-CAkey', path.join(dir, `${caName}-key.pem`), '-CAcreateserial', '-days', '30', '-extfile', ext, '-out', path.join(dir, folder, 'cert.pem')], StackError);
    copyFileSync(path.join(dir, `${caName}.pem`), path.join(dir, folder, 'ca.pem'));
    rmSync(csr);
    rmSync(ext);
  };
  ca('ca', 'ECR Workbench test CA');
  ca('wrong-ca', 'Some other CA');
  signed('server', 'ca', '127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed('client', 'ca', 'ecr-workbench-test-client', 'extendedKeyUsage=clientAuth\n');
  signed('wrong-client', 'wrong-ca', 'ecr-workbench-test-client', 'extendedKeyUsage=clientAuth\n');
  // The CA keys are not needed again.
  rmSync(path.join(dir, 'ca-key.pem'));
  rmSync(path.join(dir, 'wrong-ca-key.pem'));
}

/** GET /_ping over TLS with the client certificate: true when the engine answers 200. */
function tlsPing(entry) {
  return new Promise((resolve) => {
    const client = path.join(entry.dir, 'client');
    let socket;
    try {
      socket = tls.connect({
        host: '127.0.0.1', port: entry.tlsPort, servername: undefined,
        ca: readFileSync(path.join(client, 'ca.pem')), cert: readFileSync(path.join(client, 'cert.pem')), key: readFileSync(path.join(client, 'key.pem')),
        timeout: 1500,
      });
    } catch {
      resolve(false);
      return;
    }
    let answer = '';
    socket.on('secureConnect', () => socket.write('GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n'));
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(/^HTTP\/1\.[01] 200/.test(answer)));
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(/^HTTP\/1\.[01] 200/.test(answer)));
  });
}

/** True when something on the port speaks SSH. */
function sshBanner(port) {
  return new Promise((resolve) => {
    if (!port) return resolve(false);
    const socket = connect({ host: '127.0.0.1', port, timeout: 1500 });
    socket.once('data', (chunk) => {
      resolve(chunk.toString('latin1').startsWith('SSH-2.0-'));
      socket.destroy();
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}
