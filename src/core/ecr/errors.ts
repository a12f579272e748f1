import type { EcrErrorContext } from './client';

/** What went wrong, in the terms a user acts on. */
export type EcrErrorKind =
  | 'no-credentials'
  | 'sso-expired'
  | 'invalid-credentials'
  | 'access-denied'
  | 'throttled'
  | 'network-down'
  | 'endpoint-unreachable'
  | 'repository-not-found'
  | 'image-not-found'
  | 'not-implemented'
  | 'invalid-name'
  | 'unknown';

/** What the user can do about it; the VS Code layer maps each to a command. */
export type EcrErrorAction =
  | { kind: 'select-profile'; title: string }
  | { kind: 'sso-login'; title: string; command: string }
  | { kind: 'set-access-keys'; title: string }
  | { kind: 'retry'; title: string }
  | { kind: 'open-settings'; title: string; setting: string };

export interface ClassifiedError {
  kind: EcrErrorKind;
  /** One sentence for a tree node or notification. */
  message: string;
  /** The underlying error's own words, for a tooltip or the log. */
  detail: string;
  action?: EcrErrorAction;
  operation?: string;
}

type ErrorShape = Error &
  EcrErrorContext & {
    code?: string;
    errno?: string;
    cause?: unknown;
    $metadata?: { httpStatusCode?: number };
    $response?: { body?: unknown; statusCode?: number };
  };

const NETWORK_DOWN = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT']);
const THROTTLING = /^(ThrottlingException|Throttling|TooManyRequestsException|RequestLimitExceeded|ProvisionedThroughputExceededException|SlowDown|RequestThrottled|RequestThrottledException)$/;

const retry: EcrErrorAction = { kind: 'retry', title: 'Retry' };

function networkCode(error: ErrorShape): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as ErrorShape).code ?? (current as ErrorShape).errno;
    if (typeof code === 'string' && (NETWORK_DOWN.has(code) || UNREACHABLE.has(code))) return code;
    current = (current as ErrorShape).cause;
  }
  if (error.name === 'TimeoutError') return 'ETIMEDOUT';
  return undefined;
}

function profileFlag(profile: string | undefined): string {
  return profile && profile !== 'default' ? ` --profile ${profile}` : '';
}

/** What the classifiers read: the error's own fields, filled in from the context where absent. */
interface ErrorFacts {
  value: ErrorShape;
  name: string;
  detail: string;
  operation?: string;
  profile?: string;
  endpoint?: string;
  region?: string;
  status?: number;
  base: { detail: string; operation?: string };
}

type Classifier = (facts: ErrorFacts) => ClassifiedError | undefined;

function invalidName({ name, detail, base }: ErrorFacts): ClassifiedError | undefined {
  if (name === 'InvalidNameError') return { ...base, kind: 'invalid-name', message: detail };
  return undefined;
}

// Credential providers: an SSO session past its end, or nothing in the chain at all.
function ssoExpired({ name, detail, profile, base }: ErrorFacts): ClassifiedError | undefined {
  if (!(/sso session|sso token|aws sso login|Token is expired/i.test(detail) && /CredentialsProviderError|TokenProviderError|Error/.test(name))) return undefined;
  const command = `aws sso login${profileFlag(profile)}`;
  return {
    ...base,
    kind: 'sso-expired',
    message: `Your AWS SSO session${profile ? ` for profile "${profile}"` : ''} has expired. Sign in again with \`${command}\`.`,
    action: { kind: 'sso-login', title: 'Sign in', command },
  };
}

function noCredentials({ name, detail, profile, base }: ErrorFacts): ClassifiedError | undefined {
  if (!(name === 'CredentialsProviderError' || /Could not load credentials|credentials.*not (found|set)|Profile .* (could not be found|not found)/i.test(detail))) return undefined;
  const missingProfile = /Profile (\S+) (could not be found|not found)/i.exec(detail)?.[1];
  return {
    ...base,
    kind: 'no-credentials',
    message: missingProfile
      ? `The AWS profile ${missingProfile} was not found in your AWS config or credentials files. Select another profile.`
      : `No AWS credentials found${profile ? ` for profile "${profile}"` : ''}. Select a profile, or enter access keys.`,
    action: { kind: 'select-profile', title: 'Select profile…' },
  };
}

function networkFailure({ value, endpoint, region, base }: ErrorFacts): ClassifiedError | undefined {
  const code = networkCode(value);
  if (!code) return undefined;
  const host = endpoint ? safeHost(endpoint) : region ? `ECR in ${region}` : 'ECR';
  if (NETWORK_DOWN.has(code)) {
    return {
      ...base,
      kind: 'network-down',
      message: endpoint
        ? `Cannot reach ${host} (${code}): the network is down or the host in the ecr.endpoint setting / AWS_ENDPOINT_URL_ECR is wrong.`
        : `Cannot reach ${host}: the network looks down (${code}). Check your connection or proxy, then retry.`,
      action: retry,
    };
  }
  return {
    ...base,
    kind: 'endpoint-unreachable',
    message: `The ECR endpoint ${host} is unreachable (${code}).${endpoint ? ' Is the server running? Check the ecr.endpoint setting or AWS_ENDPOINT_URL_ECR.' : ' Retry in a moment.'}`,
    action: endpoint ? { kind: 'open-settings', title: 'Open settings', setting: 'ecr.endpoint' } : retry,
  };
}

function throttled({ name, status, operation, base }: ErrorFacts): ClassifiedError | undefined {
  if (!(THROTTLING.test(name) || status === 429)) return undefined;
  return {
    ...base,
    kind: 'throttled',
    message: `ECR is throttling requests${operation ? ` (${operation})` : ''}; retried with backoff and still throttled. Wait a moment, then retry.`,
    action: retry,
  };
}

function accessDenied({ name, status, detail, operation, profile, base }: ErrorFacts): ClassifiedError | undefined {
  if (!(name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403)) return undefined;
  const action = /\b(ecr:[A-Za-z]+)\b/.exec(detail)?.[1] ?? (operation ? `ecr:${operation}` : undefined);
  return {
    ...base,
    kind: 'access-denied',
    message: `Access denied${action ? `: your credentials lack the IAM permission ${action}` : ''}${profile ? ` (profile "${profile}")` : ''}. Ask for it, or select another profile.`,
    action: { kind: 'select-profile', title: 'Select profile…' },
  };
}

function invalidCredentials({ name, base }: ErrorFacts): ClassifiedError | undefined {
  if (!/^(UnrecognizedClientException|InvalidSignatureException|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredTokenException|ExpiredToken)$/.test(name)) return undefined;
  return {
    ...base,
    kind: 'invalid-credentials',
    message:
      name.startsWith('Expired')
        ? 'Your AWS session credentials have expired. Refresh them, or select another profile.'
        : 'AWS rejected these credentials (unknown access key or wrong secret). Enter the keys again or select another profile.',
    action: { kind: 'set-access-keys', title: 'Enter access keys…' },
  };
}

function notFound({ name, detail, base }: ErrorFacts): ClassifiedError | undefined {
  if (name === 'RepositoryNotFoundException') {
    return { ...base, kind: 'repository-not-found', message: `The repository no longer exists. Refresh the registry. (${detail})`, action: retry };
  }
  if (name === 'ImageNotFoundException') {
    return { ...base, kind: 'image-not-found', message: `The image no longer exists. Refresh the repository. (${detail})`, action: retry };
  }
  return undefined;
}

// moto (and some ECR-compatible servers) answer unimplemented operations with an HTML 500 page.
function notImplemented({ value, status, detail, endpoint, operation, base }: ErrorFacts): ClassifiedError | undefined {
  const body = typeof value.$response?.body === 'string' ? value.$response.body : '';
  if (!((status ?? 0) >= 500 && (/Deserialization error|Unexpected token '<'|<!doctype|<html/i.test(detail) || /^\s*</.test(body)))) return undefined;
  return {
    ...base,
    kind: 'not-implemented',
    message: `The ECR endpoint${endpoint ? ` ${safeHost(endpoint)}` : ''} does not implement ${operation ?? 'this operation'} (it answered HTTP ${status} with an HTML page). Local ECR stand-ins such as moto lack some operations.`,
  };
}

function unknownFailure({ name, detail, operation, base }: ErrorFacts): ClassifiedError {
  return {
    ...base,
    kind: 'unknown',
    message: `${operation ? `${operation} failed` : 'ECR request failed'}: ${detail}${name !== 'Error' && !detail.includes(name) ? ` (${name})` : ''}`,
    action: retry,
  };
}

/** Tried in order; the first that recognises the error classifies it. */
const CLASSIFIERS: readonly Classifier[] = [
  invalidName,
  ssoExpired,
  noCredentials,
  networkFailure,
  throttled,
  accessDenied,
  invalidCredentials,
  notFound,
  notImplemented,
];

/**
 * Turns an SDK, credential-provider or network error into a message and an action. `context`
 * fills in what the error does not carry itself (the client annotates operation and profile).
 */
export function classifyEcrError(error: unknown, context: EcrErrorContext = {}): ClassifiedError {
  const value = (error ?? {}) as ErrorShape;
  const detail = value.message ?? String(error);
  const operation = value.$operation ?? context.$operation;
  const facts: ErrorFacts = {
    value,
    name: value.name ?? 'Error',
    detail,
    operation,
    profile: value.$profile ?? context.$profile,
    endpoint: value.$endpoint ?? context.$endpoint,
    region: value.$region ?? context.$region,
    status: value.$metadata?.httpStatusCode ?? value.$response?.statusCode,
    base: { detail, operation },
  };
  for (const classify of CLASSIFIERS) {
    const classified = classify(facts);
    if (classified) return classified;
  }
  return unknownFailure(facts);
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
