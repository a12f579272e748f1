/**
 * A thin HTTP proxy in front of moto that makes it page like ECR. moto ignores maxResults and
 * nextToken (STACK.md), so on its own it can never prove the paginator; this proxy forwards each
 * call unchanged, then slices DescribeRepositories / DescribeImages / ListImages answers by the
 * request's maxResults (ECR's default 100) and hands back a nextToken. It also records every call
 * and can answer a call with an injected AWS JSON error (access denied, throttling) instead.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGED: Record<string, string> = {
  DescribeRepositories: 'repositories',
  DescribeImages: 'imageDetails',
  ListImages: 'imageIds',
};

export interface ProxiedCall {
  operation: string;
  maxResults?: number;
  nextToken?: string;
  /** Items in the answer (paged operations only). */
  returned?: number;
  injected?: boolean;
}

interface Fault {
  status: number;
  type: string;
  message: string;
  remaining: number;
}

export class PagingProxy {
  readonly calls: ProxiedCall[] = [];
  private readonly faults = new Map<string, Fault[]>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<PagingProxy> {
    let proxy!: PagingProxy;
    const server = http.createServer((request, response) => {
      proxy.handle(target, request, response).catch((error) => {
        response.statusCode = 502;
        response.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new PagingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /** Answers the next `times` calls of `operation` with an AWS JSON 1.1 error of this type. */
  inject(operation: string, fault: { status: number; type: string; message: string }, times = 1): void {
    const queue = this.faults.get(operation) ?? [];
    queue.push({ ...fault, remaining: times });
    this.faults.set(operation, queue);
  }

  callsOf(operation: string): ProxiedCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  reset(): void {
    this.calls.length = 0;
    this.faults.clear();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(target: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    let input: { maxResults?: number; nextToken?: string } = {};
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      // Not JSON (a moto-api call): forwarded as is.
    }
    const call: ProxiedCall = { operation, maxResults: input.maxResults, nextToken: input.nextToken };
    this.calls.push(call);

    const fault = this.faults.get(operation)?.find((candidate) => candidate.remaining > 0);
    if (fault) {
      fault.remaining--;
      call.injected = true;
      response.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'proxy-injected' });
      response.end(JSON.stringify({ __type: fault.type, message: fault.message }));
      return;
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
    }
    const upstream = await fetch(new URL(request.url ?? '/', target), { method: request.method, headers, body: body.length ? body : undefined });
    const text = await upstream.text();
    const field = PAGED[operation];
    if (!field || !upstream.ok) {
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.1' });
      response.end(text);
      return;
    }
    const all = JSON.parse(text) as Record<string, unknown[]>;
    const items = all[field] ?? [];
    const pageSize = input.maxResults ?? 100;
    const offset = input.nextToken ? Number(/^proxy-offset-(\d+)$/.exec(input.nextToken)?.[1] ?? NaN) : 0;
    if (Number.isNaN(offset)) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'InvalidParameterException', message: 'Invalid parameter at nextToken' }));
      return;
    }
    const page = items.slice(offset, offset + pageSize);
    call.returned = page.length;
    const answer: Record<string, unknown> = { ...all, [field]: page };
    delete answer.nextToken;
    if (offset + pageSize < items.length) answer.nextToken = `proxy-offset-${offset + pageSize}`;
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(answer));
  }
}
