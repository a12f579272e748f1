/**
 * Loads the Dockerfile core (dockerfile-ast and the rules) on first use, so activation only
 * registers providers and costs nothing until a Dockerfile is actually open.
 */
type CoreModules = typeof import('../../core/dockerfile/lint') &
  typeof import('../../core/dockerfile/parse') &
  typeof import('../../core/dockerfile/assist') &
  typeof import('../../core/dockerfile/hadolintConfig');

let loading: Promise<CoreModules> | undefined;

export function loadDockerfileCore(): Promise<CoreModules> {
  loading ??= Promise.all([
    import('../../core/dockerfile/lint'),
    import('../../core/dockerfile/parse'),
    import('../../core/dockerfile/assist'),
    import('../../core/dockerfile/hadolintConfig'),
  ]).then(([lint, parse, assist, hadolint]) => ({ ...lint, ...parse, ...assist, ...hadolint }));
  return loading;
}

export type { CoreModules };
