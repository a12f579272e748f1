import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findReferences } from '../../../src/core/references/recognise';
import { referenceFindings } from '../../../src/core/references/findings';
import { SDK_REGIONS, nearestRegion } from '../../../src/core/ecr/regions';

/** Each finding as the text has it under its span, with its fix applied to the text when it has one. */
function findingsOf(text: string, languageId = 'python') {
  return findReferences(text, { languageId }).flatMap((reference) =>
    referenceFindings(reference).map((finding) => ({
      code: finding.code,
      under: text.slice(finding.span.start, finding.span.end),
      message: finding.message,
      fixed: finding.fix ? text.slice(0, finding.fix.span.start) + finding.fix.newText + text.slice(finding.fix.span.end) : undefined,
    })),
  );
}

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('syntax findings on ECR references', () => {
  it("the Union guide's us-eas-1 is flagged on the region, and its fix writes us-east-1", () => {
    const text = 'spec = ImageSpec(\n    registry="123456789012.dkr.ecr.us-eas-1.amazonaws.com",\n    name="simple-example-image",\n)\n';
    const [finding, ...rest] = findingsOf(text);
    assert.deepEqual(rest, []);
    assert.equal(finding.code, 'region');
    assert.equal(finding.under, 'us-eas-1');
    assert.equal(finding.message, '"us-eas-1" is not an AWS region; did you mean "us-east-1"?');
    assert.equal(finding.fixed, text.replace('us-eas-1', 'us-east-1'));
  });

  it('a short account id, a misspelt dkr.ecr, a bad repository name, a bad tag and a bad digest, each on its characters', () => {
    const text = [
      'a: 12345678901.dkr.ecr.us-east-1.amazonaws.com/app:1',
      'b: 123456789012.dkr.ecs.us-east-1.amazonaws.com/app:1',
      'c: 123456789012.dkr.ecr.us-east-1.amazonaws.com/App_/x:1',
      'd: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:.hidden',
      'e: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abc123',
      'f: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app@md5:' + '0'.repeat(32),
      'g: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:',
    ].join('\n');
    const findings = findingsOf(text, 'yaml');
    assert.deepEqual(
      findings.map(({ code, under }) => [code, under]),
      [
        ['account-id', '12345678901'],
        ['service', 'dkr.ecs'],
        ['repository-name', 'App_/x'],
        ['tag', '.hidden'],
        ['digest', 'sha256:abc123'],
        ['digest', `md5:${'0'.repeat(32)}`],
        ['tag', ':'],
      ],
    );
    assert.match(findings[0].message, /12-digit AWS account id; "12345678901" has 11 digits/);
    assert.equal(findings[1].fixed, text.replace('dkr.ecs', 'dkr.ecr'));
    assert.match(findings[2].message, /lower case/);
    assert.match(findings[4].message, /"sha256:" and 64 lower-case hex digits/);
  });

  it('well-formed references in every partition have no findings', () => {
    const text = [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1.2.3@${DIGEST}`,
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:latest',
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1',
      '123456789012.dkr-ecr.ap-southeast-7.on.aws/app:1',
      '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu/app:1',
      '123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/app:1',
    ].join('\n');
    assert.equal(findReferences(text, { languageId: 'yaml' }).length, 6);
    assert.deepEqual(findingsOf(text, 'yaml'), []);
  });

  it('a region equally near two regions gets no guessed fix', () => {
    assert.equal(nearestRegion('us-west-3'), undefined);
    assert.equal(nearestRegion('eu-wset-1'), 'eu-west-1');
    assert.equal(nearestRegion('ap-southeast-9'), undefined);
    assert.equal(nearestRegion('local'), undefined);
    const [finding] = findingsOf('x = "123456789012.dkr.ecr.us-west-3.amazonaws.com/app:1"');
    assert.deepEqual([finding.code, finding.under, finding.fixed], ['region', 'us-west-3', undefined]);
  });

  it("the region list is the installed AWS SDK's partition data, region for region", () => {
    // The ECR client's @aws-sdk/core, whichever copy npm placed for it.
    // (Node's own lookup from the client's folder; the SDK's exports map hides the data file from require.)
    const clientEcr = path.dirname(require.resolve('@aws-sdk/client-ecr/package.json'));
    const core = [path.join(clientEcr, 'node_modules'), path.join(clientEcr, '..', '..')]
      .map((modules) => path.join(modules, '@aws-sdk', 'core'))
      .find((folder) => existsSync(path.join(folder, 'package.json')));
    assert.ok(core, "@aws-sdk/core (the ECR client's dependency) is not installed: run npm ci");
    const source = readFileSync(path.join(core, 'dist-es', 'submodules', 'client', 'util-endpoints', 'lib', 'aws', 'partitions.js'), 'utf8');
    const data = JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1)) as { partitions: { id: string; regions: Record<string, unknown> }[] };
    const sdk = Object.fromEntries(data.partitions.map((partition) => [partition.id, Object.keys(partition.regions).filter((region) => !region.endsWith('-global')).sort()]));
    const ours = Object.fromEntries(Object.entries(SDK_REGIONS).map(([id, regions]) => [id, [...regions].sort()]));
    assert.deepEqual(ours, sdk, 'src/core/ecr/regions.ts differs from the SDK: copy the regions the assertion shows');
  });
});
