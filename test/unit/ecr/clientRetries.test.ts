/**
 * The ECR API client's retries (the SDK's standard mode: throttling and 5xx, 5 attempts) are each
 * written to the ECR log, against a local HTTP endpoint that answers like ECR's JSON protocol.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { createEcrClient } from '../../../src/core/ecr/client';

describe('ECR API retries', () => {
  it('a 503 then a ThrottlingException are retried by the SDK, each failed attempt in the log; then the answer', async () => {
    let calls = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        calls++;
        if (calls === 1) {
          response.writeHead(503, { 'content-type': 'text/html' });
          return response.end('<html>Service Unavailable</html>');
        }
        if (calls > 100) {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          return response.end(JSON.stringify({ __type: 'RepositoryNotFoundException', message: 'no such repository' }));
        }
        if (calls === 2) {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          return response.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
        }
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ repositories: [{ repositoryName: 'team/app' }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    try {
      const client = await createEcrClient({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        accessKeys: { accessKeyId: 'AKIDRETRYTEST0000000', secretAccessKey: 'not-a-secret' },
        logger: { trace: log, debug: () => {}, info: log, warn: log, error: log },
      });
      const answer = await client.send(new DescribeRepositoriesCommand({}));
      assert.equal(answer.repositories?.[0]?.repositoryName, 'team/app');
      assert.equal(calls, 3);
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[0], /^DescribeRepositories us-east-1: attempt 1 of 5 failed \(.*HTTP 503\); the SDK retries/);
      assert.match(lines[1], /^DescribeRepositories us-east-1: attempt 2 of 5 failed \(ThrottlingException, HTTP 400\); the SDK retries/);
      // An answer that means the request is wrong is not retried, nor logged as a retry.
      calls = 100;
      lines.length = 0;
      await assert.rejects(client.send(new DescribeRepositoriesCommand({ repositoryNames: ['missing'] })), (error: Error) => error.name === 'RepositoryNotFoundException');
      assert.deepEqual(lines, []);
    } finally {
      server.close();
    }
  });
});
