// The environment every child process of the stack scripts gets, built on purpose. `npm test` and
// `npm run …` export npm_config_* / npm_lifecycle_* / npm_package_* variables (npm_config_user_agent
// names the Node that ran npm); a child npm reads them as its own configuration, and code-server's
// install script takes the Node version from that user agent. So they are dropped, whoever started
// us: `npm test`, `npm run demo` and `node test/run.mjs` give children the same environment.
import path from 'node:path';

const NPM_INJECTED = /^(npm_config_|npm_lifecycle_|npm_package_|npm_command$|npm_execpath$|npm_node_execpath$|INIT_CWD$|NODE$)/;

/**
 * process.env without npm's injected variables, plus `extra`; `pathFirst` (a folder) goes first on
 * PATH (for example Node 24's bin folder for code-server).
 */
export function childEnv(extra = {}, { pathFirst } = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) if (!NPM_INJECTED.test(name) && value !== undefined) env[name] = value;
  // npm run puts node_modules/.bin folders first on PATH: children get the PATH a shell would have.
  const pathEntries = (env.PATH ?? '').split(path.delimiter).filter((entry) => entry && !entry.endsWith(`${path.sep}node_modules${path.sep}.bin`) && !entry.includes(`${path.sep}npm-lifecycle${path.sep}`));
  if (pathFirst) pathEntries.unshift(pathFirst);
  env.PATH = pathEntries.join(path.delimiter);
  return { ...env, ...extra };
}
