import type { ECRClient } from '@aws-sdk/client-ecr';
import { silentLogger, type Logger } from '../log';
import { errorName } from '../errors';

/** What the SDK's `credentials` option takes as a function. */
export type CredentialProvider = () => Promise<AccessKeys & { expiration?: Date }>;

export interface AccessKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Everything that decides how one registry's ECR client connects. */
export interface EcrClientOptions {
  region: string;
  /** AWS profile (config/credentials files); the default chain's choice (AWS_PROFILE, default) when omitted. */
  profile?: string;
  /** A credentials file used with `profile`, as Aqueduct's connect_resource takes it. */
  credentialsFile?: string;
  /** Keys typed by hand (kept in SecretStorage by the VS Code layer); win over profile and file. */
  accessKeys?: AccessKeys;
  /** Endpoint override; when empty, `AWS_ENDPOINT_URL_ECR` from `env` is used, else AWS's endpoint. */
  endpoint?: string;
  /** Attempts per call including the first; the SDK backs off between them (longer for throttling). */
  maxAttempts?: number;
  /** Milliseconds to wait for a TCP connection before calling the endpoint unreachable. */
  connectionTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Called for every HTTP request the SDK sends (each retry attempt too): for counting calls. */
  onHttpRequest?: (operation: string) => void;
}

/** Annotations the client adds to every error it throws, so messages can name the operation. */
export interface EcrErrorContext {
  $operation?: string;
  $profile?: string;
  $endpoint?: string;
  $region?: string;
}

export function endpointFor(options: Pick<EcrClientOptions, 'endpoint' | 'env'>): string | undefined {
  const env = options.env ?? process.env;
  return options.endpoint?.trim() || env.AWS_ENDPOINT_URL_ECR?.trim() || undefined;
}

/** The credential provider for a registry: static keys, a credentials file + profile, or the default chain. */
export async function credentialProviderFor(options: EcrClientOptions): Promise<CredentialProvider> {
  if (options.accessKeys) {
    const keys: AccessKeys = { ...options.accessKeys };
    return async () => keys;
  }
  const providers = await import('@aws-sdk/credential-providers');
  if (options.credentialsFile) {
    return providers.fromIni({ profile: options.profile, filepath: options.credentialsFile, clientConfig: { region: options.region } });
  }
  return providers.fromNodeProviderChain({ profile: options.profile, clientConfig: { region: options.region } });
}

/**
 * An ECRClient for one registry. The SDK is loaded here, on first use, never at activation.
 * Retries use the SDK's standard mode: exponential backoff with jitter, longer for throttling.
 */
export async function createEcrClient(options: EcrClientOptions): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  const logger = options.logger ?? silentLogger;
  const endpoint = endpointFor(options);
  const client = new ECRClient({
    region: options.region,
    endpoint,
    credentials: await credentialProviderFor(options),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: options.connectionTimeoutMs ?? 5000, requestTimeout: 60_000 },
  });
  // The SDK reads ~/.aws/config once per process and keeps the promise. Where the file is missing
  // that promise holds an error whose stack keeps every awaiting caller's variables alive: read
  // first by a listing, the whole listing, for good. Read here from a fresh chain, it holds none of ours.
  await new Promise<void>((resolve) => setImmediate(() => void client.config.useFipsEndpoint().then(() => resolve(), () => resolve())));
  const context: EcrErrorContext = { $profile: options.profile, $endpoint: endpoint, $region: options.region };
  client.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const operation = String(handlerContext.commandName ?? 'Unknown').replace(/Command$/, '');
      const started = Date.now();
      try {
        const result = await next(args);
        logger.debug(`${operation} ${options.region} ok in ${Date.now() - started} ms`);
        return result;
      } catch (error) {
        if (error && typeof error === 'object') Object.assign(error, { ...context, $operation: operation });
        logger.debug(`${operation} ${options.region} failed in ${Date.now() - started} ms: ${errorName(error)}`);
        throw error;
      }
    },
    { step: 'initialize', name: 'ecrWorkbenchErrorContext', override: true },
  );
  // Each failed attempt in the ECR log, as the registry client's retries are: the SDK's standard
  // mode retries throttling (429, ThrottlingException) and 5xx with capped backoff and jitter.
  client.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const header = String((args.request as { headers?: Record<string, string> } | undefined)?.headers?.['amz-sdk-request'] ?? '');
        const [attempt, max] = [/attempt=(\d+)/.exec(header)?.[1], /max=(\d+)/.exec(header)?.[1]].map(Number);
        const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
        const name = errorName(error) ?? '';
        // Only what the SDK retries (throttling, 5xx, the network); an answer that means the request is wrong is not a retry.
        const retried = status === undefined || status >= 500 || status === 429 || /Throttl|TooManyRequests|RequestLimitExceeded|Timeout/i.test(name);
        if (attempt && max && retried) {
          const operation = String(handlerContext.commandName ?? 'Unknown').replace(/Command$/, '');
          logger.warn(`${operation} ${options.region}: attempt ${attempt} of ${max} failed (${name}${status ? `, HTTP ${status}` : ''})${attempt < max ? '; the SDK retries it, with backoff' : ''}`);
        }
        throw error;
      }
    },
    { step: 'deserialize', name: 'ecrWorkbenchRetryLog', priority: 'high', override: true },
  );
  if (options.onHttpRequest) {
    const onHttpRequest = options.onHttpRequest;
    // The deserialize step sits below the retry middleware, so it runs once per attempt.
    client.middlewareStack.add(
      (next, handlerContext) => async (args) => {
        onHttpRequest(String(handlerContext.commandName ?? 'Unknown').replace(/Command$/, ''));
        return next(args);
      },
      { step: 'deserialize', name: 'ecrWorkbenchRequestCounter', override: true },
    );
  }
  return client;
}
