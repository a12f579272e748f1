/**
 * ECR's repository-name rule and Docker's tag rule (DESIGN.md), checked before any API call so a
 * bad name gets a message that says what to change instead of a round trip and an API error.
 */
const REPOSITORY_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Undefined when the name is valid, else a message for the user. */
export function repositoryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a repository name, e.g. "ml-team/operator".';
  if (name.length < 2) return 'A repository name needs at least 2 characters.';
  if (name.length > 256) return `A repository name can have at most 256 characters (this one has ${name.length}).`;
  if (/\s/.test(name)) return 'A repository name cannot contain spaces.';
  if (/[A-Z]/.test(name)) return `Repository names are lower case: try "${name.toLowerCase()}".`;
  if (name.startsWith('/') || name.endsWith('/')) return 'A repository name cannot start or end with "/".';
  if (name.includes('//')) return 'A repository name cannot contain an empty path part ("//").';
  const bad = /[^a-z0-9._\-/]/.exec(name);
  if (bad) return `"${bad[0]}" is not allowed in a repository name: use lower-case letters, digits, ".", "_", "-" and "/".`;
  for (const part of name.split('/')) {
    if (!REPOSITORY_COMPONENT.test(part)) {
      return `"${part}" is not a valid path part: each part must start and end with a letter or digit, and separators (".", "_", "__", "-") go between letters or digits.`;
    }
  }
  return undefined;
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
