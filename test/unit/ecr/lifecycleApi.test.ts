import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { describePolicyRules } from '../../../src/core/ecr/lifecycleApi';

test('describePolicyRules lists the rules by their descriptions, so the delete modal says what stops', () => {
  const policy = JSON.stringify({
    rules: [
      { rulePriority: 1, description: 'keep the last 5 untagged images', selection: {}, action: { type: 'expire' } },
      { rulePriority: 2, description: 'expire images older than 30 days', selection: {}, action: { type: 'expire' } },
    ],
  });
  assert.equal(describePolicyRules(policy), 'Its 2 rules: keep the last 5 untagged images; expire images older than 30 days.');
});

test('describePolicyRules counts rules when any lacks a description, and says nothing of text that is not JSON', () => {
  assert.equal(describePolicyRules(JSON.stringify({ rules: [{ rulePriority: 1, description: 'a' }, { rulePriority: 2 }] })), 'It has 2 rules.');
  assert.equal(describePolicyRules(JSON.stringify({ rules: [{ rulePriority: 1 }] })), 'It has 1 rule.');
  assert.equal(describePolicyRules('{not json'), '');
});
