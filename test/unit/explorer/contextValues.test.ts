// package.json's menus and the tree's contextValues (src/core/explorer/contextValues.ts) agree: every
// `viewItem` clause a menu entry uses matches some row the tree can draw (an entry that can never show is
// a typo or a stale token), and every token a row carries is read by some menu.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONTEXT_SLOTS } from '../../../src/core/explorer/contextValues';

interface MenuEntry {
  command: string;
  when?: string;
}
const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuEntry[]> } };

/** Every contextValue a row of each kind can have: one token per slot ('' for none), in slot order. */
function producible(): string[] {
  const values: string[] = [];
  for (const slots of Object.values(CONTEXT_SLOTS)) {
    let partial: string[][] = [[]];
    for (const slot of slots) partial = partial.flatMap((tokens) => slot.map((token) => (token ? [...tokens, token] : tokens)));
    values.push(...partial.map((tokens) => tokens.join(' ')));
  }
  return values;
}

/** The `viewItem` tests of a when clause (`viewItem == x`, `viewItem =~ /re/`), as predicates; other terms are not about the row. */
function viewItemTests(when: string): Array<(value: string) => boolean> {
  const tests: Array<(value: string) => boolean> = [];
  for (const match of when.matchAll(/viewItem\s*(==|=~)\s*(\/(?:[^/\\]|\\.)+\/|[^\s&|)]+)/g)) {
    const [, operator, operand] = match;
    if (operator === '==') tests.push((value) => value === operand);
    else tests.push((value) => new RegExp(operand.slice(1, -1)).test(value));
  }
  assert.ok(!/\|\||!viewItem/.test(when) || tests.length === 0, `this test reads only &&-joined viewItem clauses: ${when}`);
  return tests;
}

const entries = Object.entries(manifest.contributes.menus).flatMap(([menu, list]) => list.filter((entry) => entry.when?.includes('viewItem')).map((entry) => ({ menu, ...entry, tests: viewItemTests(entry.when!) })));
const values = producible();

describe('menus and the tree rows they are for', () => {
  it('every viewItem clause in package.json matches a row the tree can draw', () => {
    assert.ok(entries.length > 20, 'the menus were read');
    const never = entries.filter((entry) => !values.some((value) => entry.tests.every((test) => test(value))));
    assert.deepEqual(never.map((entry) => `${entry.menu}: ${entry.command} when ${entry.when}`), []);
  });

  it('every token a row carries is read by some menu', () => {
    const tokens = new Set(Object.values(CONTEXT_SLOTS).flat(2).filter(Boolean));
    // A token is read when flipping it changes whether some entry shows on some row.
    const read = new Set<string>();
    for (const value of values) {
      for (const token of value.split(' ')) {
        const without = value.split(' ').filter((other) => other !== token).join(' ');
        if (entries.some((entry) => entry.tests.every((test) => test(value)) !== entry.tests.every((test) => test(without)))) read.add(token);
      }
    }
    const unread = [...tokens].filter((token) => !read.has(token)).sort();
    assert.deepEqual(unread, UNREAD_TODAY, 'a token no menu reads: remove it from contextValues.ts, or a token of UNREAD_TODAY is now read: drop it from the list');
  });
});

/**
 * Tokens no menu reads yet (issue 24: each goes, or a menu starts reading it; the list only shrinks).
 * Tests that check a row's state read these today; rows that have no menu at all need no contextValue.
 */
const UNREAD_TODAY = ['archivedGroup', 'artifact', 'creationTemplate', 'expiring', 'immutable', 'index', 'loadMore', 'message', 'mutable', 'referenced', 'stale', 'templateGroup', 'untagged', 'untaggedGroup'];
