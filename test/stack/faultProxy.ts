/**
 * A fault proxy for the local ECR: it sits between a client (the extension, the Docker Engine,
 * skopeo) and a registry or the ECR front, forwards every request as it is (bodies streamed both
 * ways, upload Locations rewritten so the client keeps talking to the proxy), and injects faults
 * on chosen requests: a connection reset after N bytes of the answer (or of the request's body), a
 * delay, a throttled answer (a slow link, so a cancel lands mid-download), or an HTTP status (503,
 * 429 with Retry-After, 500...). Each request's record says how it ended (answer complete, or the
 * client closed its connection first): a test waits for that instead of sleeping. Each fault is bounded (`times`),
 * and picked either by the n-th matching request or by a rate with a seeded generator, so a run
 * can be repeated. Loopback only: it listens on 127.0.0.1 and forwards only to a loopback upstream.
 *
 * Why: ECR documents throttling (HTTP 429, ThrottlingException) and 5xx as retryable
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html); the distribution
 * spec's TOOMANYREQUESTS is a 429
 * (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes), and
 * Retry-After is RFC 9110 §10.2.3. Resets and delays are what networks do.
 *
 * In tests: `const proxy = await startFaultProxy(upstream); proxy.set([...faults])`. From a shell:
 * `node --import tsx test/stack/faultProxy.ts --upstream 127.0.0.1:5000 [--port 0] [--faults '<json>']`.
 * Never imports from src/.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { seeded } from '../support/seeded';

export type FaultAction =
  /** Reset the client's connection after this many bytes of the answer's body (0: before the status line). */
  | { kind: 'reset'; afterBytes: number; of?: 'response' }
  /** Reset the client's connection after this many bytes of the request's body have been forwarded. */
  | { kind: 'reset'; afterBytes: number; of: 'request' }
  /** Hold the request this long before forwarding it. */
  | { kind: 'delay'; ms: number }
  /** Forward the answer's body at this rate (a slow link): a download takes long enough for a cancel to land in it. */
  | { kind: 'throttle'; bytesPerSecond: number }
  /** Answer with this status without forwarding; `retryAfter` in seconds. */
  | { kind: 'status'; status: number; retryAfter?: number; body?: string };

export interface Fault {
  /** Which requests it may hit: method and a path pattern (e.g. /\/manifests\//). */
  method?: string;
  path?: RegExp;
  /** Hit only the n-th matching request (1-based), or each listed one. */
  nth?: number | number[];
  /** Or hit every k-th matching request (2: half of them, alternately). */
  every?: number;
  /** Or hit matching requests at this rate (0..1), from the proxy's seeded generator. */
  rate?: number;
  /** At most this many hits (default: 1 with nth, unbounded with rate). */
  times?: number;
  action: FaultAction;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The upstream's status, or the injected one; undefined when reset before an answer. */
  status?: number;
  /** What the proxy did to it, e.g. "reset after 100 bytes of response". */
  fault?: string;
  /** Bytes of the request's body that reached the proxy. */
  bodyBytes: number;
  /** How the exchange ended: the whole answer sent ('complete'), or the client's connection closed first ('client'); undefined while open. */
  ended?: 'complete' | 'client';
}

export interface FaultProxy {
  /** host:port to give the client instead of the upstream. */
  host: string;
  upstream: string;
  /** Every request, in arrival order, with the fault it got. */
  requests: ProxiedRequest[];
  /** Replaces the faults (and their counters). */
  set(faults: Fault[]): void;
  /** Faults applied since the last set(). */
  hits(): number;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d+$/;

export async function startFaultProxy(upstream: string, options: { seed?: number; port?: number } = {}): Promise<FaultProxy> {
  if (!LOOPBACK.test(upstream)) throw new Error(`fault proxy: upstream ${upstream} is not a loopback host:port`);
  const [upstreamHost, upstreamPort] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  const requests: ProxiedRequest[] = [];
  let faults: Array<Fault & { seen: number; hit: number }> = [];
  let hits = 0;
  const random = seeded(options.seed ?? 21);
  const sockets = new Set<Socket>();

  /** The fault for this request; a reset within the request's body counts only when the body is that long. */
  const pick = (method: string, path: string): { action: FaultAction; applied: () => void } | undefined => {
    for (const fault of faults) {
      if (fault.method && fault.method !== method) continue;
      if (fault.path && !fault.path.test(path)) continue;
      fault.seen++;
      const limit = fault.times ?? (fault.nth !== undefined ? (Array.isArray(fault.nth) ? fault.nth.length : 1) : Infinity);
      if (fault.hit >= limit) continue;
      const chosen =
        fault.nth !== undefined
          ? (Array.isArray(fault.nth) ? fault.nth : [fault.nth]).includes(fault.seen)
          : fault.every !== undefined
            ? fault.seen % fault.every === 0
            : fault.rate !== undefined && random() < fault.rate;
      if (!chosen) continue;
      const applied = () => {
        fault.hit++;
        hits++;
      };
      if (fault.action.kind === 'reset' && fault.action.of === 'request') {
        // Armed until a body that long comes: the n-th request from here on that is long enough.
        fault.seen--;
        if (fault.hit + 1 > limit) continue;
        return { action: fault.action, applied };
      }
      applied();
      return { action: fault.action, applied: () => {} };
    }
    return undefined;
  };

  // Its own agent, without keep-alive: no connection to the upstream outlives its request (Node's global
  // agent keeps them open, and an open one kept a test file's process alive after its last test), and
  // close() destroys whatever is still in flight.
  const upstreamAgent = new http.Agent({ keepAlive: false });
  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const record: ProxiedRequest = { method, path, bodyBytes: 0 };
    requests.push(record);
    request.on('data', (chunk: Buffer) => (record.bodyBytes += chunk.length));
    response.once('finish', () => (record.ended ??= 'complete'));
    response.once('close', () => (record.ended ??= 'client'));
    const picked = pick(method, path);
    const action = picked?.action;
    const reset = () => {
      // An RST, as a dropped connection looks to the client (not a polite FIN).
      const socket = request.socket;
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
    };
    if (action?.kind === 'status') {
      record.status = action.status;
      record.fault = `status ${action.status}${action.retryAfter !== undefined ? ` Retry-After ${action.retryAfter}` : ''}`;
      request.resume();
      const body = action.body ?? '';
      response.writeHead(action.status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain', 'content-length': Buffer.byteLength(body), ...(action.retryAfter !== undefined ? { 'retry-after': String(action.retryAfter) } : {}) });
      response.end(body);
      return;
    }
    if (action?.kind === 'reset' && action.of !== 'request' && action.afterBytes === 0) {
      record.fault = 'reset before the answer';
      reset();
      return;
    }
    const forward = () => {
      const upstreamRequest = http.request(
        { host: upstreamHost, port: upstreamPort, method, path, headers: { ...request.headers, host: upstream }, agent: upstreamAgent },
        (answer) => {
          record.status = answer.statusCode;
          const headers = { ...answer.headers };
          // Upload sessions name the upstream in Location: keep the client talking to the proxy.
          if (typeof headers.location === 'string') headers.location = headers.location.replace(`http://${upstream}`, '');
          response.writeHead(answer.statusCode ?? 502, headers);
          if (action?.kind === 'reset' && action.of !== 'request') {
            record.fault = `reset after ${action.afterBytes} bytes of the answer`;
            let sent = 0;
            answer.on('data', (chunk: Buffer) => {
              if (sent >= action.afterBytes) return;
              const room = action.afterBytes - sent;
              sent += chunk.length;
              if (chunk.length < room) {
                response.write(chunk);
                return;
              }
              response.write(chunk.subarray(0, room), () => reset());
              answer.destroy();
            });
            answer.on('end', () => {
              // The whole answer was shorter than the fault: reset at its end, before it is complete for the client.
              if (sent < action.afterBytes) reset();
            });
            return;
          }
          if (action?.kind === 'throttle') {
            record.fault = `throttled to ${action.bytesPerSecond} bytes/s`;
            let timer: NodeJS.Timeout | undefined;
            answer.on('data', (chunk: Buffer) => {
              response.write(chunk);
              answer.pause();
              timer = setTimeout(() => answer.resume(), (chunk.length / action.bytesPerSecond) * 1000);
            });
            answer.on('end', () => response.end());
            // The client left: stop reading the upstream.
            response.once('close', () => {
              clearTimeout(timer);
              answer.destroy();
            });
            return;
          }
          answer.pipe(response);
        },
      );
      upstreamRequest.on('error', (error) => {
        if (response.headersSent) return reset();
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`fault proxy: upstream ${upstream}: ${error.message}`);
      });
      if (action?.kind === 'reset' && action.of === 'request') {
        let forwarded = 0;
        request.on('data', (chunk: Buffer) => {
          if (record.fault) return;
          const room = action.afterBytes - forwarded;
          forwarded += chunk.length;
          if (room > 0) upstreamRequest.write(chunk.subarray(0, Math.min(room, chunk.length)));
          if (forwarded >= action.afterBytes) {
            picked!.applied();
            record.fault = `reset after ${action.afterBytes} bytes of the request`;
            request.pause();
            // The upstream sees a body cut short; the client sees its connection reset.
            upstreamRequest.destroy();
            reset();
          }
        });
        request.on('end', () => upstreamRequest.end());
        return;
      }
      request.pipe(upstreamRequest);
    };
    if (action?.kind === 'delay') {
      record.fault = `delayed ${action.ms} ms`;
      const timer = setTimeout(forward, action.ms);
      request.socket.once('close', () => clearTimeout(timer));
    } else {
      forward();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    upstream,
    requests,
    set(next) {
      faults = next.map((fault) => ({ ...fault, seen: 0, hit: 0 }));
      hits = 0;
    },
    hits: () => hits,
    close: () => {
      for (const socket of sockets) socket.destroy();
      upstreamAgent.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** `--faults` JSON for the command line: paths are regular expression sources. */
function faultsFromJson(text: string): Fault[] {
  return (JSON.parse(text) as Array<Omit<Fault, 'path'> & { path?: string }>).map((fault) => ({ ...fault, path: fault.path ? new RegExp(fault.path) : undefined }));
}

if (process.argv[1] && /faultProxy\.ts$/.test(process.argv[1])) {
  const argument = (name: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const upstream = argument('upstream');
  if (!upstream) {
    console.error("usage: node --import tsx test/stack/faultProxy.ts --upstream 127.0.0.1:PORT [--port P] [--seed N] [--faults '[{\"rate\":0.15,\"action\":{\"kind\":\"status\",\"status\":503}}]']");
    process.exit(2);
  }
  void startFaultProxy(upstream, { port: Number(argument('port') ?? 0), seed: Number(argument('seed') ?? 21) }).then((proxy) => {
    proxy.set(faultsFromJson(argument('faults') ?? '[]'));
    console.log(`fault proxy at ${proxy.host} → ${upstream}`);
  });
}
