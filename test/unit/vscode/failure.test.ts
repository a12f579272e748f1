import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretRedactor } from '../../../src/core/log';
import { registryErrorFrom } from '../../../src/core/registry/errors';
import { describeFailure } from '../../../src/vscode/failure';

const SECRET = 'eyJwYXlsb2FkIjoic2VjcmV0LXRva2VuLXZhbHVlIn0';

function redactor(): SecretRedactor {
  const value = new SecretRedactor();
  value.add(SECRET);
  return value;
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('how the reporter reads a failure (src/vscode/failure.ts)', () => {
  it("an error that is not ECR's keeps its own words, secrets removed", () => {
    const reported = describeFailure(new Error(`EACCES: permission denied, open '/home/me/.docker/config.json' (token ${SECRET})`), redactor());
    assert.equal(reported.message, "EACCES: permission denied, open '/home/me/.docker/config.json' (token ***)");
    assert.equal(reported.action, undefined);
  });

  it("a refused connection is the engine's words without a registry, ECR's endpoint with one", () => {
    const refused = withCode('connect ECONNREFUSED /var/run/docker.sock', 'ECONNREFUSED');
    assert.equal(describeFailure(refused, redactor()).message, 'connect ECONNREFUSED /var/run/docker.sock');
    const fromEcr = describeFailure(refused, redactor(), { $endpoint: 'http://127.0.0.1:5000' }, true);
    assert.match(fromEcr.message, /The ECR endpoint 127\.0\.0\.1:5000 is unreachable \(ECONNREFUSED\)/);
    assert.deepEqual(fromEcr.action, { kind: 'open-settings', title: 'Open settings', setting: 'ecr.endpoint' });
  });

  it('missing AWS credentials are classified wherever they come from, with Select profile…', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const reported = describeFailure(error, redactor(), { $profile: 'dev' });
    assert.match(reported.message, /No AWS credentials found for profile "dev"/);
    assert.equal(reported.action?.kind, 'select-profile');
  });

  it("a registry error says the registry's words, with the fix its code calls for", () => {
    const denied = describeFailure(registryErrorFrom(401, JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: `bad token ${SECRET}` }] }), 'GET manifest team/app:1.0'), redactor());
    assert.match(denied.message, /did not accept the ECR token for GET manifest team\/app:1\.0/);
    assert.ok(!denied.message.includes(SECRET), denied.message);
    assert.equal(denied.action?.kind, 'select-profile');
    assert.equal(describeFailure(registryErrorFrom(503, '', 'PUT blob'), redactor()).action?.kind, 'retry');
  });

  it('a sentence is shown as given, redacted', () => {
    assert.deepEqual(describeFailure(`docker login failed: ${SECRET}`, redactor()), { message: 'docker login failed: ***', detail: '' });
  });
});
