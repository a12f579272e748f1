/**
 * Word-level helpers read the way BuildKit reads them: whitespace-separated words that keep their
 * quotes (parser/line_parsers.go parseWords), `key=value` pairs (parseNameVal), the variables a word
 * expands (shell/lex.go: `$x`, `${x}`, `${x:-word}`…, nothing inside single quotes, `\$` escaped),
 * distance-based suggestions (util/suggest) and image-reference validity (distribution/reference).
 */
import { editDistance } from '../../editDistance';

/**
 * Results by text: typing changes one instruction at a time, so each lint of a large file reads the
 * others' words from here (bounded; cleared when full).
 */
const memo = new Map<string, unknown>();
function remember<T>(key: string, compute: () => T): T {
  const found = memo.get(key);
  if (found !== undefined) return found as T;
  const value = compute();
  if (memo.size >= 20_000) memo.clear();
  memo.set(key, value);
  return value;
}

const isBlank = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v';

/** parseWords: splits on blanks outside quotes; quotes and escapes are kept in the words. */
export function splitWords(text: string, escape: string): string[] {
  return remember(`w${escape}${text}`, () => splitWordsUncached(text, escape));
}

function splitWordsUncached(text: string, escape: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (blank) {
      if (isBlank(ch)) continue;
      blank = false;
    }
    if (quote === '' && isBlank(ch)) {
      words.push(word);
      word = '';
      blank = true;
      continue;
    }
    if (ch === escape && i + 1 < text.length && quote !== "'") {
      word += ch + text[i + 1];
      i++;
      continue;
    }
    if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = '';
    word += ch;
  }
  if (!blank && word !== '') words.push(word);
  return words;
}

export interface KeyValue {
  key: string;
  value: string | undefined;
  /** Written as `key value` (no "="): the legacy form. */
  legacy: boolean;
}

/** parseNameVal for ENV and LABEL: `key value…` (legacy, one pair) or `k=v k2=v2`. */
export function keyValues(text: string, escape: string): KeyValue[] {
  return remember(`k${escape}${text}`, () => keyValuesUncached(text, escape));
}

function keyValuesUncached(text: string, escape: string): KeyValue[] {
  const words = splitWords(text, escape);
  if (words.length === 0) return [];
  if (!words[0].includes('=')) {
    const rest = text.trim().slice(words[0].length).trim();
    return [{ key: words[0], value: rest, legacy: true }];
  }
  return words.map((word) => {
    const equals = word.indexOf('=');
    return equals < 0 ? { key: word, value: undefined, legacy: false } : { key: word.slice(0, equals), value: word.slice(equals + 1), legacy: false };
  });
}

/** The names a word expands, in order (shell lex: unset ones are BuildKit's "unmatched"). */
export function variablesIn(word: string, escape = '\\'): string[] {
  if (!word.includes('$')) return [];
  return remember(`v${escape}${word}`, () => {
    const names: string[] = [];
    scan(word, 0, '', names, escape);
    return names;
  });
}

function scan(text: string, start: number, stopAt: string, names: string[], escape: string): number {
  let i = start;
  let inDouble = false;
  while (i < text.length) {
    const ch = text[i];
    if (stopAt && ch === stopAt && !inDouble) return i + 1;
    if (ch === escape) {
      i += 2;
      continue;
    }
    if (ch === "'" && !inDouble) {
      const close = text.indexOf("'", i + 1);
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    if (ch === '"') {
      inDouble = !inDouble;
      i++;
      continue;
    }
    if (ch !== '$') {
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      const name = /^[A-Za-z0-9_]+/.exec(text.slice(i + 2))?.[0] ?? '';
      let j = i + 2 + name.length;
      if (name) names.push(name);
      if (text[j] === '}') {
        i = j + 1;
        continue;
      }
      if (text[j] === ':') j++;
      // The modifier's word may use variables too: ${a:-$b}.
      i = scan(text, j + 1, '}', names, escape);
      continue;
    }
    const name = /^(?:[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i + 1))?.[0];
    if (name) names.push(name);
    i += 1 + (name?.length ?? 0);
  }
  return i;
}

/** Substitutes known values the way the lint's ARG defaults are applied (unset variables become ""). */
export function expandWith(word: string, values: ReadonlyMap<string, string>): string {
  return word.replace(/\$(?:\{([A-Za-z0-9_]+)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, operator: string | undefined, operand: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = values.get(name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    if (operator === ':-') return nonEmpty ? value : (operand ?? '');
    if (operator === '-') return set ? value : (operand ?? '');
    if (operator === ':+') return nonEmpty ? (operand ?? '') : '';
    if (operator === '+') return set ? (operand ?? '') : '';
    return value ?? '';
  });
}

/** util/suggest.Search: the closest option under distance 3, none when one matches exactly. */
export function suggest(value: string, options: Iterable<string>): string {
  let match = '';
  let best = 3;
  for (const option of options) {
    if (option === value) return '';
    const d = editDistance(value, option);
    if (d < best) {
      best = d;
      match = option;
    }
  }
  return match;
}

// distribution/reference's grammar (reference/regexp.go), for ParseNormalizedNamed.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

/** Whether `docker` would accept this as an image name (lower-case repository, valid tag/digest). */
export function isValidImageReference(value: string): boolean {
  if (value === '' || value.length > 255 + 140) return false;
  return REFERENCE.test(value);
}
