import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LayerProgress, UpdateThrottle } from '../../../src/core/docker/layerProgress';

const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';

describe('LayerProgress (push)', () => {
  it('shows one line per layer and a byte-weighted overall percentage', () => {
    const model = new LayerProgress('push');
    model.accept({ status: 'The push refers to repository [127.0.0.1:5000/op]' });
    model.accept({ status: 'Preparing', id: A, progressDetail: {} });
    model.accept({ status: 'Preparing', id: B, progressDetail: {} });
    for (let sent = 1; sent <= 30; sent++) {
      model.accept({ status: 'Pushing', id: A, progressDetail: { current: sent * 1_000_000, total: 60_000_000 } });
    }
    model.accept({ status: 'Layer already exists', id: B, progressDetail: {} });
    const lines = model.render();
    assert.equal(lines.length, 3, 'two layers + overall, however many events arrived');
    assert.match(lines[0], /^aaaaaaaaaaaa: Pushing \[=+> +\] 30 MB\/60 MB$/);
    assert.equal(lines[1], 'bbbbbbbbbbbb: Layer already exists');
    // B was already in the registry: no work, no weight. A is half sent.
    assert.equal(lines[2], 'Pushing: 50% (1/2 layers)');
  });

  it('keeps layer state changes and the digest, not every byte count, for the log', () => {
    const model = new LayerProgress('push');
    const kept = [
      ...model.accept({ status: 'Preparing', id: A }),
      ...model.accept({ status: 'Pushing', id: A, progressDetail: { current: 1, total: 2 } }),
      ...model.accept({ status: 'Pushing', id: A, progressDetail: { current: 2, total: 2 } }),
      ...model.accept({ status: 'Pushed', id: A }),
      ...model.accept({ status: `latest: digest: sha256:${'c'.repeat(64)} size: 527` }),
      ...model.accept({ aux: { Tag: 'latest', Digest: `sha256:${'d'.repeat(64)}`, Size: 527 } }),
    ];
    assert.deepEqual(kept, [`${A}: Preparing`, `${A}: Pushed`, `latest: digest: sha256:${'c'.repeat(64)} size: 527`]);
    assert.equal(model.digest, `sha256:${'d'.repeat(64)}`, 'the aux digest is authoritative');
    assert.equal(model.percent(), 100);
  });
});

describe('LayerProgress (pull)', () => {
  const DIGEST = `sha256:${'d'.repeat(64)}`;

  it('weighs download and extraction equally, with a bar for each', () => {
    const model = new LayerProgress('pull');
    model.accept({ status: 'Pulling from aqueduct/op', id: '0.3.6' });
    model.accept({ status: 'Pulling fs layer', id: A, progressDetail: {} });
    model.accept({ status: 'Already exists', id: B, progressDetail: {} });
    model.accept({ status: 'Downloading', id: A, progressDetail: { current: 20_000_000, total: 40_000_000 } });
    let lines = model.render();
    assert.match(lines[0], /^aaaaaaaaaaaa: Downloading \[=+> +\] 20 MB\/40 MB$/);
    assert.equal(lines[1], 'bbbbbbbbbbbb: Already exists');
    // A is half downloaded, so a quarter done; B was already local and weighs nothing.
    assert.equal(lines[2], 'Pulling: 25% (1/2 layers)');

    model.accept({ status: 'Verifying Checksum', id: A });
    model.accept({ status: 'Download complete', id: A });
    assert.equal(model.render()[2], 'Pulling: 50% (1/2 layers)');
    // Extraction counts its own bytes from zero.
    model.accept({ status: 'Extracting', id: A, progressDetail: { current: 10_000_000, total: 40_000_000 } });
    lines = model.render();
    assert.match(lines[0], /^aaaaaaaaaaaa: Extracting \[.+\] 10 MB\/40 MB$/);
    assert.equal(lines[2], 'Pulling: 62% (1/2 layers)');
    model.accept({ status: 'Pull complete', id: A });
    assert.deepEqual(model.render(), ['aaaaaaaaaaaa: Pull complete', 'bbbbbbbbbbbb: Already exists', 'Pulling: 100% (2/2 layers)']);
  });

  it('never goes backwards when a large layer is announced late, and a fully cached image is 100%', () => {
    const model = new LayerProgress('pull');
    model.accept({ status: 'Downloading', id: A, progressDetail: { current: 1_000_000, total: 1_000_000 } });
    model.accept({ status: 'Pull complete', id: A });
    assert.equal(model.percent(), 100);
    model.accept({ status: 'Pulling fs layer', id: B });
    model.accept({ status: 'Downloading', id: B, progressDetail: { current: 1, total: 500_000_000 } });
    assert.equal(model.percent(), 100, 'held, not dropped to ~0%');
    const cached = new LayerProgress('pull');
    cached.accept({ status: 'Already exists', id: A });
    assert.equal(cached.percent(), 100);
    assert.equal(new LayerProgress('pull').percent(), 0);
  });

  it('says once per round when dockerd retries a layer download on its own', () => {
    const model = new LayerProgress('pull');
    const layer = 'a1b2c3d4e5f6';
    const lines = [
      { status: 'Downloading', id: layer, progressDetail: { current: 10, total: 100 } },
      { status: 'Retrying in 5 seconds', id: layer },
      { status: 'Retrying in 4 seconds', id: layer },
      { status: 'Downloading', id: layer, progressDetail: { current: 20, total: 100 } },
      { status: 'Retrying in 10 seconds', id: layer },
    ].flatMap((event) => model.accept(event));
    assert.deepEqual(lines, [`${layer}: Retrying in 5 seconds (the engine retries this layer itself)`, `${layer}: Retrying in 10 seconds (the engine retries this layer itself)`]);
  });

  it('keeps the digest and the engine\'s closing status', () => {
    const model = new LayerProgress('pull');
    const kept = [
      ...model.accept({ status: 'Pulling fs layer', id: A }),
      ...model.accept({ status: 'Downloading', id: A, progressDetail: { current: 1, total: 2 } }),
      ...model.accept({ status: 'Downloading', id: A, progressDetail: { current: 2, total: 2 } }),
      ...model.accept({ status: 'Pull complete', id: A }),
      ...model.accept({ status: `Digest: ${DIGEST}` }),
      ...model.accept({ status: 'Status: Downloaded newer image for 127.0.0.1:5000/aqueduct/op:0.3.6' }),
    ];
    assert.deepEqual(kept, ['aaaaaaaaaaaa: Pull complete', `Digest: ${DIGEST}`, 'Status: Downloaded newer image for 127.0.0.1:5000/aqueduct/op:0.3.6']);
    assert.equal(model.digest, DIGEST);
    assert.equal(model.outcome, 'Downloaded newer image for 127.0.0.1:5000/aqueduct/op:0.3.6');
  });
});

describe('UpdateThrottle', () => {
  function fakeClock() {
    let now = 0;
    const timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
    return {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => {
        const timer = { at: now + ms, fn, cancelled: false };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (handle: unknown) => {
        (handle as { cancelled: boolean }).cancelled = true;
      },
      advance(ms: number) {
        const until = now + ms;
        for (;;) {
          const next = timers.filter((timer) => !timer.cancelled && timer.at <= until).sort((a, b) => a.at - b.at)[0];
          if (!next) break;
          now = next.at;
          next.cancelled = true;
          next.fn();
        }
        now = until;
      },
    };
  }

  it('emits at most one update per 100 ms however many events arrive, and the last state always shows', () => {
    const clock = fakeClock();
    const frames: number[] = [];
    let state = 0;
    const throttle = new UpdateThrottle(() => frames.push(state), 100, clock);
    // 2,000 events over 2 s (one per millisecond), like a fast push.
    for (let ms = 0; ms < 2000; ms++) {
      state = ms;
      throttle.changed();
      clock.advance(1);
    }
    throttle.flush();
    assert.equal(throttle.eventsReceived, 2000);
    assert.ok(throttle.updatesEmitted <= 21, `${throttle.updatesEmitted} updates for 2 s is more than ~10/s`);
    assert.ok(throttle.updatesEmitted >= 19, `${throttle.updatesEmitted} updates: the view should keep moving`);
    assert.equal(frames.at(-1), 1999, 'the final state is shown');
    assert.equal(frames[0], 0, 'the first change shows at once');
  });

  it('shows a lone change immediately and does not repeat it', () => {
    const clock = fakeClock();
    let count = 0;
    const throttle = new UpdateThrottle(() => count++, 100, clock);
    throttle.changed();
    clock.advance(500);
    throttle.flush();
    assert.equal(count, 1);
  });
});
