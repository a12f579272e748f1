import * as vscode from 'vscode';
import { parseRegistryUri } from '../../core/ecr/registryHost';
import { problemFrom } from '../validateInput';
import { ECR_REGIONS, listAwsProfiles, type AwsProfile } from '../../core/ecr/profiles';
import type { AccessKeyStore, RegistryConfig } from './connections';
import type { Modals } from '../modal';
import type { Report } from '../report';
import { readRegistryConfigs, registryKeyOf, registryLabelOf, writeRegistryConfigs } from './connections';

/** Adding, removing and re-crediting registries: everything that edits `ecr.registries` or the stored keys. */

// Machine scope (see writeRegistryConfigs): never a workspace's settings, which could redirect credentials.
const writeRegistries = writeRegistryConfigs;

const clean = (config: RegistryConfig): RegistryConfig =>
  // Object.fromEntries gives a plain record: the keys kept are RegistryConfig's own, only the empty ones dropped.
  Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined && value !== '')) as unknown as RegistryConfig;

async function saveRegistry(config: RegistryConfig, report: Report): Promise<RegistryConfig | undefined> {
  const entry = clean(config);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(entry.region)) {
    void report(`"${entry.region}" is not an AWS region name (for example us-east-1).`);
    return undefined;
  }
  if (entry.accountId && !/^\d{12}$/.test(entry.accountId)) {
    void report(`"${entry.accountId}" is not a 12-digit AWS account id.`);
    return undefined;
  }
  const current = readRegistryConfigs();
  if (current.some((existing) => registryKeyOf(existing) === registryKeyOf(entry))) {
    void vscode.window.showInformationMessage(`${registryLabelOf(entry)} is already in the ECR view.`);
    return undefined;
  }
  await writeRegistries([...current, entry]);
  return entry;
}

type CredentialChoice = { profile?: string; credentialsFile?: string; region?: string };

interface SourceItem extends vscode.QuickPickItem {
  choose: () => Promise<(CredentialChoice & { accountId?: string }) | undefined>;
}

async function pickProfile(report: Report, title: string, options: { credentialsFile?: string } = {}): Promise<CredentialChoice | undefined> {
  const profiles = await listAwsProfiles({ credentialsFile: options.credentialsFile });
  const fromFile = options.credentialsFile ? profiles.filter((profile) => profile.sources.includes('credentials')) : profiles;
  const items: Array<vscode.QuickPickItem & { profile?: AwsProfile }> = [
    ...(options.credentialsFile
      ? []
      : [{ label: '$(key) Default credential chain', description: 'environment variables, AWS_PROFILE, SSO, container or instance role' }]),
    ...fromFile.map((profile) => ({
      label: profile.name,
      description: [profile.region, profile.sso ? 'SSO' : undefined, profile.sources.join(' + ')].filter(Boolean).join(' · '),
      profile,
    })),
  ];
  if (options.credentialsFile && items.length === 0) {
    void report(`No profiles in ${options.credentialsFile}. A credentials file has sections like [default] with aws_access_key_id and aws_secret_access_key.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'AWS profile for this registry', ignoreFocusOut: true });
  if (!picked) return undefined;
  return { profile: picked.profile?.name, credentialsFile: options.credentialsFile, region: picked.profile?.region };
}

async function pickRegion(suggested?: string): Promise<string | undefined> {
  const first = [suggested, process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION].filter((region): region is string => Boolean(region));
  const regions = [...new Set([...first, ...ECR_REGIONS])];
  const picked = await vscode.window.showQuickPick(
    regions.map((region) => ({ label: region, description: region === suggested ? "profile's region" : undefined })),
    { title: 'Add Registry: region', placeHolder: 'Region of the ECR registry', ignoreFocusOut: true },
  );
  return picked?.label;
}

/**
 * ecr.addRegistry. With arguments ({ region, accountId?, profile?, credentialsFile?, label? })
 * it saves directly; otherwise it asks: a profile and region, a pasted registry URI, or a
 * credentials file + profile (as Aqueduct's connect_resource takes it).
 */
export async function addRegistry(report: Report, given?: RegistryConfig): Promise<RegistryConfig | undefined> {
  if (given) return saveRegistry(given, report);
  const sources: SourceItem[] = [
    {
      label: '$(person) Choose an AWS profile and region',
      description: 'from ~/.aws/config and ~/.aws/credentials',
      choose: async () => {
        const credentials = await pickProfile(report, 'Add Registry: AWS profile');
        if (!credentials) return undefined;
        const region = await pickRegion(credentials.region);
        return region ? { ...credentials, region } : undefined;
      },
    },
    {
      label: '$(link) Paste a registry URI',
      description: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      choose: async () => {
        const uri = await vscode.window.showInputBox({
          title: 'Add Registry: registry URI',
          prompt: 'A registry (or repository) URI, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com',
          ignoreFocusOut: true,
          validateInput: problemFrom(parseRegistryUri),
        });
        if (!uri) return undefined;
        const registry = parseRegistryUri(uri);
        const credentials = await pickProfile(report, `Add Registry: credentials for ${registry.accountId} in ${registry.region}`);
        return credentials ? { ...credentials, region: registry.region, accountId: registry.accountId } : undefined;
      },
    },
    {
      label: '$(file) Use a credentials file',
      description: 'a credentials file and profile, as Aqueduct connect_resource takes them',
      choose: async () => {
        const [file] =
          (await vscode.window.showOpenDialog({ title: 'AWS credentials file', canSelectMany: false, openLabel: 'Use This Credentials File' })) ?? [];
        if (!file) return undefined;
        const credentials = await pickProfile(report, 'Add Registry: profile in the credentials file', { credentialsFile: file.fsPath });
        if (!credentials) return undefined;
        const region = await pickRegion(credentials.region);
        return region ? { ...credentials, region } : undefined;
      },
    },
  ];
  const source = await vscode.window.showQuickPick(sources, { title: 'Add ECR Registry', ignoreFocusOut: true });
  const chosen = await source?.choose();
  if (!chosen?.region) return undefined;
  const entry: RegistryConfig = { region: chosen.region, accountId: chosen.accountId, profile: chosen.profile, credentialsFile: chosen.credentialsFile };
  const label = await vscode.window.showInputBox({
    title: 'Add Registry: name in the sidebar',
    value: registryLabelOf(entry),
    prompt: 'Press Enter to keep this name',
    ignoreFocusOut: true,
  });
  if (label === undefined) return undefined;
  return saveRegistry({ ...entry, label: label.trim() && label.trim() !== registryLabelOf(entry) ? label.trim() : undefined }, report);
}

export async function removeRegistry(registryKey: string, keys: AccessKeyStore, modals: Modals): Promise<boolean> {
  const current = readRegistryConfigs();
  const entry = current.find((config) => registryKeyOf(config) === registryKey);
  if (!entry) return false;
  const storedKeys = Boolean(await keys.get(registryKey));
  const answer = await modals.show(
    'warning',
    `Remove ${registryLabelOf(entry)} from the ECR view?`,
    `Nothing is deleted in ECR: Add Registry brings it back.${storedKeys ? ' The access keys stored for it in secret storage are forgotten and would have to be entered again.' : ''}`,
    'Remove from View',
  );
  if (answer !== 'Remove from View') return false;
  await keys.delete(registryKey);
  await writeRegistries(current.filter((config) => config !== entry));
  return true;
}

export async function selectProfile(registryKey: string, keys: AccessKeyStore, report: Report): Promise<boolean> {
  const current = readRegistryConfigs();
  const index = current.findIndex((config) => registryKeyOf(config) === registryKey);
  if (index < 0) return false;
  const entry = current[index];
  const credentials = await pickProfile(report, `Credentials for ${registryLabelOf(entry)}`, { credentialsFile: entry.credentialsFile });
  if (!credentials) return false;
  // Stored keys win over profiles; choosing a profile means the user wants the profile.
  await keys.delete(registryKey);
  const updated = [...current];
  updated[index] = clean({ ...entry, profile: credentials.profile });
  await writeRegistries(updated);
  return true;
}

export async function setAccessKeys(registryKey: string, label: string, keys: AccessKeyStore): Promise<boolean> {
  const existing = await keys.get(registryKey);
  if (existing) {
    const choice = await vscode.window.showQuickPick(['Replace the stored keys', 'Forget the stored keys (use the profile again)'], {
      title: `Access keys for ${label}`,
    });
    if (!choice) return false;
    if (choice.startsWith('Forget')) {
      await keys.delete(registryKey);
      return true;
    }
  }
  const accessKeyId = await vscode.window.showInputBox({
    title: `Access keys for ${label} (1/3)`,
    prompt: 'Access key id (kept in VS Code secret storage, never in settings)',
    ignoreFocusOut: true,
    validateInput: (value) => (/^[A-Z0-9]{16,128}$/.test(value.trim()) ? undefined : 'An access key id is 16-128 upper-case letters and digits, e.g. AKIA…'),
  });
  if (!accessKeyId) return false;
  const secretAccessKey = await vscode.window.showInputBox({
    title: `Access keys for ${label} (2/3)`,
    prompt: 'Secret access key',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim().length >= 16 ? undefined : 'The secret access key is at least 16 characters.'),
  });
  if (!secretAccessKey) return false;
  const sessionToken = await vscode.window.showInputBox({
    title: `Access keys for ${label} (3/3)`,
    prompt: 'Session token, only for temporary keys (ASIA…); leave empty otherwise',
    password: true,
    ignoreFocusOut: true,
  });
  if (sessionToken === undefined) return false;
  await keys.set(registryKey, { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim(), sessionToken: sessionToken.trim() || undefined });
  return true;
}
