/**
 * Registry helpers for integration tests: a counting proxy before the stack's registry (to prove
 * which requests a feature makes, e.g. that inspect never fetches a layer), and a second CNCF
 * distribution registry of the test's own (another account or region's registry endpoint; no
 * ECR API before it), started from the same `docker-registry` binary the stack uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface CountingProxy {
  host: string;
  requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

/** Forwards every request to `upstream` (host:port), streaming both ways, and records method, path and status. */
export async function countingProxy(upstream: string): Promise<CountingProxy> {
  const requests: CountingProxy['requests'] = [];
  const server = http.createServer((request, response) => {
    const forwarded = http.request(
      { host: upstream.split(':')[0], port: Number(upstream.split(':')[1]), method: request.method, path: request.url, headers: { ...request.headers, host: upstream } },
      (answer) => {
        requests.push({ method: request.method ?? 'GET', path: request.url ?? '/', status: answer.statusCode ?? 0 });
        const headers = { ...answer.headers };
        // Upload sessions name the upstream in Location: keep the client talking to the proxy.
        if (typeof headers.location === 'string') headers.location = headers.location.replace(`http://${upstream}`, '');
        response.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', (error) => {
      response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(forwarded);
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SecondRegistry {
  host: string;
  stop(): Promise<void>;
}

/** Starts another distribution registry (htpasswd user AWS / `password`) on a free loopback port; polls until it answers 401. */
export async function startSecondRegistry(password: string): Promise<SecondRegistry> {
  const { default: bcrypt } = await import('bcryptjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-registry2-'));
  writeFileSync(path.join(dir, 'htpasswd'), `AWS:${bcrypt.hashSync(password, 8)}\n`);
  const port = await new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const chosen = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(chosen));
    });
  });
  const host = `127.0.0.1:${port}`;
  writeFileSync(
    path.join(dir, 'config.yml'),
    ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`, '  delete:', '    enabled: true', 'http:', `  addr: ${host}`, 'auth:', '  htpasswd:', '    realm: second', `    path: ${path.join(dir, 'htpasswd')}`, ''].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await fetch(`http://${host}/v2/`).then((answer) => answer.status, () => 0);
    if (status === 401) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`the second registry did not answer at ${host} within 20 s (exit ${child.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
