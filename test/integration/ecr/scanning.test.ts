import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { stackFor, resetMoto } from '../../support/stack';
import { createRepository, describeRepository } from '../../../src/core/ecr/management';
import { listImages } from '../../../src/core/ecr/listing';
import { describeScanFindings, setScanOnPush, startImageScan } from '../../../src/core/ecr/scanning';
import { motoClient, putImage } from './fixtures';

const { env, skip } = stackFor('moto');

/** moto's documented hook for custom scan results (moto-api/static/ecr/scan-finding-results). */
async function motoScanResults(results: unknown[]): Promise<void> {
  const response = await fetch(`${env.ecrEndpoint}/moto-api/static/ecr/scan-finding-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ results, region: 'us-east-1' }),
  });
  assert.equal(response.status, 201, await response.text());
}

describe('image scanning against moto', { skip }, () => {
  let client: ECRClient;

  before(async () => {
    client = await motoClient(env.ecrEndpoint);
  });
  beforeEach(async () => {
    await resetMoto(env.ecrEndpoint);
    await createRepository(client, { name: 'ml/scanned' });
  });

  it('reports an image that was never scanned as not scanned', async () => {
    await putImage(client, 'ml/scanned', 'never', 'v1');
    assert.deepEqual(await describeScanFindings(client, 'ml/scanned', { tag: 'v1' }), { status: 'NOT_SCANNED', counts: {}, findings: [] });
  });

  it('starts a scan and reads custom findings (basic and enhanced) sorted by severity, with counts', async () => {
    const digest = await putImage(client, 'ml/scanned', 'scanned', 'v2');
    await motoScanResults([
      {
        registryId: '123456789012',
        repositoryName: 'ml/scanned',
        imageId: { imageTag: 'v2' },
        imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
        imageScanFindings: {
          findingSeverityCounts: { MEDIUM: 1, CRITICAL: 1 },
          findings: [
            {
              name: 'CVE-2023-0464',
              uri: 'https://security-tracker.debian.org/tracker/CVE-2023-0464',
              severity: 'MEDIUM',
              attributes: [
                { key: 'package_name', value: 'openssl' },
                { key: 'package_version', value: '3.0.8-1' },
              ],
            },
          ],
          enhancedFindings: [
            {
              severity: 'CRITICAL',
              title: 'CVE-2024-3094 - xz-utils',
              description: 'Malicious code in xz upstream tarballs.',
              packageVulnerabilityDetails: {
                vulnerabilityId: 'CVE-2024-3094',
                sourceUrl: 'https://nvd.nist.gov/vuln/detail/CVE-2024-3094',
                vulnerablePackages: [{ name: 'xz-utils', version: '5.6.0' }],
              },
            },
          ],
        },
      },
    ]);
    assert.equal(await startImageScan(client, 'ml/scanned', { tag: 'v2' }), 'IN_PROGRESS');
    const report = await describeScanFindings(client, 'ml/scanned', { tag: 'v2' });
    assert.equal(report.status, 'COMPLETE');
    assert.deepEqual(report.counts, { MEDIUM: 1, CRITICAL: 1 });
    assert.deepEqual(
      report.findings.map(({ name, severity, packageName, packageVersion, link }) => ({ name, severity, packageName, packageVersion, link })),
      [
        { name: 'CVE-2024-3094', severity: 'CRITICAL', packageName: 'xz-utils', packageVersion: '5.6.0', link: 'https://nvd.nist.gov/vuln/detail/CVE-2024-3094' },
        { name: 'CVE-2023-0464', severity: 'MEDIUM', packageName: 'openssl', packageVersion: '3.0.8-1', link: 'https://security-tracker.debian.org/tracker/CVE-2023-0464' },
      ],
    );
    // The listing carries the scan status for the tree's tooltip.
    const [listed] = await listImages(client, 'ml/scanned');
    assert.equal(listed.digest, digest);
  });

  it('refuses a second scan of the same image on the same day as ECR does', async () => {
    await putImage(client, 'ml/scanned', 'twice', 'v3');
    await startImageScan(client, 'ml/scanned', { tag: 'v3' });
    await assert.rejects(startImageScan(client, 'ml/scanned', { tag: 'v3' }), (error: Error) => error.name === 'LimitExceededException');
  });

  it('turns scan on push on and off', async () => {
    assert.equal(await setScanOnPush(client, 'ml/scanned', true), true);
    assert.equal((await describeRepository(client, 'ml/scanned'))?.scanOnPush, true);
    assert.equal(await setScanOnPush(client, 'ml/scanned', false), false);
    assert.equal((await describeRepository(client, 'ml/scanned'))?.scanOnPush, false);
  });
});
