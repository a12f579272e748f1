/**
 * Manifests by digest, kept across sessions. A manifest is immutable by digest (its sha256 is the
 * digest, OCI image spec "Digests"), so once read it never needs reading again; and on ECR every read
 * is a pull: a manifest GET updates the image's lastRecordedPullTime, and users report BatchGetImage
 * doing the same (aws/containers-roadmap#2390). Reading less keeps the extension from changing what it
 * shows (a "not pulled for 90 days" mark, a lifecycle rule on sinceImagePulled).
 *
 * Only bytes whose sha256 is the digest are kept on disk (the store cannot be poisoned by a wrong
 * answer or a damaged file: a file that no longer hashes to its name is dropped on read). Bounded by
 * entry count and bytes; the least recently used go first. The store is an interface: the VS Code
 * layer gives a directory in the extension's global storage, tests a temporary one.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../registry/mediaTypes';

/** Where cached manifests live: names are a digest's hex part, values the manifest's exact bytes. */
export interface ManifestStorage {
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, bytes: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
  /** Every stored entry with its size and last use (ms). */
  list(): Promise<Array<{ name: string; size: number; usedAt: number }>>;
  /** Marks an entry as just used (for least-recently-used eviction); optional. */
  touch?(name: string): Promise<void>;
}

/** A directory of files named by digest; written through a temporary name, so a reader never sees half a file. */
export function directoryStorage(directory: string): ManifestStorage {
  const path = (name: string) => join(directory, name);
  return {
    async read(name) {
      try {
        return await readFile(path(name));
      } catch {
        return undefined;
      }
    },
    async write(name, bytes) {
      await mkdir(directory, { recursive: true });
      const temporary = path(`${name}.${process.pid}.tmp`);
      await writeFile(temporary, bytes);
      await rename(temporary, path(name));
    },
    async remove(name) {
      await rm(path(name), { force: true });
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch {
        return [];
      }
      const entries = await Promise.all(
        names.filter((name) => DIGEST_HEX.test(name)).map(async (name) => {
          try {
            const info = await stat(path(name));
            return { name, size: info.size, usedAt: info.mtimeMs };
          } catch {
            return undefined;
          }
        }),
      );
      return entries.filter((entry): entry is { name: string; size: number; usedAt: number } => entry !== undefined);
    },
    async touch(name) {
      const now = new Date();
      await utimes(path(name), now, now).catch(() => undefined);
    },
  };
}

const DIGEST = /^sha256:([a-f0-9]{64})$/;
const DIGEST_HEX = /^[a-f0-9]{64}$/;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface ManifestCacheLimits {
  /** At most this many manifests on disk (default 5000). */
  entries?: number;
  /** At most this many bytes on disk (default 32 MiB). */
  bytes?: number;
}

/** What a manifest source answers: its exact bytes (cached), or an already parsed manifest (kept in memory only). */
export type ManifestAnswer = Uint8Array | string | Manifest;

export class ManifestCache {
  private readonly memory = new Map<string, Manifest>();
  private index: Promise<Map<string, { size: number; usedAt: number }>> | undefined;
  private readonly limits: Required<ManifestCacheLimits>;

  constructor(private readonly storage?: ManifestStorage, limits: ManifestCacheLimits = {}) {
    this.limits = { entries: limits.entries ?? 5000, bytes: limits.bytes ?? 32 * 1024 * 1024 };
  }

  /** The manifest if it is known here or on disk; never reads from a registry. */
  async cached(digest: string): Promise<Manifest | undefined> {
    const known = this.memory.get(digest);
    if (known) return known;
    const hex = DIGEST.exec(digest)?.[1];
    if (!hex || !this.storage) return undefined;
    const bytes = await this.storage.read(hex).catch(() => undefined);
    if (!bytes) return undefined;
    if (sha256(bytes) !== hex) {
      // Damaged or not ours: forget it rather than trust it.
      await this.storage.remove(hex).catch(() => undefined);
      (await this.loadIndex()).delete(hex);
      return undefined;
    }
    const manifest = parse(bytes);
    if (!manifest) return undefined;
    this.memory.set(digest, manifest);
    void this.storage.touch?.(hex);
    return manifest;
  }

  /** The manifest of `digest`: from memory, then disk, and only then from `fetch` (whose bytes are kept when they hash to the digest). */
  async read(digest: string, fetch: () => Promise<ManifestAnswer>): Promise<Manifest> {
    const cached = await this.cached(digest);
    if (cached) return cached;
    return this.remember(digest, await fetch());
  }

  /** Keeps a manifest read elsewhere (e.g. many at once by BatchGetImage); returns it parsed, or throws when it is not JSON. */
  async remember(digest: string, answer: ManifestAnswer): Promise<Manifest> {
    if (typeof answer !== 'string' && !(answer instanceof Uint8Array)) {
      this.memory.set(digest, answer);
      return answer;
    }
    const bytes = typeof answer === 'string' ? Buffer.from(answer, 'utf8') : answer;
    const manifest = parse(bytes);
    if (!manifest) throw new Error(`The manifest of ${digest} is not JSON`);
    this.memory.set(digest, manifest);
    const hex = DIGEST.exec(digest)?.[1];
    if (hex && this.storage && sha256(bytes) === hex) await this.persist(hex, bytes).catch(() => undefined);
    return manifest;
  }

  private loadIndex(): Promise<Map<string, { size: number; usedAt: number }>> {
    this.index ??= (this.storage?.list() ?? Promise.resolve([])).then((entries) => new Map(entries.map((entry) => [entry.name, { size: entry.size, usedAt: entry.usedAt }])));
    return this.index;
  }

  private async persist(hex: string, bytes: Uint8Array): Promise<void> {
    if (!this.storage || bytes.length > this.limits.bytes) return;
    const index = await this.loadIndex();
    await this.storage.write(hex, bytes);
    index.set(hex, { size: bytes.length, usedAt: Date.now() });
    let total = 0;
    for (const entry of index.values()) total += entry.size;
    if (index.size <= this.limits.entries && total <= this.limits.bytes) return;
    // Least recently used first, never the one just written.
    const oldest = [...index.entries()].filter(([name]) => name !== hex).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [name, entry] of oldest) {
      if (index.size <= this.limits.entries && total <= this.limits.bytes) break;
      await this.storage.remove(name).catch(() => undefined);
      index.delete(name);
      total -= entry.size;
    }
  }
}

function parse(bytes: Uint8Array): Manifest | undefined {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Manifest) : undefined;
  } catch {
    return undefined;
  }
}
