/** Scan findings of two images: fixed, introduced and unchanged, counted by severity. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareFindings } from '../../../src/core/compare/findings';
import type { ScanFinding } from '../../../src/core/ecr/scanning';

const finding = (name: string, severity: string, packageName: string, packageVersion: string): ScanFinding => ({ name, severity, packageName, packageVersion, link: `https://nvd.nist.gov/vuln/detail/${name}` });

describe('findings diff', () => {
  const before = [
    finding('CVE-2024-5535', 'CRITICAL', 'openssl', '3.0.11-1~deb12u2'),
    finding('CVE-2023-45853', 'HIGH', 'zlib1g', '1:1.2.13.dfsg-1'),
    finding('CVE-2024-2511', 'MEDIUM', 'openssl', '3.0.11-1~deb12u2'),
    finding('CVE-2022-40897', 'LOW', 'setuptools', '65.5.0'),
  ];
  const after = [
    finding('CVE-2023-45853', 'HIGH', 'zlib1g', '1:1.2.13.dfsg-1'),
    finding('CVE-2024-2511', 'LOW', 'openssl', '3.0.15-1~deb12u1'),
    finding('CVE-2025-0001', 'HIGH', 'torch', '2.4.0'),
    finding('CVE-2025-0002', 'CRITICAL', 'libexpat1', '2.5.0-1'),
    // The same CVE in another package is another finding.
    finding('CVE-2023-45853', 'HIGH', 'minizip', '1.2.13'),
  ];
  const diff = compareFindings(before, after);

  it('fixed: in the before image only; introduced: in the after image only, most severe first', () => {
    assert.deepEqual(diff.fixed.map((change) => `${change.finding.severity} ${change.finding.name} ${change.finding.packageName}`), ['CRITICAL CVE-2024-5535 openssl', 'LOW CVE-2022-40897 setuptools']);
    assert.deepEqual(diff.introduced.map((change) => `${change.finding.severity} ${change.finding.name} ${change.finding.packageName}`), [
      'CRITICAL CVE-2025-0002 libexpat1',
      'HIGH CVE-2023-45853 minizip',
      'HIGH CVE-2025-0001 torch',
    ]);
  });

  it('unchanged: the same vulnerability in the same package, with the before version when the package moved', () => {
    assert.deepEqual(
      diff.unchanged.map((change) => [change.finding.name, change.finding.severity, change.before?.packageVersion ?? null, change.finding.packageVersion]),
      [
        ['CVE-2023-45853', 'HIGH', null, '1:1.2.13.dfsg-1'],
        ['CVE-2024-2511', 'LOW', '3.0.11-1~deb12u2', '3.0.15-1~deb12u1'],
      ],
    );
  });

  it('counts by severity, most severe first', () => {
    assert.deepEqual(diff.bySeverity, [
      ['CRITICAL', { fixed: 1, introduced: 1, unchanged: 0 }],
      ['HIGH', { fixed: 0, introduced: 2, unchanged: 1 }],
      ['LOW', { fixed: 1, introduced: 0, unchanged: 1 }],
    ]);
  });

  it('no findings on either side: nothing', () => {
    assert.deepEqual(compareFindings([], []), { fixed: [], introduced: [], unchanged: [], bySeverity: [] });
  });
});
