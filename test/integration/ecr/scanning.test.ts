import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { registerMotoScanFindings, stackFor, resetMoto } from '../../support/stack';
import { createRepository, describeRepository } from '../../../src/core/ecr/management';
import { describeScanFindings, describeScanSummary, setScanOnPush, startImageScan } from '../../../src/core/ecr/scanning';
import { motoClient, putImage } from './fixtures';

const { env, skip } = stackFor('moto');

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
    await putImage(client, 'ml/scanned', 'scanned', 'v2');
    await registerMotoScanFindings(env.ecrEndpoint, 'ml/scanned', { imageTag: 'v2' }, {
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
    });
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
  });

  it('reads status and counts alone for a tooltip, by digest, and "not scanned" for an image never scanned', async () => {
    const digest = await putImage(client, 'ml/scanned', 'summary', 'v4');
    await startImageScan(client, 'ml/scanned', { digest });
    await registerMotoScanFindings(env.ecrEndpoint, 'ml/scanned', { imageDigest: digest }, { findingSeverityCounts: { HIGH: 3, LOW: 1 }, findings: [] });
    assert.deepEqual(await describeScanSummary(client, 'ml/scanned', { digest }), { status: 'COMPLETE', counts: { HIGH: 3, LOW: 1 } });
    const never = await putImage(client, 'ml/scanned', 'never-summary', 'v5');
    assert.deepEqual(await describeScanSummary(client, 'ml/scanned', { digest: never }), { status: 'NOT_SCANNED', counts: {} });
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
