import { formatBytes } from '../ecr/format';
import { streamEventError, type DockerStreamEvent } from './dockerStream';

/**
 * Where a layer is. A push goes waiting → preparing → transferring → done; a pull goes waiting →
 * transferring (download) → downloaded → extracting → done. "exists" is a layer the other side had.
 */
type LayerState = 'waiting' | 'preparing' | 'transferring' | 'downloaded' | 'extracting' | 'done' | 'exists';

interface Layer {
  id: string;
  status: string;
  state: LayerState;
  current: number;
  total: number;
}

export type TransferDirection = 'push' | 'pull';

/**
 * Folds a push or pull stream's per-layer events (hundreds a second while bytes move) into one
 * line per layer and an overall percentage.
 */
export class LayerProgress {
  private readonly layers = new Map<string, Layer>();
  digest: string | undefined;
  /** The engine's closing line of a pull: "Downloaded newer image for …" or "Image is up to date for …". */
  outcome: string | undefined;

  private shownPercent = 0;

  constructor(readonly direction: TransferDirection = 'push') {}

  /**
   * Applies one event. Returns lines worth keeping in a log (layer state changes, the digest line),
   * so the log records what happened without every byte count.
   */
  accept(event: DockerStreamEvent): string[] {
    if (streamEventError(event)) return [];
    const aux = event.aux as { Digest?: unknown } | undefined;
    if (aux && typeof aux.Digest === 'string') {
      this.digest = aux.Digest;
      return [];
    }
    if (typeof event.status !== 'string') return [];
    if (!event.id) {
      // Push: "latest: digest: sha256:… size: 1234"; pull: "Digest: sha256:…".
      const digest = /digest: (sha256:[0-9a-f]{64})/i.exec(event.status);
      if (digest) this.digest ??= digest[1];
      const status = /^Status: (.*)$/.exec(event.status);
      if (status) this.outcome = status[1];
      return [event.status];
    }
    // "latest: digest: …" and "0.3.6: Pulling from …" carry a tag as id; layer ids are hex.
    if (!/^[0-9a-f]{12,64}$/.test(event.id)) {
      return [`${event.id}: ${event.status}`];
    }
    const layer = this.layers.get(event.id) ?? { id: event.id, status: '', state: 'waiting' as LayerState, current: 0, total: 0 };
    this.layers.set(event.id, layer);
    const previous = layer.state;
    // dockerd retries a broken layer download on its own, counting down "Retrying in 5 seconds": said once per round.
    if (/^Retrying in \d+ seconds?/i.test(event.status)) {
      const first = !/^Retrying in/i.test(layer.status);
      layer.status = event.status;
      return first ? [`${layer.id}: ${event.status} (the engine retries this layer itself)`] : [];
    }
    layer.status = event.status;
    layer.state = stateOf(event.status, layer.state);
    const { current, total } = event.progressDetail ?? {};
    if (layer.state !== previous) {
      // A pull counts bytes twice, downloaded then extracted: start the second count from zero.
      layer.current = 0;
    }
    if (typeof total === 'number' && total > 0) layer.total = total;
    if (typeof current === 'number') layer.current = Math.max(layer.current, current);
    if (layer.state === 'done' && layer.total) layer.current = layer.total;
    return layer.state !== previous && !isMoving(layer.state) ? [`${layer.id}: ${layer.status}`] : [];
  }

  /**
   * 0-100, byte-weighted where sizes are known; a layer of unknown size weighs like an average one.
   * Layers the other side already had are no work and weigh nothing. Never goes backwards: a large
   * layer announced late would otherwise pull the figure down.
   */
  percent(): number {
    const working = [...this.layers.values()].filter((layer) => layer.state !== 'exists');
    if (working.length === 0) return this.layers.size > 0 ? 100 : 0;
    const known = working.filter((layer) => layer.total > 0);
    const averageSize = known.length ? known.reduce((sum, layer) => sum + layer.total, 0) / known.length : 1;
    let done = 0;
    let all = 0;
    for (const layer of working) {
      const weight = layer.total || averageSize;
      done += this.fractionOf(layer) * weight;
      all += weight;
    }
    this.shownPercent = Math.max(this.shownPercent, Math.floor((done / all) * 100));
    return this.shownPercent;
  }

  /** How far one layer is, 0-1. A pull weighs download and extraction equally. */
  private fractionOf(layer: Layer): number {
    if (layer.state === 'done' || layer.state === 'exists') return 1;
    const moved = layer.total ? Math.min(layer.current / layer.total, 1) : 0;
    if (this.direction === 'push') return layer.state === 'transferring' ? moved : 0;
    if (layer.state === 'transferring') return moved / 2;
    if (layer.state === 'downloaded') return 0.5;
    if (layer.state === 'extracting') return 0.5 + moved / 2;
    return 0;
  }

  layerCount(): { done: number; total: number } {
    const layers = [...this.layers.values()];
    return { done: layers.filter((layer) => layer.state === 'done' || layer.state === 'exists').length, total: layers.length };
  }

  /** One line per layer in first-seen order, then the overall line. */
  render(barWidth = 20): string[] {
    const lines = [...this.layers.values()].map((layer) => {
      if (isMoving(layer.state) && layer.total) {
        const fraction = Math.min(layer.current / layer.total, 1);
        const filled = Math.round(fraction * barWidth);
        const bar = '='.repeat(Math.max(filled - 1, 0)) + (filled > 0 ? '>' : '') + ' '.repeat(barWidth - filled);
        // The engine's total can undercount tiny layers; then show bytes sent alone, as the CLI does.
        const amount = layer.current > layer.total ? formatBytes(layer.current) : `${formatBytes(layer.current)}/${formatBytes(layer.total)}`;
        return `${layer.id}: ${layer.status} [${bar}] ${amount}`;
      }
      return `${layer.id}: ${layer.status}`;
    });
    const { done, total } = this.layerCount();
    lines.push(`${this.direction === 'push' ? 'Pushing' : 'Pulling'}: ${this.percent()}% (${done}/${total} layers)`);
    return lines;
  }
}

function stateOf(status: string, previous: LayerState): LayerState {
  if (/^(Pushed|Pull complete)$/i.test(status)) return 'done';
  if (/already exists|^Mounted from/i.test(status)) return 'exists';
  if (/^(Pushing|Downloading)/i.test(status)) return 'transferring';
  if (/^(Verifying Checksum|Download complete)/i.test(status)) return 'downloaded';
  if (/^Extracting/i.test(status)) return 'extracting';
  if (/^Preparing/i.test(status)) return 'preparing';
  if (/^(Waiting|Pulling fs layer)/i.test(status)) return 'waiting';
  return previous;
}

/** States whose byte counts change many times a second (drawn as bars, kept out of the log). */
const isMoving = (state: LayerState) => state === 'transferring' || state === 'extracting';

/**
 * Limits screen updates to one per interval (default 100 ms, so ~10/s): the first change shows at
 * once, changes inside the interval coalesce into one trailing update. Counts both sides so a
 * benchmark can report events received against updates made.
 */
export class UpdateThrottle {
  eventsReceived = 0;
  updatesEmitted = 0;
  private lastEmit = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: () => void,
    private readonly intervalMs = 100,
    private readonly clock: { now(): number; setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void } = {
      now: () => performance.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** Something changed; show it now or at the end of the current interval. */
  changed(): void {
    this.eventsReceived++;
    if (this.timer !== undefined) return;
    const wait = this.lastEmit + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.fire();
    } else {
      this.timer = this.clock.setTimeout(() => this.fire(), wait) as ReturnType<typeof setTimeout>;
    }
  }

  /** Shows a pending change immediately (end of stream), and stops the timer. */
  flush(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.fire();
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.lastEmit = this.clock.now();
    this.updatesEmitted++;
    this.emit();
  }
}

/**
 * Follows an engine's push or pull stream through the layer model: an error event fails it, each line the
 * model finishes goes to `line`, and the throttle hears of every layer's progress (flushed at the end).
 */
export async function followLayers(events: AsyncIterable<DockerStreamEvent>, model: LayerProgress, throttle: UpdateThrottle, line: (text: string) => void): Promise<void> {
  for await (const event of events) {
    const error = streamEventError(event);
    if (error) throw new Error(error);
    for (const text of model.accept(event)) line(text);
    if (event.id) throttle.changed();
  }
  throttle.flush();
}
