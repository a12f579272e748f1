import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { filterHeader } from '../../../src/core/explorer/filterHeader';

describe('the filter line above the ECR tree', () => {
  it('echoes a short filter in full and says where the counts are', () => {
    assert.equal(filterHeader('churn'), 'Filtered by "churn": names and loaded tags · counts on registry rows');
    assert.equal(filterHeader(''), undefined);
  });

  it('cuts a long filter to one line and says how long it was (a 2,000-character paste pushed the tree off screen)', () => {
    const header = filterHeader('x'.repeat(2000)) ?? '';
    assert.ok(header.length <= 120, `one line, not ${header.length} characters`);
    assert.match(header, /^Filtered by "x{31}…" \(2,000 characters\): /);
  });
});
