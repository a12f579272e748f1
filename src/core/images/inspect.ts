/**
 * Inspect without pulling: the manifest and the config blob only, never a layer. For an index, one
 * section per platform image (attestations listed, not inspected). Environment values whose names
 * look secret (*_TOKEN, *_SECRET, *_PASSWORD, *KEY*) are masked before anything leaves this module.
 */
import type { RegistryClient } from '../registry/client';
import { isIndexType, platformText, REFERENCE_TYPE, type Descriptor, type Manifest, type Platform } from '../registry/mediaTypes';

/** The image config JSON as the OCI image spec and Docker write it (the parts read here). */
export interface ImageConfigJson {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[] | null;
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
  };
  history?: Array<{ created?: string; created_by?: string; empty_layer?: boolean; comment?: string }>;
}

export interface EnvEntry {
  name: string;
  value: string;
  masked: boolean;
}

export interface LayerSummary {
  digest: string;
  mediaType: string;
  sizeBytes: number;
  /** The history line (Dockerfile instruction) that made it, when history lines up with layers. */
  createdBy?: string;
}

export interface ConfigSummary {
  platform: string;
  entrypoint?: string[];
  cmd?: string[];
  env: EnvEntry[];
  workdir?: string;
  user?: string;
  ports: string[];
  labels: Record<string, string>;
  history: Array<{ createdBy: string; created?: string; emptyLayer: boolean }>;
  layers: LayerSummary[];
  totalBytes: number;
}

export interface PlatformInspection {
  digest: string;
  mediaType: string;
  platform: string;
  manifest: Manifest;
  config: ConfigSummary;
}

export interface Inspection {
  digest: string;
  mediaType: string;
  /** The manifest exactly as stored (its sha256 is the digest). */
  manifestText: string;
  isIndex: boolean;
  platforms: PlatformInspection[];
  /** Attestation manifests an index lists (not inspected). */
  attestations: Array<{ digest: string; describes?: string }>;
}

const SECRET_NAME = /(_TOKEN|_SECRET|_PASSWORD)$|KEY|^TOKEN$|^SECRET$|^PASSWORD$/i;
export const MASK = '••••••';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function maskEnv(env: readonly string[]): EnvEntry[] {
  return env.map((entry) => {
    const at = entry.indexOf('=');
    const name = at < 0 ? entry : entry.slice(0, at);
    const value = at < 0 ? '' : entry.slice(at + 1);
    const masked = isSecretName(name) && value.length > 0;
    return { name, value: masked ? MASK : value, masked };
  });
}

/**
 * Masks secret-looking assignments inside a history line: `ENV HF_TOKEN=abc`, `ARG DB_PASSWORD=x`,
 * `export API_KEY=…` in a RUN line, and the classic builder's one-pair form `ENV HF_TOKEN abc`.
 */
export function maskAssignments(line: string): string {
  const pairs = line.replace(/\b([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S+)/g, (whole, name: string) => (isSecretName(name) ? `${name}=${MASK}` : whole));
  return pairs.replace(/^(ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)\s+(?!=)(\S.*)$/, (whole, keyword: string, name: string) => (isSecretName(name) ? `${keyword} ${name} ${MASK}` : whole));
}

/** Turns a config and its manifest into what the inspect view shows. */
export function summarizeConfig(config: ImageConfigJson, manifest: Manifest, platform?: Platform): ConfigSummary {
  const inner = config.config ?? {};
  const history = (config.history ?? []).map((entry) => ({
    createdBy: maskAssignments(cleanCreatedBy(entry.created_by ?? entry.comment ?? '')),
    created: entry.created,
    emptyLayer: Boolean(entry.empty_layer),
  }));
  const layerHistory = history.filter((entry) => !entry.emptyLayer);
  const layers = (manifest.layers ?? []).map((layer, index) => ({
    digest: layer.digest,
    mediaType: layer.mediaType,
    sizeBytes: layer.size,
    // History and layers line up only when there are as many non-empty entries as layers.
    ...(layerHistory.length === (manifest.layers ?? []).length && layerHistory[index].createdBy ? { createdBy: layerHistory[index].createdBy } : {}),
  }));
  return {
    platform: platform ? platformText(platform) : platformText({ os: config.os ?? 'unknown', architecture: config.architecture ?? 'unknown', variant: config.variant }),
    ...(inner.Entrypoint?.length ? { entrypoint: inner.Entrypoint } : {}),
    ...(inner.Cmd?.length ? { cmd: inner.Cmd } : {}),
    env: maskEnv(inner.Env ?? []),
    ...(inner.WorkingDir ? { workdir: inner.WorkingDir } : {}),
    ...(inner.User ? { user: inner.User } : {}),
    ports: Object.keys(inner.ExposedPorts ?? {}),
    labels: { ...(inner.Labels ?? {}) },
    history,
    layers,
    totalBytes: layers.reduce((sum, layer) => sum + layer.sizeBytes, 0),
  };
}

/** Classic builder lines read "/bin/sh -c #(nop)  CMD [...]"; show the instruction. */
export function cleanCreatedBy(createdBy: string): string {
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(createdBy);
  if (nop) return nop[1].trim();
  const run = /^\/bin\/sh -c (.*)$/s.exec(createdBy);
  if (run) return `RUN ${run[1].trim()}`;
  return createdBy.replace(/ # buildkit$/, '').trim();
}

/**
 * Reads an image or index through the registry: the manifest(s) and each platform's config blob,
 * never a layer. `reference` is a tag or a digest.
 */
export async function inspectImage(client: RegistryClient, repository: string, reference: string, options: { signal?: AbortSignal } = {}): Promise<Inspection> {
  const top = await client.getManifest(repository, reference, options);
  const inspection: Inspection = {
    digest: top.digest,
    mediaType: top.mediaType,
    manifestText: top.bytes.toString("utf8"),
    isIndex: isIndexType(top.mediaType) || Array.isArray(top.manifest.manifests),
    platforms: [],
    attestations: [],
  };
  if (!inspection.isIndex) {
    inspection.platforms.push(await inspectPlatform(client, repository, top.digest, top.mediaType, top.manifest, undefined, options.signal));
    return inspection;
  }
  for (const descriptor of top.manifest.manifests ?? []) {
    if (descriptor.annotations?.[REFERENCE_TYPE] === 'attestation-manifest' || descriptor.platform?.os === 'unknown') {
      inspection.attestations.push({ digest: descriptor.digest, describes: descriptor.annotations?.['vnd.docker.reference.digest'] });
      continue;
    }
    const child = await client.getManifest(repository, descriptor.digest, options);
    inspection.platforms.push(await inspectPlatform(client, repository, child.digest, child.mediaType, child.manifest, descriptor, options.signal));
  }
  return inspection;
}

async function inspectPlatform(
  client: RegistryClient,
  repository: string,
  digest: string,
  mediaType: string,
  manifest: Manifest,
  descriptor: Descriptor | undefined,
  signal?: AbortSignal,
): Promise<PlatformInspection> {
  if (!manifest.config) throw new Error(`${digest} has no config: it is not an image manifest.`);
  const bytes = await client.getBlobBytes(repository, manifest.config.digest, { signal, maxBytes: 8 * 1024 * 1024 });
  const config = JSON.parse(bytes.toString('utf8')) as ImageConfigJson;
  const summary = summarizeConfig(config, manifest, descriptor?.platform);
  return { digest, mediaType, platform: summary.platform, manifest, config: summary };
}
