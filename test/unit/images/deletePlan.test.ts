import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildImageGraph } from '../../../src/core/images/graph';
import { planDelete } from '../../../src/core/images/deletePlan';
import { amd64, arm64, attAmd64, attArm64, digestOf, index, listing, lonely, signature } from './fixtures';
import type { Manifest } from '../../../src/core/registry/mediaTypes';

const { images, manifests } = listing();
const graph = buildImageGraph(images, manifests);
const sorted = (list: string[]) => [...list].sort();

describe('delete planning', () => {
  it('refuses deleting a platform image an index lists, naming the index', () => {
    const plan = planDelete(graph, [digestOf(arm64)], { cascade: false });
    assert.deepEqual(plan.deletes, []);
    assert.equal(plan.refused.length, 1);
    assert.equal(plan.refused[0].digest, digestOf(arm64));
    assert.deepEqual(plan.refused[0].referencedBy, [digestOf(index)]);
    assert.match(plan.refused[0].reason, /1\.0 \(sha256:[0-9a-f]{12}\)/);
    assert.match(plan.refused[0].reason, /Delete the index with it/);
  });

  it('refuses an attestation alone too: the index lists it', () => {
    const plan = planDelete(graph, [digestOf(attAmd64)], { cascade: true });
    assert.equal(plan.refused.length, 1);
    assert.deepEqual(plan.steps, []);
  });

  it('deleting an index offers its platform images and attachments with sizes, and deletes only the index without cascade', () => {
    const plan = planDelete(graph, [digestOf(index)], { cascade: false });
    assert.deepEqual(sorted(plan.offered.map((image) => image.digest)), sorted([amd64, arm64, attAmd64, attArm64, signature].map(digestOf)));
    const arm = plan.offered.find((image) => image.digest === digestOf(arm64))!;
    assert.equal(arm.kind, 'linux/arm64/v8 image');
    assert.equal(arm.sizeBytes, 3_380_000);
    assert.equal(arm.belongsTo, digestOf(index));
    assert.equal(plan.offered.find((image) => image.digest === digestOf(signature))!.kind, 'signature');
    assert.deepEqual(plan.deletes.map((image) => image.digest), [digestOf(index)]);
    assert.deepEqual(plan.refused, []);
  });

  it('with cascade deletes the index first, then everything it listed', () => {
    const plan = planDelete(graph, [digestOf(index)], { cascade: true });
    assert.equal(plan.deletes.length, 6);
    // What the index lists goes after it; its signature names it as subject and may go in the same round.
    assert.deepEqual(sorted(plan.steps[0]), sorted([index, signature].map(digestOf)));
    assert.deepEqual(sorted(plan.steps.slice(1).flat()), sorted([amd64, arm64, attAmd64, attArm64].map(digestOf)));
    assert.equal(plan.totalBytes, 6_880_000 + 3_500_000 + 3_380_000 + 1600 + 1600 + 245);
  });

  it('a selection holding an index and one of its children is planned as a whole', () => {
    const plan = planDelete(graph, [digestOf(arm64), digestOf(index), digestOf(lonely)], { cascade: false });
    assert.deepEqual(plan.refused, []);
    assert.deepEqual(sorted(plan.deletes.map((image) => image.digest)), sorted([arm64, index, lonely].map(digestOf)));
    assert.deepEqual(plan.steps[0].includes(digestOf(index)), true);
    assert.ok(plan.steps[1].includes(digestOf(arm64)), 'the child goes after its index');
  });

  it('a batch with a refused child still deletes the rest of the selection', () => {
    const plan = planDelete(graph, [digestOf(amd64), digestOf(lonely)], { cascade: false });
    assert.deepEqual(plan.deletes.map((image) => image.digest), [digestOf(lonely)]);
    assert.deepEqual(plan.refused.map((image) => image.digest), [digestOf(amd64)]);
  });

  it('keeps a platform image another surviving index also lists', () => {
    const second = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(amd64), size: amd64.length, platform: { os: 'linux', architecture: 'amd64' } }] });
    const shared = buildImageGraph(
      [...images, { digest: digestOf(second), tags: ['amd64-only'], mediaType: 'application/vnd.oci.image.index.v1+json' }],
      new Map<string, Manifest>([...manifests, [digestOf(second), JSON.parse(second)]]),
    );
    const plan = planDelete(shared, [digestOf(index)], { cascade: true });
    assert.ok(!plan.deletes.some((image) => image.digest === digestOf(amd64)));
    assert.equal(plan.keptShared[0].digest, digestOf(amd64));
    assert.match(plan.keptShared[0].reason, /amd64-only/);
    assert.ok(plan.deletes.some((image) => image.digest === digestOf(arm64)));
  });

  it('deleting a plain image offers its signature; deleting the signature alone is allowed', () => {
    const withSig = JSON.stringify({ ...(JSON.parse(signature) as object), subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(lonely), size: lonely.length } });
    const small = buildImageGraph(
      [{ digest: digestOf(lonely), tags: ['x'], sizeBytes: 5 }, { digest: digestOf(withSig), tags: [], sizeBytes: 1 }],
      new Map<string, Manifest>([[digestOf(lonely), JSON.parse(lonely)], [digestOf(withSig), JSON.parse(withSig)]]),
    );
    assert.deepEqual(planDelete(small, [digestOf(lonely)], { cascade: false }).offered.map((image) => image.digest), [digestOf(withSig)]);
    const alone = planDelete(small, [digestOf(withSig)], { cascade: false });
    assert.deepEqual(alone.deletes.map((image) => image.digest), [digestOf(withSig)]);
    assert.deepEqual(alone.refused, []);
  });
});
