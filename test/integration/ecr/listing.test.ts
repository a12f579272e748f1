import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { stackFor, resetMoto } from '../../support/stack';
import { countImages, imageIdPages, imagePages, listImages, listRepositories, repositoryPages, tagEntries } from '../../../src/core/ecr/listing';
import { collectAll } from '../../../src/core/ecr/pagination';
import { createRepositories, motoClient, putImages } from './fixtures';
import { EcrFront } from '../../stack/ecrFront';

const { env, skip } = stackFor('moto');
const REPOSITORIES = 2345;
const IMAGES = 1234;
const repositoryNames = Array.from({ length: REPOSITORIES }, (_, index) => `bulk/repo-${String(index).padStart(5, '0')}`);

describe('listing against moto', { skip }, () => {
  let direct: ECRClient;
  let proxy: EcrFront;
  let paged: ECRClient;
  const requests: string[] = [];

  before(async () => {
    await resetMoto(env.ecrEndpoint);
    direct = await motoClient(env.ecrEndpoint);
    await createRepositories(direct, [...repositoryNames, 'big']);
    await putImages(direct, 'big', IMAGES);
    proxy = await EcrFront.start({ moto: env.motoUrl });
    paged = await motoClient(proxy.url, { onHttpRequest: (operation) => requests.push(operation) });
  });
  after(async () => {
    await proxy?.close();
  });

  it(`lists more than 1000 repositories (${REPOSITORIES + 1}) and more than 1000 images (${IMAGES})`, async () => {
    const repositories = await listRepositories(direct);
    assert.equal(repositories.length, REPOSITORIES + 1);
    assert.ok(repositories.some((repository) => repository.name === 'bulk/repo-02344'));
    const images = await listImages(direct, 'big');
    assert.equal(images.length, IMAGES);
    assert.equal(new Set(images.map((image) => image.digest)).size, IMAGES);
    assert.equal(tagEntries(images).tagged.length, IMAGES);
  });

  it('follows nextToken through a server that pages: 3 pages of at most 1000 repositories', async () => {
    proxy.reset();
    requests.length = 0;
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const page of repositoryPages(paged)) {
      sizes.push(page.items.length);
      names.push(...page.items.map((repository) => repository.name));
    }
    assert.deepEqual(sizes, [1000, 1000, REPOSITORIES + 1 - 2000]);
    assert.equal(new Set(names).size, REPOSITORIES + 1, 'no repository twice, none missing');
    const calls = proxy.callsOf('DescribeRepositories');
    assert.deepEqual(calls.map((call) => [call.maxResults, call.nextToken]), [
      [1000, undefined],
      [1000, 'front-offset-1000'],
      [1000, 'front-offset-2000'],
    ]);
    assert.equal(requests.length, 3, 'the minimum number of API calls: ceil(2346 / 1000)');
  });

  it('shows the first page before asking for the second', async () => {
    proxy.reset();
    const pages = repositoryPages(paged);
    const first = await pages.next();
    assert.equal(first.value?.items.length, 1000);
    assert.equal(proxy.callsOf('DescribeRepositories').length, 1);
    await pages.return();
  });

  it('pages DescribeImages and ListImages with smaller pages, same images as unpaged moto', async () => {
    proxy.reset();
    const images = await collectAll(imagePages(paged, 'big', { pageSize: 300 }));
    assert.equal(images.length, IMAGES);
    assert.equal(proxy.callsOf('DescribeImages').length, Math.ceil(IMAGES / 300));
    const direct = await listImages(await motoClient(env.motoUrl), 'big');
    assert.deepEqual(new Set(images.map((image) => image.digest)), new Set(direct.map((image) => image.digest)));
    const ids = await collectAll(imageIdPages(paged, 'big', { pageSize: 1000 }));
    assert.equal(ids.length, IMAGES);
    assert.equal(proxy.callsOf('ListImages').length, 2);
    assert.deepEqual(await countImages(paged, 'big'), { total: IMAGES, archived: 0 });
  });

  it('resumes from a token, as "Load more" does', async () => {
    proxy.reset();
    const first = await repositoryPages(paged).next();
    const rest = await collectAll(repositoryPages(paged, { startToken: first.value!.nextToken }));
    assert.equal(rest.length, REPOSITORIES + 1 - 1000);
  });

  it('maps what DescribeImages reports: size, pushed at, tags, media type', async () => {
    const [image] = await listImages(direct, 'big');
    assert.ok(image.sizeBytes && image.sizeBytes > 0);
    assert.ok(image.pushedAt instanceof Date);
    assert.match(image.tags[0], /^t\d+$/);
    assert.equal(image.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  });
});
