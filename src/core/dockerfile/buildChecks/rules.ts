/**
 * Docker's build checks (BuildKit's Dockerfile linter, `docker build --check`): names, default
 * levels and wording as in moby/buildkit frontend/dockerfile/linter/ruleset.go (read at commit
 * 73ed6825c4b7569379ef89df0aedcdbe64473d31), documented at https://docs.docker.com/reference/build-checks/.
 * Every check is a warning in Docker (level 1) unless `# check=error=true` makes the build fail on it.
 */

export interface BuildCheckRule {
  id: string;
  /** Docker's one-line description (ruleset.go `Description`). */
  description: string;
  /** Off unless enabled with `# check=experimental=<id>` (or `experimental=all`), as in Docker. */
  experimental?: boolean;
  /** Honours a `# check=skip=…` comment right above the instruction (BuildKit reads those only for some checks). */
  perInstruction: boolean;
  /** hadolint rules that report the same thing, shown as one diagnostic when ecr.lint.buildChecks is "merged". */
  overlaps?: readonly string[];
}

function rule(id: string, description: string, perInstruction: boolean, extra: Partial<BuildCheckRule> = {}): BuildCheckRule {
  return { id, description, perInstruction, ...extra };
}

export const BUILD_CHECK_RULES: readonly BuildCheckRule[] = [
  rule('StageNameCasing', 'Stage names should be lowercase', true),
  rule('FromAsCasing', "The 'as' keyword should match the case of the 'from' keyword", true),
  rule('NoEmptyContinuation', 'Empty continuation lines will become errors in a future release', false),
  rule('ConsistentInstructionCasing', 'All commands within the Dockerfile should use the same casing (either upper or lower)', false),
  rule('DuplicateStageName', 'Stage names should be unique', false, { overlaps: ['DL3024'] }),
  rule('ReservedStageName', 'Reserved words should not be used as stage names', false, { overlaps: ['DL3063'] }),
  rule('JSONArgsRecommended', 'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals', true, { overlaps: ['DL3025'] }),
  rule('MaintainerDeprecated', 'The MAINTAINER instruction is deprecated, use a label instead to define an image author', true, { overlaps: ['DL4000'] }),
  rule('UndefinedArgInFrom', 'FROM command must use declared ARGs', true),
  rule('WorkdirRelativePath', 'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes', true, { overlaps: ['DL3000'] }),
  rule('UndefinedVar', 'Variables should be defined before their use', true),
  rule('MultipleInstructionsDisallowed', 'Multiple instructions of the same type should not be used in the same stage', true, { overlaps: ['DL4003', 'DL4004', 'DL3012'] }),
  rule('LegacyKeyValueFormat', 'Legacy key/value format with whitespace separator should not be used', true),
  rule('RedundantTargetPlatform', 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior', true, { overlaps: ['DL3065'] }),
  rule('SecretsUsedInArgOrEnv', 'Sensitive data should not be used in the ARG or ENV commands', true),
  rule('InvalidDefaultArgInFrom', 'Default value for global ARG results in an empty or invalid base image name', false),
  rule('FromPlatformFlagConstDisallowed', 'FROM --platform flag should not use a constant value', true, { overlaps: ['DL3029'] }),
  rule('CopyIgnoredFile', 'Attempting to Copy file that is excluded by .dockerignore', true),
  rule(
    'InvalidDefinitionDescription',
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
    true,
    { experimental: true },
  ),
  rule('ExposeProtoCasing', 'Protocol in EXPOSE instruction should be lowercase', true),
  rule('ExposeInvalidFormat', 'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release', true),
];

export const BUILD_CHECKS_BY_ID: ReadonlyMap<string, BuildCheckRule> = new Map(BUILD_CHECK_RULES.map((entry) => [entry.id, entry]));
const BY_LOWER = new Map(BUILD_CHECK_RULES.map((entry) => [entry.id.toLowerCase(), entry.id]));

/** Docker's spelling of a build check name typed in any case (settings keys), or undefined. */
export function buildCheckId(name: string): string | undefined {
  return BY_LOWER.get(name.trim().toLowerCase());
}

/** docs.docker.com's page for a build check: the URL Docker prints (ruleset.go `URL`). */
export function buildCheckUrl(id: string): string | undefined {
  if (!BUILD_CHECKS_BY_ID.has(id)) return undefined;
  const kebab = id
    .replace(/^JSONArgs/, 'JsonArgs')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
  return `https://docs.docker.com/go/dockerfile/rule/${kebab}/`;
}
