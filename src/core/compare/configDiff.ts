/**
 * Two images compared from what the registry holds without a layer download: each image's manifest
 * and config JSON. Pure: the summary (size before → after, layers shared / added / removed by digest,
 * config fields changed), the config diff (platform, entrypoint, cmd, user, working dir, exposed
 * ports, labels, environment), the history aligned step by step, and the layers table.
 *
 * Environment values are compared as stored and shown masked as Inspect masks them (`maskEnv`), so a
 * changed secret reads "changed" without either value; history lines go through Inspect's
 * `cleanCreatedBy` and `maskAssignments`.
 */
import { cleanCreatedBy, maskAssignments, maskEnv, type ImageConfigJson } from '../images/inspect';
import { platformText, type Descriptor, type Manifest, type Platform } from '../registry/mediaTypes';

/** How an image is named in the comparison: repository, tag (when it was picked by one) and digest. */
export interface ImageName {
  repository: string;
  tag?: string;
  /** The digest of the image manifest compared (a platform image's, for an index). */
  digest: string;
  /** The registry host, when the two images live in different registries. */
  registry?: string;
}

/** One side of the comparison: an image manifest and its config JSON as read from the registry. */
export interface ImageSide {
  name: ImageName;
  manifest: Manifest;
  config: ImageConfigJson;
  /** The platform the index gave for this manifest, if any (else the config's). */
  platform?: Platform;
}

export type Change = 'same' | 'added' | 'removed' | 'changed';

/** A single-valued config field (platform, entrypoint, cmd, user, working dir), as shown. */
export interface FieldDiff {
  field: 'Platform' | 'Entrypoint' | 'Cmd' | 'User' | 'Working dir';
  before?: string;
  after?: string;
  change: Change;
}

/** A keyed value (an environment variable, a label). Values are masked when the name looks secret. */
export interface KeyedDiff {
  name: string;
  before?: string;
  after?: string;
  change: Change;
  masked: boolean;
}

export interface HistoryStep {
  /** 1-based position in that image's history. */
  index: number;
  createdBy: string;
  emptyLayer: boolean;
  /** The layer this step made, when history lines up with the manifest's layers. */
  layer?: { digest: string; sizeBytes: number };
}

export interface HistoryRow {
  before?: HistoryStep;
  after?: HistoryStep;
  /** same: the same step (same layer, or the same instruction for a step without one); changed: a step in one put where another was. */
  change: Change;
}

export interface LayerRow {
  digest: string;
  mediaType: string;
  sizeBytes: number;
  status: 'shared' | 'added' | 'removed';
  /** 1-based positions in each image's layers. */
  beforeIndex?: number;
  afterIndex?: number;
  /** The history line that made the layer (the after image's for shared and added layers). */
  createdBy?: string;
}

export interface ComparisonSummary {
  beforeBytes: number;
  afterBytes: number;
  layersShared: number;
  layersAdded: number;
  layersRemoved: number;
  sharedBytes: number;
  addedBytes: number;
  removedBytes: number;
  /** The config fields that differ, in the order the config diff shows them. */
  fieldsChanged: string[];
}

export interface ImageComparison {
  before: ImageName & { platform: string };
  after: ImageName & { platform: string };
  summary: ComparisonSummary;
  fields: FieldDiff[];
  ports: KeyedDiff[];
  env: KeyedDiff[];
  labels: KeyedDiff[];
  history: HistoryRow[];
  layers: LayerRow[];
}

const list = (values: readonly string[] | null | undefined) => (values?.length ? JSON.stringify(values) : undefined);
const changeOf = (before: string | undefined, after: string | undefined): Change =>
  before === after ? 'same' : before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';

function platformOf(side: ImageSide): string {
  return side.platform ? platformText(side.platform) : platformText({ os: side.config.os ?? 'unknown', architecture: side.config.architecture ?? 'unknown', variant: side.config.variant });
}

function keyed(before: Map<string, string>, after: Map<string, string>, masked: (name: string, value: string) => string | undefined): KeyedDiff[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a.localeCompare(b));
  return names.map((name) => {
    const was = before.get(name);
    const now = after.get(name);
    const beforeShown = was === undefined ? undefined : (masked(name, was) ?? was);
    const afterShown = now === undefined ? undefined : (masked(name, now) ?? now);
    return {
      name,
      ...(beforeShown !== undefined ? { before: beforeShown } : {}),
      ...(afterShown !== undefined ? { after: afterShown } : {}),
      // Compared as stored: a secret whose value changed is "changed" though both show the mask.
      change: changeOf(was, now),
      masked: (was !== undefined && masked(name, was) !== undefined) || (now !== undefined && masked(name, now) !== undefined),
    };
  });
}

/** Env entries as a map (the last assignment of a name wins, as the runtime sets them). */
function envMap(config: ImageConfigJson): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of config.config?.Env ?? []) {
    const at = entry.indexOf('=');
    map.set(at < 0 ? entry : entry.slice(0, at), at < 0 ? '' : entry.slice(at + 1));
  }
  return map;
}

/** Inspect's masking of one `NAME=value`, or undefined when it shows the value as is. */
function maskedEnvValue(name: string, value: string): string | undefined {
  const [entry] = maskEnv([`${name}=${value}`]);
  return entry.masked ? entry.value : undefined;
}

/** Each history step, its instruction cleaned and masked as Inspect shows it, with its layer when history lines up with the layers. */
export function historySteps(config: ImageConfigJson, manifest: Manifest): HistoryStep[] {
  const layers = manifest.layers ?? [];
  const history = config.history ?? [];
  const aligned = history.filter((entry) => !entry.empty_layer).length === layers.length;
  let layer = 0;
  return history.map((entry, index) => {
    const emptyLayer = Boolean(entry.empty_layer);
    const step: HistoryStep = { index: index + 1, createdBy: maskAssignments(cleanCreatedBy(entry.created_by ?? entry.comment ?? '')), emptyLayer };
    if (!emptyLayer && aligned) {
      const descriptor = layers[layer++];
      step.layer = { digest: descriptor.digest, sizeBytes: descriptor.size };
    }
    return step;
  });
}

/** Two steps are the same step when they made the same layer, or (without a layer to tell) read the same. */
function stepKey(step: HistoryStep): string {
  if (step.layer) return `layer ${step.layer.digest}`;
  return `${step.emptyLayer ? 'empty' : 'layer?'} ${step.createdBy}`;
}

/**
 * The two histories aligned step by step: the longest run of common steps (by layer digest, or by
 * instruction for steps without a layer) kept side by side, and between them the steps of one image
 * set beside the steps of the other that took their place.
 */
export function alignHistory(before: HistoryStep[], after: HistoryStep[]): HistoryRow[] {
  const a = before.map(stepKey);
  const b = after.map(stepKey);
  // Longest common subsequence, table from the end (histories are tens to a few hundred steps).
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const rows: HistoryRow[] = [];
  let removed: HistoryStep[] = [];
  let added: HistoryStep[] = [];
  const flush = () => {
    const pairs = Math.max(removed.length, added.length);
    for (let k = 0; k < pairs; k++) {
      const was = removed[k];
      const now = added[k];
      rows.push({ ...(was ? { before: was } : {}), ...(now ? { after: now } : {}), change: was && now ? 'changed' : was ? 'removed' : 'added' });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      rows.push({ before: before[i++], after: after[j++], change: 'same' });
    } else if (j < b.length && (i === a.length || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j])) {
      added.push(after[j++]);
    } else {
      removed.push(before[i++]);
    }
  }
  flush();
  return rows;
}

/** The layers table: the after image's layers in order (shared or added), then the before image's layers it no longer has. */
export function layerRows(before: ImageSide, after: ImageSide): LayerRow[] {
  const beforeLayers = before.manifest.layers ?? [];
  const afterLayers = after.manifest.layers ?? [];
  const beforeIndex = new Map<string, number>();
  beforeLayers.forEach((layer, index) => beforeIndex.has(layer.digest) || beforeIndex.set(layer.digest, index + 1));
  const afterDigests = new Set(afterLayers.map((layer) => layer.digest));
  const madeBy = (side: ImageSide) => {
    const map = new Map<string, string>();
    for (const step of historySteps(side.config, side.manifest)) if (step.layer && step.createdBy && !map.has(step.layer.digest)) map.set(step.layer.digest, step.createdBy);
    return map;
  };
  const afterMadeBy = madeBy(after);
  const beforeMadeBy = madeBy(before);
  const row = (layer: Descriptor, status: LayerRow['status'], createdBy: string | undefined, indexes: Pick<LayerRow, 'beforeIndex' | 'afterIndex'>): LayerRow => ({
    digest: layer.digest,
    mediaType: layer.mediaType,
    sizeBytes: layer.size,
    status,
    ...indexes,
    ...(createdBy ? { createdBy } : {}),
  });
  const rows = afterLayers.map((layer, index) => {
    const was = beforeIndex.get(layer.digest);
    return row(layer, was ? 'shared' : 'added', afterMadeBy.get(layer.digest), was ? { beforeIndex: was, afterIndex: index + 1 } : { afterIndex: index + 1 });
  });
  beforeLayers.forEach((layer, index) => {
    if (!afterDigests.has(layer.digest)) rows.push(row(layer, 'removed', beforeMadeBy.get(layer.digest), { beforeIndex: index + 1 }));
  });
  return rows;
}

/** The whole comparison of two image manifests and their configs (no layer read). */
export function compareImages(before: ImageSide, after: ImageSide): ImageComparison {
  const inner = (side: ImageSide) => side.config.config ?? {};
  const field = (name: FieldDiff['field'], was: string | undefined, now: string | undefined): FieldDiff => ({
    field: name,
    ...(was !== undefined ? { before: was } : {}),
    ...(now !== undefined ? { after: now } : {}),
    change: changeOf(was, now),
  });
  const fields = [
    field('Platform', platformOf(before), platformOf(after)),
    field('Entrypoint', list(inner(before).Entrypoint), list(inner(after).Entrypoint)),
    field('Cmd', list(inner(before).Cmd), list(inner(after).Cmd)),
    field('User', inner(before).User || undefined, inner(after).User || undefined),
    field('Working dir', inner(before).WorkingDir || undefined, inner(after).WorkingDir || undefined),
  ];
  const portMap = (side: ImageSide) => new Map(Object.keys(inner(side).ExposedPorts ?? {}).map((port) => [port, port]));
  const ports = keyed(portMap(before), portMap(after), () => undefined);
  const env = keyed(envMap(before.config), envMap(after.config), maskedEnvValue);
  const labelMap = (side: ImageSide) => new Map(Object.entries(inner(side).Labels ?? {}));
  const labels = keyed(labelMap(before), labelMap(after), () => undefined);
  const layers = layerRows(before, after);
  const count = (status: LayerRow['status']) => layers.filter((row) => row.status === status);
  const bytes = (rows: LayerRow[]) => rows.reduce((sum, row) => sum + row.sizeBytes, 0);
  const differs = (diffs: KeyedDiff[]) => diffs.filter((diff) => diff.change !== 'same').length;
  const fieldsChanged = [
    ...fields.filter((diff) => diff.change !== 'same').map((diff) => diff.field),
    ...(differs(ports) ? ['Exposed ports'] : []),
    ...(differs(env) ? [`Environment (${differs(env)})`] : []),
    ...(differs(labels) ? [`Labels (${differs(labels)})`] : []),
  ];
  const total = (side: ImageSide) => (side.manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, 0);
  return {
    before: { ...before.name, platform: platformOf(before) },
    after: { ...after.name, platform: platformOf(after) },
    summary: {
      beforeBytes: total(before),
      afterBytes: total(after),
      layersShared: count('shared').length,
      layersAdded: count('added').length,
      layersRemoved: count('removed').length,
      sharedBytes: bytes(count('shared')),
      addedBytes: bytes(count('added')),
      removedBytes: bytes(count('removed')),
      fieldsChanged,
    },
    fields,
    ports,
    env,
    labels,
    history: alignHistory(historySteps(before.config, before.manifest), historySteps(after.config, after.manifest)),
    layers,
  };
}
