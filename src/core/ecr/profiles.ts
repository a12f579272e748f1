import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SDK_REGIONS } from './regions';

export interface AwsProfile {
  name: string;
  /** `region` from the config file, when set. */
  region?: string;
  /** Where it is defined. */
  sources: Array<'config' | 'credentials'>;
  /** Signs in through IAM Identity Center (sso_session / sso_start_url). */
  sso: boolean;
}

type Sections = Map<string, Record<string, string>>;

/** A minimal INI reader: section headers and key = value lines (no nested sub-sections needed here). */
export function parseIni(text: string): Sections {
  const sections: Sections = new Map();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = sections.get(header[1]) ?? {};
      sections.set(header[1], current);
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (pair && current && !/^\s/.test(raw)) current[pair[1].toLowerCase()] = pair[2];
  }
  return sections;
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

export function awsConfigPaths(env: NodeJS.ProcessEnv = process.env): { configFile: string; credentialsFile: string } {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  return {
    configFile: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
  };
}

/** Profiles from the AWS config and credentials files (or an explicit credentials file), default first. */
export async function listAwsProfiles(options: { configFile?: string; credentialsFile?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AwsProfile[]> {
  const defaults = awsConfigPaths(options.env);
  const config = parseIni(await readOptional(options.configFile ?? defaults.configFile));
  const credentials = parseIni(await readOptional(options.credentialsFile ?? defaults.credentialsFile));
  const profiles = new Map<string, AwsProfile>();
  const entry = (name: string) => {
    let profile = profiles.get(name);
    if (!profile) profiles.set(name, (profile = { name, sources: [], sso: false }));
    return profile;
  };
  for (const [section, values] of config) {
    const name = section === 'default' ? 'default' : /^profile\s+(.+)$/.exec(section)?.[1];
    if (!name) continue; // sso-session and services sections
    const profile = entry(name);
    profile.sources.push('config');
    profile.region = values.region || profile.region;
    profile.sso = Boolean(values.sso_session || values.sso_start_url);
  }
  for (const section of credentials.keys()) entry(section).sources.push('credentials');
  return [...profiles.values()].sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}

/**
 * The regions offered in Add Registry's region picker: every region the SDK knows (core/ecr/regions.ts, kept equal to the
 * SDK's partition data by a test), the commercial partition first with its US regions at the top, then GovCloud, China and
 * the other partitions.
 */
export const ECR_REGIONS: readonly string[] = [
  ...[...SDK_REGIONS.aws].sort((a, b) => Number(b.startsWith('us-')) - Number(a.startsWith('us-'))),
  ...SDK_REGIONS['aws-us-gov'],
  ...SDK_REGIONS['aws-cn'],
  ...Object.entries(SDK_REGIONS)
    .filter(([partition]) => !['aws', 'aws-us-gov', 'aws-cn'].includes(partition))
    .flatMap(([, regions]) => regions),
];
