/**
 * Signatures, attestations, SBOMs and the OCI 1.1 referrers fallback tag in the image graph and the
 * delete plan (issue 21): as cosign (tag scheme `sha256-<hex>.sig|.att|.sbom`) and OCI 1.1 clients
 * without the referrers API (`sha256-<hex>`: an image index listing the referrers) lay them out.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildImageGraph, kindLabel, type ListedImage } from '../../../src/core/images/graph';
import { planDelete } from '../../../src/core/images/deletePlan';
import type { Manifest } from '../../../src/core/registry/mediaTypes';
import { amd64, arm64, attAmd64, attArm64, digestOf, index, signature } from './fixtures';

const hex = digestOf(index).slice('sha256:'.length);
const artifact = (artifactType: string, layerType: string, subject?: string) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
    layers: [{ mediaType: layerType, digest: digestOf(`${artifactType}-layer`), size: 300 }],
    ...(subject ? { subject: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: subject, size: index.length } } : {}),
  });
const bundle = artifact('application/vnd.dev.sigstore.bundle.v0.3+json', 'application/vnd.dev.sigstore.bundle.v0.3+json', digestOf(index));
const sbom = artifact('application/spdx+json', 'application/spdx+json', digestOf(index));
// cosign's tag scheme: no subject, found by the tag only.
const cosignSig = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf('cfg'), size: 200 }, layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: digestOf('payload'), size: 250 }] });
const cosignAtt = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf('cfg2'), size: 200 }, layers: [{ mediaType: 'application/vnd.dsse.envelope.v1+json', digest: digestOf('dsse'), size: 900 }] });
const fallback = (listed: string[]) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: listed.map((text) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(text), size: text.length, artifactType: (JSON.parse(text) as Manifest).artifactType })),
  });

function graphOf(entries: Array<[string, string[]]>) {
  const images: ListedImage[] = entries.map(([text, tags]) => ({ digest: digestOf(text), tags, sizeBytes: 0, mediaType: (JSON.parse(text) as Manifest).mediaType }));
  const manifests = new Map(entries.map(([text]) => [digestOf(text), JSON.parse(text) as Manifest]));
  return buildImageGraph(images, manifests);
}

const base: Array<[string, string[]]> = [
  [index, ['multi']],
  [amd64, []],
  [arm64, []],
  [attAmd64, []],
  [attArm64, []],
];

describe('attachments in the image graph', () => {
  it('the referrers fallback tag is a referrers index under its image, not a multi-platform image; what it lists is attached to the image and labelled by type', () => {
    const list = fallback([bundle, sbom]);
    const graph = graphOf([...base, [bundle, []], [sbom, []], [list, [`sha256-${hex}`]]]);
    const roots = graph.roots.map((root) => root.digest);
    assert.deepEqual(roots, [digestOf(index)], 'only the image is a row of its own');
    const fallbackNode = graph.nodes.get(digestOf(list))!;
    assert.equal(fallbackNode.kind, 'referrers');
    assert.equal(kindLabel(fallbackNode), 'referrers index (fallback tag)');
    assert.deepEqual(fallbackNode.children, [], 'no "platforms"');
    const subject = graph.nodes.get(digestOf(index))!;
    assert.deepEqual(subject.attachments.map((node) => kindLabel(node)).sort(), ['SBOM', 'referrers index (fallback tag)', 'signature'].sort());
    assert.equal(graph.nodes.get(digestOf(bundle))!.kind, 'signature', 'a sigstore bundle is a signature');
  });

  it('cosign .sig, .att and .sbom tags are a signature, an attestation and an SBOM of the image they name', () => {
    const graph = graphOf([...base, [cosignSig, [`sha256-${hex}.sig`]], [cosignAtt, [`sha256-${hex}.att`]], [sbom, [`sha256-${hex}.sbom`]]]);
    assert.deepEqual(graph.roots.map((root) => root.digest), [digestOf(index)]);
    assert.equal(graph.nodes.get(digestOf(cosignSig))!.kind, 'signature');
    assert.equal(graph.nodes.get(digestOf(cosignAtt))!.kind, 'attestation');
    assert.equal(graph.nodes.get(digestOf(sbom))!.kind, 'sbom');
    assert.equal(graph.nodes.get(digestOf(index))!.attachments.length, 3);
  });
});

describe('deleting attachments', () => {
  it('a signature of an index is deleted on its own: its subject link does not hold it', () => {
    const graph = graphOf([...base, [signature, []]]);
    const plan = planDelete(graph, [digestOf(signature)], { cascade: false });
    assert.deepEqual(plan.refused, []);
    assert.deepEqual(plan.steps, [[digestOf(signature)]]);
    assert.deepEqual(plan.offered, []);
  });

  it('a cosign .sig, .att or .sbom is deleted on its own', () => {
    const graph = graphOf([...base, [cosignSig, [`sha256-${hex}.sig`]], [cosignAtt, [`sha256-${hex}.att`]], [sbom, [`sha256-${hex}.sbom`]]]);
    for (const text of [cosignSig, cosignAtt, sbom]) {
      const plan = planDelete(graph, [digestOf(text)], { cascade: false });
      assert.deepEqual(plan.refused, [], text);
      assert.deepEqual(plan.steps, [[digestOf(text)]]);
    }
  });

  it('the last referrer a fallback-tag index lists takes that index with it, the index first', () => {
    const list = fallback([bundle]);
    const graph = graphOf([...base, [bundle, []], [list, [`sha256-${hex}`]]]);
    const plan = planDelete(graph, [digestOf(bundle)], { cascade: false });
    assert.deepEqual(plan.refused, []);
    assert.deepEqual(plan.steps, [[digestOf(list)], [digestOf(bundle)]]);
    assert.deepEqual(plan.offered, [], 'nothing to choose: the fallback index cannot stay without what it lists');
    assert.equal(plan.deletes.find((image) => image.digest === digestOf(list))!.kind, 'referrers index (fallback tag)');
  });

  it('a referrer the fallback index lists with others that stay: the index is rewritten without it first, then the old index and the referrer are deleted, in that order', () => {
    const list = fallback([bundle, sbom]);
    const graph = graphOf([...base, [bundle, []], [sbom, []], [list, [`sha256-${hex}`]]]);
    const plan = planDelete(graph, [digestOf(bundle)], { cascade: false });
    assert.deepEqual(plan.refused, []);
    assert.deepEqual(plan.rewrites.length, 1);
    const [rewrite] = plan.rewrites;
    assert.equal(rewrite.tag, `sha256-${hex}`);
    assert.equal(rewrite.subject, digestOf(index));
    assert.equal(rewrite.index, digestOf(list));
    assert.deepEqual(rewrite.removes, [digestOf(bundle)]);
    assert.deepEqual(rewrite.keeps.map((kept) => [kept.digest, kept.kind]), [[digestOf(sbom), 'SBOM']]);
    assert.deepEqual(plan.steps, [[digestOf(list)], [digestOf(bundle)]], 'the old index (untagged once rewritten) before the referrer it listed');
    const old = plan.deletes.find((image) => image.digest === digestOf(list))!;
    assert.equal(old.kind, 'old referrers index (fallback tag), replaced');
    assert.deepEqual(old.tags, [], 'the tag stays, on the new index');
    assert.deepEqual(plan.offered, []);
  });

  it('deleting every referrer the fallback index lists deletes the index too, without a rewrite', () => {
    const list = fallback([bundle, sbom]);
    const graph = graphOf([...base, [bundle, []], [sbom, []], [list, [`sha256-${hex}`]]]);
    const both = planDelete(graph, [digestOf(bundle), digestOf(sbom)], { cascade: false });
    assert.deepEqual(both.refused, []);
    assert.deepEqual(both.rewrites, []);
    assert.deepEqual(both.steps[0], [digestOf(list)]);
    assert.equal(both.deletes.find((image) => image.digest === digestOf(list))!.kind, 'referrers index (fallback tag)');
  });

  it('two of three referrers: one rewrite drops both', () => {
    const other = artifact('application/vnd.cyclonedx+json', 'application/vnd.cyclonedx+json', digestOf(index));
    const list = fallback([bundle, sbom, other]);
    const graph = graphOf([...base, [bundle, []], [sbom, []], [other, []], [list, [`sha256-${hex}`]]]);
    const plan = planDelete(graph, [digestOf(bundle), digestOf(other)], { cascade: false });
    assert.equal(plan.rewrites.length, 1);
    assert.deepEqual([...plan.rewrites[0].removes].sort(), [digestOf(bundle), digestOf(other)].sort());
    assert.deepEqual(plan.rewrites[0].keeps.map((kept) => kept.digest), [digestOf(sbom)]);
    assert.deepEqual(plan.steps[0], [digestOf(list)]);
  });

  it('a fallback index that carries another tag too is not rewritten (deleting it would take that tag): the referrer is refused, saying why', () => {
    const list = fallback([bundle, sbom]);
    const graph = graphOf([...base, [bundle, []], [sbom, []], [list, [`sha256-${hex}`, 'pinned']]]);
    const plan = planDelete(graph, [digestOf(bundle)], { cascade: false });
    assert.deepEqual(plan.rewrites, []);
    assert.equal(plan.refused.length, 1);
    assert.match(plan.refused[0].reason, /listed in the referrers index .* with other referrers that stay/);
    assert.deepEqual(plan.steps, []);
  });

  it('deleting the image offers its signatures, SBOM and fallback index, and takes them with cascade', () => {
    const list = fallback([bundle, sbom]);
    const graph = graphOf([...base, [bundle, []], [sbom, []], [list, [`sha256-${hex}`]], [cosignSig, [`sha256-${hex}.sig`]]]);
    const offered = planDelete(graph, [digestOf(index)], { cascade: false }).offered.map((image) => image.kind);
    for (const kind of ['signature', 'SBOM', 'referrers index (fallback tag)']) assert.ok(offered.includes(kind), kind);
    const plan = planDelete(graph, [digestOf(index)], { cascade: true });
    assert.deepEqual(plan.refused, []);
    assert.equal(plan.deletes.length, 9);
    const round = (digest: string) => plan.steps.findIndex((step) => step.includes(digest));
    assert.ok(round(digestOf(list)) < round(digestOf(bundle)), 'the fallback index before what it lists');
  });
});

describe("ECR's ListImageReferrers", () => {
  it('pages through the referrers (archived ones too), and says "cannot tell" where the endpoint lacks the operation', async () => {
    const { ecrReferrers } = await import('../../../src/core/images/attachments');
    const sent: Array<Record<string, unknown>> = [];
    const pages = [
      { referrers: [{ digest: 'sha256:aa', mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }], nextToken: 't1' },
      { referrers: [{ digest: 'sha256:bb', mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, artifactStatus: 'ARCHIVED' }] },
    ];
    const client = { send: async (command: { input: Record<string, unknown> }) => (sent.push(command.input), pages[sent.length - 1]) };
    const list = ecrReferrers(client as never, '123456789012');
    assert.deepEqual(await list('team/app', 'sha256:subject'), ['sha256:aa', 'sha256:bb']);
    assert.deepEqual(sent[0], { registryId: '123456789012', repositoryName: 'team/app', subjectId: { imageDigest: 'sha256:subject' }, filter: { artifactStatus: 'ANY' }, nextToken: undefined });
    assert.equal(sent[1].nextToken, 't1');
    const unknown = ecrReferrers({ send: async () => Promise.reject(Object.assign(new Error('<html>500</html>'), { name: 'InternalFailure' })) } as never);
    assert.equal(await unknown('team/app', 'sha256:subject'), undefined);
    const denied = ecrReferrers({ send: async () => Promise.reject(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' })) } as never);
    await assert.rejects(denied('team/app', 'sha256:subject'), /not allowed/);
  });
});
