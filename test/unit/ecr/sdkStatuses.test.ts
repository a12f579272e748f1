// What @aws-sdk/client-ecr 3.1178 adds that the extension meets: the scan status IMAGE_SIZE_EXCEEDED
// (ECR API model, ScanStatus). Every status the SDK knows that ends without findings reads as words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScanStatus } from '@aws-sdk/client-ecr';
import { scanStatusText } from '../../../src/core/ecr/scanning';

describe('scan statuses of the SDK in use', () => {
  it('IMAGE_SIZE_EXCEEDED (new in 3.1178) says the image was not scanned and why', () => {
    assert.ok(Object.values(ScanStatus).includes('IMAGE_SIZE_EXCEEDED' as never), 'the SDK in use knows the status');
    assert.equal(scanStatusText('IMAGE_SIZE_EXCEEDED'), 'not scanned: the image exceeds the size ECR scans');
  });

  it('every status without findings reads as words, never as the enum', () => {
    const withFindings = new Set(['COMPLETE', 'ACTIVE', 'IN_PROGRESS', 'PENDING', 'FAILED']);
    for (const status of Object.values(ScanStatus).filter((value) => !withFindings.has(value))) {
      assert.match(scanStatusText(status), /^(not|no longer|findings) /, status);
    }
    assert.equal(scanStatusText('IN_PROGRESS'), 'in progress');
  });
});
