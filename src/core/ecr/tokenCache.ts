/**
 * ECR registry credentials from GetAuthorizationToken, cached per registry. The token is base64
 * "AWS:<password>" and normally valid 12 hours; it is refreshed ahead of expiry. A token whose
 * reported expiry is already past when it arrives (moto reports 2015, and a skewed clock can do
 * the same) is trusted for a fixed floor instead, so it can never cause a refresh per call.
 */
export interface RegistryToken {
  username: string;
  password: string;
  /** https://<registry host> as ECR reports it. */
  proxyEndpoint: string;
  /** When ECR says the token expires. */
  expiresAt?: Date;
  fetchedAt: Date;
  /** When this cache will fetch a new one. */
  refreshAt: Date;
}

export interface RawAuthorization {
  authorizationToken: string;
  proxyEndpoint: string;
  expiresAt?: Date;
}

export interface TokenCacheOptions {
  now?: () => number;
  /** Refresh this long before ECR's expiry (default 15 minutes). */
  refreshMarginMs?: number;
  /** How long a token that arrived already "expired" is used (default 1 hour). */
  expiredTokenFloorMs?: number;
  /** Told each password as it is obtained, e.g. to register it with a redactor. */
  onSecret?: (secret: string) => void;
}

export class MalformedTokenError extends Error {
  constructor() {
    super('ECR returned an authorization token that is not base64 "AWS:<password>".');
    this.name = 'MalformedTokenError';
  }
}

export function decodeAuthorizationToken(token: string): { username: string; password: string } {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0 || separator === decoded.length - 1) throw new MalformedTokenError();
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

export class TokenCache {
  private readonly tokens = new Map<string, RegistryToken>();
  private readonly inFlight = new Map<string, Promise<RegistryToken>>();
  private readonly now: () => number;
  private readonly margin: number;
  private readonly floor: number;
  /** GetAuthorizationToken calls made, for tests and benches. */
  fetches = 0;

  constructor(
    private readonly fetchToken: (key: string) => Promise<RawAuthorization>,
    private readonly options: TokenCacheOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.margin = options.refreshMarginMs ?? 15 * 60_000;
    this.floor = options.expiredTokenFloorMs ?? 60 * 60_000;
  }

  /** The cached token, or a fresh one when none is cached, it is due, or `forceRefresh` is set. */
  async get(key: string, options: { forceRefresh?: boolean } = {}): Promise<RegistryToken> {
    const cached = this.tokens.get(key);
    if (cached && !options.forceRefresh && this.now() < cached.refreshAt.getTime()) return cached;
    // Concurrent callers share one fetch.
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const fetching = this.fetch(key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetching);
    return fetching;
  }

  invalidate(key?: string): void {
    if (key === undefined) this.tokens.clear();
    else this.tokens.delete(key);
  }

  private async fetch(key: string): Promise<RegistryToken> {
    this.fetches++;
    const raw = await this.fetchToken(key);
    const { username, password } = decodeAuthorizationToken(raw.authorizationToken);
    this.options.onSecret?.(password);
    this.options.onSecret?.(raw.authorizationToken);
    const fetchedAt = this.now();
    const token: RegistryToken = {
      username,
      password,
      proxyEndpoint: raw.proxyEndpoint,
      expiresAt: raw.expiresAt,
      fetchedAt: new Date(fetchedAt),
      refreshAt: new Date(this.refreshTime(fetchedAt, raw.expiresAt)),
    };
    this.tokens.set(key, token);
    return token;
  }

  private refreshTime(fetchedAt: number, expiresAt: Date | undefined): number {
    if (!expiresAt || Number.isNaN(expiresAt.getTime())) return fetchedAt + 12 * 3600_000 - this.margin;
    const expiry = expiresAt.getTime();
    if (expiry <= fetchedAt) return fetchedAt + this.floor;
    // A token that expires soon is used for at least half its remaining life.
    return Math.max(expiry - this.margin, fetchedAt + (expiry - fetchedAt) / 2);
  }
}
