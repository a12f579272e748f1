import * as vscode from 'vscode';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { Logger, SecretRedactor } from '../../core/log';
import type { AccessKeys, EcrClientOptions } from '../../core/ecr/client';
import { intern } from '../../core/ecr/intern';
import { registryHostFor, parseRegistryHost } from '../../core/ecr/registryHost';
import { TokenCache } from '../../core/ecr/tokenCache';
import type { RegistryEntry } from '../../core/explorer/arguments';
import { settings } from '../settings';
import type { RegistryConnection } from './api';

/** One entry of the `ecr.registries` setting. */
export type RegistryConfig = RegistryEntry;

export interface ExplorerSettings {
  endpoint: string;
  registryHostOverride: string;
  pageSize: number;
}

export function readSettings(): ExplorerSettings {
  return {
    endpoint: settings.get('ecr.endpoint').trim(),
    registryHostOverride: settings.get('ecr.registryHostOverride').trim(),
    pageSize: settings.get('ecr.pageSize'),
  };
}

export function readRegistryConfigs(): RegistryConfig[] {
  return settings.get('ecr.registries').filter(
    (entry): entry is RegistryConfig => Boolean(entry) && typeof (entry as RegistryConfig).region === 'string' && (entry as RegistryConfig).region.length > 0,
  );
}

/**
 * Writes `ecr.registries` where the extension host reads it. The setting is machine-scoped: in a
 * desktop window that is the user's settings; in a remote or browser window (Remote-SSH, WSL, Dev
 * Containers, Codespaces, code-server) it is the remote machine's settings, beside the AWS profiles
 * the extension host reads. `Global` lands there for a machine-scoped setting; an application-scoped
 * one written from a remote host also landed there and was never read (issue 22).
 */
export async function writeRegistryConfigs(registries: RegistryConfig[]): Promise<void> {
  await settings.update('ecr.registries', registries, vscode.ConfigurationTarget.Global);
}

/** `inspect` as the extension host fills it: the local and remote user values apart (not in vscode.d.ts). */
type RegistriesInspect = { globalValue?: unknown; globalLocalValue?: unknown; globalRemoteValue?: unknown };

/**
 * Once per window: registries kept where an earlier version put them (application scope, the
 * user's local settings) are copied to where this host reads and writes them. The old value is
 * left in place (a desktop window still reads it there), so nothing the user wrote is lost.
 * Returns what was moved, for the log.
 */
export async function migrateRegistryConfigs(): Promise<number> {
  const inspected = (settings.inspect('ecr.registries') ?? {}) as RegistriesInspect;
  if (!vscode.env.remoteName || inspected.globalRemoteValue !== undefined) return 0;
  const old = Array.isArray(inspected.globalLocalValue) ? (inspected.globalLocalValue as unknown[]) : [];
  if (old.length === 0) return 0;
  await writeRegistryConfigs(old as RegistryConfig[]);
  return old.length;
}

export function registryKeyOf(config: RegistryConfig): string {
  return `${config.accountId ?? 'default'}/${config.region}${config.profile ? `/${config.profile}` : ''}`;
}

export function registryLabelOf(config: RegistryConfig): string {
  return config.label || `${config.profile ?? 'default'} · ${config.region}`;
}

const SECRET_PREFIX = 'ecr.accessKeys/';

/** Access keys typed by hand live only in SecretStorage, keyed by registry. */
export class AccessKeyStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly redactor: SecretRedactor,
  ) {}

  async get(registryKey: string): Promise<AccessKeys | undefined> {
    const stored = await this.secrets.get(SECRET_PREFIX + registryKey);
    if (!stored) return undefined;
    try {
      const keys = JSON.parse(stored) as AccessKeys;
      this.redactor.add(keys.secretAccessKey);
      this.redactor.add(keys.sessionToken);
      return keys;
    } catch {
      return undefined;
    }
  }

  async set(registryKey: string, keys: AccessKeys): Promise<void> {
    this.redactor.add(keys.secretAccessKey);
    this.redactor.add(keys.sessionToken);
    await this.secrets.store(SECRET_PREFIX + registryKey, JSON.stringify(keys));
  }

  async delete(registryKey: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + registryKey);
  }
}

/** A configured registry: its ECR client (made on first use) and cached Docker credentials. */
export class Connection implements RegistryConnection {
  readonly key: string;
  readonly label: string;
  readonly region: string;
  private resolvedAccountId: string | undefined;
  private clientPromise: Promise<ECRClient> | undefined;
  private readonly tokens: TokenCache;

  constructor(
    readonly config: RegistryConfig,
    private readonly settings: ExplorerSettings,
    private readonly keys: AccessKeyStore,
    private readonly redactor: SecretRedactor,
    private readonly logger: Logger,
  ) {
    this.key = registryKeyOf(config);
    this.label = registryLabelOf(config);
    this.region = config.region;
    this.resolvedAccountId = config.accountId;
    this.tokens = new TokenCache(
      async () => {
        const { fetchAuthorization } = await import('../../core/ecr/management');
        return fetchAuthorization(await this.client());
      },
      { onSecret: (secret) => this.redactor.add(secret) },
    );
  }

  get accountId(): string | undefined {
    return this.resolvedAccountId;
  }

  /** What the client was built from, for error messages (profile, endpoint). */
  get errorContext() {
    return { $profile: this.config.profile, $endpoint: this.settings.endpoint || process.env.AWS_ENDPOINT_URL_ECR || undefined, $region: this.region };
  }

  client(): Promise<ECRClient> {
    this.clientPromise ??= this.createClient().catch((error) => {
      this.clientPromise = undefined;
      throw error;
    });
    return this.clientPromise;
  }

  async auth(options: { forceRefresh?: boolean } = {}): Promise<{ username: string; password: string; registryHost: string }> {
    const token = await this.tokens.get(this.key, options);
    const reported = new URL(token.proxyEndpoint).host;
    this.resolvedAccountId ??= parseRegistryHost(new URL(token.proxyEndpoint).hostname)?.accountId;
    return { username: token.username, password: token.password, registryHost: this.settings.registryHostOverride || reported };
  }

  /** The host image URIs use: the override, else the account's ECR host (or one seen in a repository URI). */
  registryHost(fallbackUri?: string): string {
    if (this.settings.registryHostOverride) return this.settings.registryHostOverride;
    // One string for every row of the registry (thousands of repositories share the host).
    if (fallbackUri) return intern(fallbackUri.split('/')[0]);
    return this.resolvedAccountId ? registryHostFor(this.resolvedAccountId, this.region) : `<account>.dkr.ecr.${this.region}.amazonaws.com`;
  }

  /** Learns the account from a listing (repository registryId) when settings did not name it. */
  learnAccount(accountId: string | undefined): void {
    if (accountId && /^\d{12}$/.test(accountId)) this.resolvedAccountId ??= accountId;
  }

  get pageSize(): number {
    return this.settings.pageSize;
  }

  private async createClient(): Promise<ECRClient> {
    const { createEcrClient } = await import('../../core/ecr/client');
    const accessKeys = await this.keys.get(this.key);
    const options: EcrClientOptions = {
      region: this.region,
      profile: this.config.profile,
      credentialsFile: this.config.credentialsFile,
      accessKeys,
      endpoint: this.settings.endpoint || undefined,
      logger: this.logger,
    };
    this.logger.info(
      `connecting ${this.label}: region ${this.region}, ${accessKeys ? 'access keys from secret storage' : this.config.credentialsFile ? `profile ${this.config.profile ?? 'default'} in ${this.config.credentialsFile}` : `profile ${this.config.profile ?? '(default chain)'}`}${options.endpoint ? `, endpoint ${options.endpoint}` : ''}`,
    );
    return createEcrClient(options);
  }
}
