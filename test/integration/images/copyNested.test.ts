/**
 * Copy carries attachments of attachments (issue 21): an index made by buildah with a cosign `.sig`
 * and a sigstore bundle behind the referrers fallback tag (faultImages.ts), then, pushed through the
 * registry API as oras attach and cosign do: a cosign `.sig` of the bundle, an in-toto attestation
 * whose subject is the cosign signature (listed by that signature's own fallback tag), and a cosign
 * `.sig` of that attestation, three levels down. Copied to a second registry; what arrived is looked
 * at there with plain HTTP, not through the extension's client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyImage } from '../../../src/core/images/copy';
import { RegistryClient } from '../../../src/core/registry/client';
import { OCI_EMPTY, OCI_MANIFEST } from '../../../src/core/registry/mediaTypes';
import { pushJsonBlob, pushManifest } from '../../support/multiArch';
import { startSecondRegistry, type SecondRegistry } from '../../support/registries';
import { MOTO_REGISTRY_PASSWORD, stackFor } from '../../support/stack';
import { digestAt, pushFallbackIndex, pushOutsideImages, pushReferrer, type OutsideImages } from './faultImages';
import { createRepository, imagesStack, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const SOURCE = `nested-${run}/src`;
const TARGET = `nested-${run}/copy`;
const hexOf = (digest: string) => digest.slice('sha256:'.length);

describe('copy with attachments of attachments', { skip }, () => {
  let stack: ImagesStack;
  let images: OutsideImages;
  let second: SecondRegistry;
  const nested: { bundleSig: string; attestation: string; attestationIndex: string; attestationSig: string } = { bundleSig: '', attestation: '', attestationIndex: '', attestationSig: '' };

  /** A cosign signature manifest of `digest`, under cosign's tag sha256-<hex>.sig. */
  const cosignSign = async (digest: string) => {
    const client = stack.registry();
    const empty = await pushJsonBlob(client, SOURCE, {}, OCI_EMPTY);
    const payload = await pushJsonBlob(client, SOURCE, { critical: { image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: { run } }, 'application/vnd.dev.cosign.simplesigning.v1+json');
    return (await pushManifest(client, SOURCE, { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: empty.digest, size: empty.size }, layers: [payload] }, `sha256-${hexOf(digest)}.sig`)).digest;
  };

  before(async () => {
    stack = await imagesStack(env);
    await createRepository(stack.ecr, SOURCE);
    const client = stack.registry();
    images = await pushOutsideImages(env.registryHost, stack.password, client, SOURCE);
    nested.bundleSig = await cosignSign(images.bundle);
    const signature = await client.headManifest(SOURCE, images.signature);
    const attestation = await pushReferrer(client, SOURCE, { mediaType: signature!.mediaType, digest: images.signature, size: signature!.size }, 'application/vnd.in-toto+json', {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'signature', digest: { sha256: hexOf(images.signature) } }],
      predicateType: 'https://example.com/review/v1',
      predicate: { run },
    });
    nested.attestation = attestation.digest;
    nested.attestationIndex = (await pushFallbackIndex(client, SOURCE, images.signature, [attestation])).digest;
    nested.attestationSig = await cosignSign(attestation.digest);
    second = await startSecondRegistry(MOTO_REGISTRY_PASSWORD);
  });

  after(async () => {
    await second?.stop();
  });

  it('copies the image, its attachments and theirs, three levels down, with every attachment tag, and counts them', async () => {
    const target = new RegistryClient({ host: second.host, credentials: async () => ({ username: 'AWS', password: MOTO_REGISTRY_PASSWORD }) });
    const result = await copyImage({ source: { client: stack.registry(), repository: SOURCE, reference: '1.0' }, target: { client: target, repository: TARGET, tags: ['1.0'] } });
    assert.equal(result.digest, images.index);
    assert.equal(result.attachments.manifests, 7, 'the signature, the bundle, the fallback index; the bundle\'s .sig, the attestation, its fallback index and its .sig');
    assert.equal(result.attachments.nested, 4);
    const at = (reference: string) => digestAt(second.host, MOTO_REGISTRY_PASSWORD, TARGET, reference);
    for (const digest of [...images.all, ...Object.values(nested)]) assert.equal(await at(digest), digest, `${digest} arrived`);
    assert.equal(await at('1.0'), images.index);
    assert.equal(await at(`sha256-${hexOf(images.bundle)}.sig`), nested.bundleSig, "the bundle's cosign signature tag");
    assert.equal(await at(`sha256-${hexOf(images.signature)}`), nested.attestationIndex, "the signature's referrers fallback tag");
    assert.equal(await at(`sha256-${hexOf(nested.attestation)}.sig`), nested.attestationSig, "the attestation's cosign signature tag");
  });

  it('with attachments left out, none of them arrive', async () => {
    const target = new RegistryClient({ host: second.host, credentials: async () => ({ username: 'AWS', password: MOTO_REGISTRY_PASSWORD }) });
    const result = await copyImage({ source: { client: stack.registry(), repository: SOURCE, reference: '1.0' }, target: { client: target, repository: `${TARGET}-alone`, tags: ['1.0'] }, withAttachments: false });
    assert.equal(result.attachments.manifests, 0);
    assert.equal(result.attachments.nested, 0);
    assert.equal(await digestAt(second.host, MOTO_REGISTRY_PASSWORD, `${TARGET}-alone`, nested.attestationSig), undefined);
  });
});
