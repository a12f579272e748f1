/**
 * A shell parser just deep enough for linting: finds every simple command in a script, the way
 * ShellCheck's parser (which hadolint uses) sees them. Commands inside if/while/for/case bodies,
 * { …; } groups, ( … ) subshells, after !, and inside $(…), `…` and <(…) (quoted or not) are all
 * commands; redirections and their targets are never arguments; leading VAR=value words are
 * assignments. Works on flat text with a position for every character, so every word keeps its
 * exact range in the Dockerfile.
 */
import type { Position, Range } from './text';

export interface ShellWord {
  /** The word as the shell sees it: quotes removed, backslash escapes applied, expansions as written. */
  text: string;
  range: Range;
  /** Whether any part was quoted (a quoted "|" is not a pipe). */
  quoted: boolean;
}

export interface ShellCommand {
  /** Assignments, then the command name and its arguments; never redirections. */
  words: ShellWord[];
  /** How many leading words are VAR=value assignments. */
  assignments: number;
}

export type ShellOperatorKind = '&&' | '||' | '|' | '|&' | ';' | '&';

export interface ShellOperator {
  kind: ShellOperatorKind;
  range: Range;
}

export interface ParsedShell {
  commands: ShellCommand[];
  operators: ShellOperator[];
}

/** Flat script text and, for each character (and one past the end), where it is in the document. */
export interface ShellSource {
  text: string;
  positions: Position[];
}

/** Words that start or continue a compound command: the command proper follows them. */
const PREFIX_WORDS = new Set(['if', 'then', 'elif', 'else', 'do', 'while', 'until', '{', '!', 'time']);
/** Words that only close a compound command. */
const CLOSING_WORDS = new Set(['fi', 'done', '}', 'esac']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

function rangeOf(source: ShellSource, start: number, end: number): Range {
  const last = source.positions[Math.max(start, end - 1)];
  return { start: source.positions[start], end: { line: last.line, character: last.character + (end > start ? 1 : 0) } };
}

interface Token {
  kind: 'word' | 'op' | 'newline';
  /** For op tokens: the operator text. */
  op?: string;
  word?: ShellWord;
  start: number;
  end: number;
}

class Scanner {
  private i: number;
  readonly nested: ParsedShell[] = [];
  /** Heredoc delimiters waiting for the end of the current line. */
  private pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];

  constructor(
    private readonly source: ShellSource,
    start: number,
    private readonly end: number,
    private readonly depth: number,
  ) {
    this.i = start;
  }

  private rangeOf(start: number, end: number): Range {
    return rangeOf(this.source, start, end);
  }

  /** While > 0, substitutions are only skipped: the range being measured is parsed on its own later. */
  private measuring = 0;

  /** Index just after the parenthesis that closes the one before `from`, skipping quotes and nesting. */
  private matchingClose(from: number, open: string, close: string): number {
    this.measuring++;
    try {
      return this.scanToClose(from, open, close);
    } finally {
      this.measuring--;
    }
  }

  private scanToClose(from: number, open: string, close: string): number {
    const text = this.source.text;
    let depth = 1;
    let i = from;
    while (i < this.end) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === "'") {
        const closing = text.indexOf("'", i + 1);
        i = closing < 0 || closing >= this.end ? this.end : closing + 1;
      } else if (c === '"') i = this.skipDoubleQuoted(i + 1, null);
      else if (c === '`') i = this.skipBackticks(i + 1, false);
      else if (c === '#' && (i === from || /\s/.test(text[i - 1]))) {
        const newline = text.indexOf('\n', i);
        i = newline < 0 || newline >= this.end ? this.end : newline;
      } else {
        if (c === open) depth++;
        else if (c === close && --depth === 0) return i + 1;
        i++;
      }
    }
    return this.end;
  }

  /** Parses the commands of a substitution's body (once the recursion is not absurdly deep). */
  private parseNested(start: number, end: number): void {
    if (this.measuring === 0 && this.depth < 24 && end > start) this.nested.push(parseRange(this.source, start, end, this.depth + 1));
  }

  /** From after an opening ", to after its closing quote; appends the text to `word` when given. */
  private skipDoubleQuoted(from: number, word: { text: string } | null): number {
    const text = this.source.text;
    let i = from;
    while (i < this.end && text[i] !== '"') {
      const c = text[i];
      if (c === '\\' && i + 1 < this.end) {
        const next = text[i + 1];
        if (next !== '\n' && word) word.text += '$`"\\'.includes(next) ? next : c + next;
        i += 2;
      } else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
        const after = this.dollar(i);
        if (word) word.text += text.slice(i, after);
        i = after;
      } else if (c === '`') {
        const after = this.skipBackticks(i + 1, true);
        if (word) word.text += text.slice(i, after);
        i = after;
      } else {
        if (word) word.text += c;
        i++;
      }
    }
    return Math.min(i + 1, this.end);
  }

  private skipBackticks(from: number, parse: boolean): number {
    const text = this.source.text;
    let i = from;
    while (i < this.end && text[i] !== '`') i += text[i] === '\\' ? 2 : 1;
    if (parse) this.parseNested(from, Math.min(i, this.end));
    return Math.min(i + 1, this.end);
  }

  /** A $-expansion starting at `at`: $(…) (parsed), $((…)), ${…}; returns the index after it. */
  private dollar(at: number): number {
    const text = this.source.text;
    if (text[at + 1] === '(') {
      if (text[at + 2] === '(') return this.matchingClose(at + 3, '(', ')') + 1;
      const close = this.matchingClose(at + 2, '(', ')');
      this.parseNested(at + 2, close - 1);
      return close;
    }
    if (text[at + 1] === '{') return this.matchingClose(at + 2, '{', '}');
    return at + 1;
  }

  private skipHeredocBodies(): void {
    const text = this.source.text;
    for (const { delimiter, stripTabs } of this.pendingHeredocs) {
      while (this.i < this.end) {
        let lineEnd = text.indexOf('\n', this.i);
        if (lineEnd < 0 || lineEnd > this.end) lineEnd = this.end;
        const line = text.slice(this.i, lineEnd);
        this.i = Math.min(lineEnd + 1, this.end);
        if ((stripTabs ? line.replace(/^\t+/, '') : line) === delimiter) break;
      }
    }
    this.pendingHeredocs = [];
  }

  next(): Token | undefined {
    const text = this.source.text;
    while (this.i < this.end) {
      const c = text[this.i];
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && text[this.i + 1] === '\n') this.i += 2;
      else if (c === '#') {
        const newline = text.indexOf('\n', this.i);
        this.i = newline < 0 || newline >= this.end ? this.end : newline;
      } else break;
    }
    if (this.i >= this.end) return undefined;
    const start = this.i;
    const c = text[start];
    if (c === '\n') {
      this.i++;
      if (this.pendingHeredocs.length > 0) this.skipHeredocBodies();
      return { kind: 'newline', start, end: start + 1 };
    }
    const two = text.slice(start, start + 2);
    for (const op of ['&&', '||', ';;', '|&']) {
      if (two === op) {
        this.i += 2;
        return { kind: 'op', op, start, end: start + 2 };
      }
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      if (c === '&' && text[start + 1] === '>') return this.redirect(start, start);
      this.i++;
      return { kind: 'op', op: c, start, end: start + 1 };
    }
    // A redirection: optional fd digits (or {name}) right before < or >.
    let j = start;
    while (j < this.end && text[j] >= '0' && text[j] <= '9') j++;
    if ((text[j] === '<' || text[j] === '>') && text[j + 1] !== '(') return this.redirect(start, j);
    return this.word(start);
  }

  /** A redirection operator at `operatorStart` and its target word: returned as one op token. */
  private redirect(start: number, operatorStart: number): Token {
    const text = this.source.text;
    let i = operatorStart;
    const operator = /^(&>>|&>|<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)/.exec(text.slice(i, i + 3))![0];
    i += operator.length;
    this.i = i;
    while (this.i < this.end && (text[this.i] === ' ' || text[this.i] === '\t')) this.i++;
    const target = this.i < this.end && !'\n;&|()'.includes(text[this.i]) ? this.word(this.i) : undefined;
    if ((operator === '<<' || operator === '<<-') && target?.word) {
      this.pendingHeredocs.push({ delimiter: target.word.text, stripTabs: operator === '<<-' });
    }
    return { kind: 'op', op: 'redirect', start, end: this.i };
  }

  private word(start: number): Token {
    const text = this.source.text;
    const word = { text: '' };
    let quoted = false;
    let i = start;
    let lastChar = start;
    while (i < this.end) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === ')') break;
      if ((c === '<' || c === '>') && text[i + 1] !== '(') break;
      if (c === '(') {
        // NAME=(a b c) assigns an array: the parentheses are part of the word.
        if (!/^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(text.slice(start, i))) break; // "name()" defines a function
        const close = this.matchingClose(i + 1, '(', ')');
        word.text += text.slice(i, close);
        lastChar = close - 1;
        i = close;
        continue;
      }
      lastChar = i;
      if (c === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          continue;
        }
        if (i + 1 < this.end) {
          word.text += text[i + 1];
          lastChar = i + 1;
        }
        i += 2;
      } else if (c === "'" || (c === '$' && text[i + 1] === "'")) {
        // '…' and $'…': literal up to the next single quote.
        quoted = true;
        const open = c === '$' ? i + 1 : i;
        const closing = text.indexOf("'", open + 1);
        const stop = closing < 0 || closing >= this.end ? this.end : closing;
        word.text += text.slice(open + 1, stop);
        lastChar = Math.min(stop, this.end - 1);
        i = stop + 1;
      } else if (c === '"') {
        quoted = true;
        i = this.skipDoubleQuoted(i + 1, word);
        lastChar = i - 1;
      } else if (c === '$') {
        const after = this.dollar(i);
        word.text += text.slice(i, after);
        lastChar = after - 1;
        i = after;
      } else if (c === '`') {
        const after = this.skipBackticks(i + 1, true);
        word.text += text.slice(i, after);
        lastChar = after - 1;
        i = after;
      } else if ((c === '<' || c === '>') && text[i + 1] === '(') {
        const close = this.matchingClose(i + 2, '(', ')');
        this.parseNested(i + 2, close - 1);
        word.text += text.slice(i, close);
        lastChar = close - 1;
        i = close;
      } else {
        word.text += c;
        i++;
      }
    }
    this.i = Math.max(i, start + 1);
    const end = Math.min(Math.max(lastChar + 1, start + 1), this.end);
    return { kind: 'word', word: { text: word.text, quoted, range: this.rangeOf(start, end) }, start, end: this.i };
  }
}

/** What the next words are: a command, a case pattern, or words to discard up to a separator. */
type ParseMode = 'command' | 'pattern' | 'skip-to-separator' | 'skip-condition' | 'case-subject';

/** What parseRange keeps while it walks one range's tokens: the commands so far and the word being built. */
class RangeParser {
  readonly commands: ShellCommand[] = [];
  readonly operators: ShellOperator[] = [];
  private words: ShellWord[] = [];
  private assignments = 0;
  private mode: ParseMode = 'command';
  private readonly caseDepth: number[] = [];
  private parens = 0;
  /** The previous word was the `time` keyword (whose -p option is not a command). */
  private afterTime = false;

  constructor(private readonly source: ShellSource) {}

  finish(): void {
    if (this.words.length > 0) this.commands.push({ words: this.words, assignments: this.assignments });
    this.words = [];
    this.assignments = 0;
  }

  /** A newline or a control operator (not a redirection). */
  separator(token: Token): void {
    const op = token.op;
    if (this.mode === 'pattern') {
      if (op === ')') this.mode = 'command';
      return;
    }
    if (this.mode === 'skip-condition' && op !== undefined && op !== ';') return; // && and || inside [[ ]]
    if (op === '(' && this.words.length === 1 && this.words[0].text !== '' && !this.words[0].quoted) {
      // "name() { …; }": a function definition, not a command.
      this.words = [];
      this.assignments = 0;
      return;
    }
    this.finish();
    if (this.mode === 'case-subject') this.mode = 'pattern';
    else if (this.mode !== 'command') this.mode = 'command';
    if (op === ';;') this.mode = this.caseDepth.length > 0 ? 'pattern' : 'command';
    if (op === '(') this.parens++;
    if (op === ')') this.parens = Math.max(0, this.parens - 1);
    if (op === '&&' || op === '||' || op === '|' || op === '|&' || op === ';' || op === '&') {
      this.operators.push({ kind: op, range: rangeOf(this.source, token.start, token.end) });
    }
  }

  word(token: Token): void {
    const word = token.word!;
    if (this.skipped(word)) return;
    if (this.words.length === this.assignments && !word.quoted && this.keyword(word.text)) return;
    // NAME=value before the command, quoted value or not ("A=\"$(x)\"" is an assignment too).
    if (this.words.length === this.assignments && ASSIGNMENT.test(word.text) && !/^["']/.test(this.source.text.slice(token.start, token.start + 1))) {
      this.words.push(word);
      this.assignments++;
      return;
    }
    this.words.push(word);
  }

  /** In a mode that discards words (case pattern, for/select/function header, [[ ]], case subject): true when this word was discarded. */
  private skipped(word: ShellWord): boolean {
    switch (this.mode) {
      case 'pattern':
        if (!word.quoted && word.text === 'esac') {
          this.caseDepth.pop();
          this.mode = 'command';
        } else if (word.text.endsWith(')') && !word.quoted) this.mode = 'command';
        return true;
      case 'skip-to-separator':
        if (!word.quoted && word.text === 'do') this.mode = 'command';
        return true;
      case 'skip-condition':
        if (!word.quoted && word.text === ']]') this.mode = 'command';
        return true;
      case 'case-subject':
        if (!word.quoted && word.text === 'in') this.mode = 'pattern';
        return true;
      default:
        return false;
    }
  }

  /** An unquoted word where a command name could start: true when it is a shell keyword, not part of a command. */
  private keyword(text: string): boolean {
    if (PREFIX_WORDS.has(text)) {
      this.afterTime = text === 'time';
      return true;
    }
    // bash's `time -p cmd`: -p belongs to the keyword.
    if (this.afterTime && text === '-p') {
      this.afterTime = false;
      return true;
    }
    this.afterTime = false;
    if (CLOSING_WORDS.has(text)) {
      if (text === 'esac') this.caseDepth.pop();
      return true;
    }
    if (this.words.length !== 0) return false;
    if (text === 'for' || text === 'select' || text === 'function') {
      this.mode = 'skip-to-separator';
      return true;
    }
    if (text === 'case') {
      this.caseDepth.push(this.parens);
      this.mode = 'case-subject';
      return true;
    }
    if (text === '[[') {
      this.mode = 'skip-condition';
      return true;
    }
    return false;
  }
}

function parseRange(source: ShellSource, start: number, end: number, depth: number): ParsedShell {
  const scanner = new Scanner(source, start, end, depth);
  const parser = new RangeParser(source);
  for (let token = scanner.next(); token; token = scanner.next()) {
    if (token.kind === 'newline' || (token.kind === 'op' && token.op !== 'redirect')) parser.separator(token);
    else if (token.kind === 'word') parser.word(token);
    // else a redirection and its target: never part of the command
  }
  parser.finish();
  const { commands, operators } = parser;
  for (const nested of scanner.nested) {
    commands.push(...nested.commands);
    operators.push(...nested.operators);
  }
  return { commands, operators };
}

/** Every simple command and control operator in the script. */
export function parseShell(source: ShellSource): ParsedShell {
  return parseRange(source, 0, source.text.length, 0);
}

/** Brace expansion of a word: "/var/lib/{apt,dpkg}/" -> ["/var/lib/apt/", "/var/lib/dpkg/"]. */
export function expandBraces(text: string, limit = 64): string[] {
  const open = text.indexOf('{');
  if (open < 0) return [text];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      if (commas.length === 0) return [text];
      const parts: string[] = [];
      let from = open + 1;
      for (const comma of [...commas, i]) {
        parts.push(text.slice(from, comma));
        from = comma + 1;
      }
      const suffixes = expandBraces(text.slice(i + 1), limit);
      const result: string[] = [];
      for (const part of parts) for (const expanded of expandBraces(text.slice(0, open) + part, limit)) for (const suffix of suffixes) if (result.length < limit) result.push(expanded + suffix);
      return result;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [text];
}
