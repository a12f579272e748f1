/**
 * ECR's repository-name rule and Docker's tag rule (from ECR's API reference), checked before any API call so a
 * bad name gets a message that says what to change instead of a round trip and an API error.
 */
const REPOSITORY_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const ALLOWED = 'use lower-case letters, digits, ".", "_", "-" and "/".';

/** Undefined when the name is valid, else a message for the user. */
export function repositoryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a repository name, e.g. "ml-team/operator".';
  if (name.length < 2) return 'A repository name needs at least 2 characters.';
  if (name.length > 256) return `A repository name can have at most 256 characters (this one has ${name.length}).`;
  const suggestion = /[^a-z0-9._\-/]/.test(name) ? suggestRepositoryName(name) : undefined;
  if (/\s/.test(name)) return `A repository name cannot contain spaces${suggestion ? `: try "${suggestion}".` : '.'}`;
  if (/[A-Z]/.test(name)) return `Repository names are lower case: ${suggestion ? `try "${suggestion}".` : ALLOWED}`;
  if (name.startsWith('/') || name.endsWith('/')) return 'A repository name cannot start or end with "/".';
  if (name.includes('//')) return 'A repository name cannot contain an empty path part ("//").';
  const bad = /[^a-z0-9._\-/]/u.exec(name);
  if (bad) return `"${bad[0]}" is not allowed in a repository name: ${ALLOWED}${suggestion ? ` Try "${suggestion}".` : ''}`;
  for (const part of name.split('/')) {
    if (!REPOSITORY_COMPONENT.test(part)) {
      return `"${part}" is not a valid path part: each part must start and end with a letter or digit, and separators (".", "_", "__", "-") go between letters or digits.`;
    }
  }
  return undefined;
}

/** Letters NFKD leaves whole (no combining mark to strip), spelled the way they are usually written in ASCII. */
const ASCII_SPELLING: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/**
 * A valid repository name close to `name`, or undefined when none can be made. Accented letters
 * lose their accents ("Äpfel" → "apfel"), apostrophes go, anything else not allowed (spaces,
 * symbols, other scripts) becomes a separator, runs of separators become one, and each path part
 * is trimmed of separators. A path part that had letters or digits and would vanish entirely
 * means no suggestion, rather than one that quietly drops part of the name. The result is checked
 * with repositoryNameProblem itself, so an invalid suggestion is never offered (it has no upper
 * case, spaces or disallowed characters, so that check never comes back here).
 */
export function suggestRepositoryName(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    const cleaned = part
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      // eslint-disable-next-line no-control-regex -- the ASCII range, NUL included, is the point
      .replace(/[^\x00-\x7f]/g, (letter) => ASCII_SPELLING[letter] ?? letter)
      .replace(/['’`]/g, '')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/[._-]{2,}/g, (run) => (run.includes('-') ? '-' : run[0]))
      .replace(/^[._-]+|[._-]+$/g, '');
    if (cleaned) parts.push(cleaned);
    else if (/[\p{L}\p{N}]/u.test(part)) return undefined;
  }
  const suggestion = parts.join('/');
  return suggestion !== name && repositoryNameProblem(suggestion) === undefined ? suggestion : undefined;
}

/** Undefined when the tag is valid, else a message for the user. */
export function tagProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'Enter a tag, e.g. "latest" or "v1.2.0".';
  if (tag.length > 128) return `A tag can have at most 128 characters (this one has ${tag.length}).`;
  if (!/^[A-Za-z0-9_]/.test(tag)) return 'A tag must start with a letter, digit or "_".';
  if (!TAG.test(tag)) return 'A tag may contain only letters, digits, "_", "." and "-".';
  return undefined;
}

export class InvalidNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidNameError';
  }
}

export function assertRepositoryName(name: string): void {
  const problem = repositoryNameProblem(name);
  if (problem) throw new InvalidNameError(problem);
}
