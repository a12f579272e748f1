/** One copy through the registry client, for bench/copy.mjs (run under /usr/bin/time for its peak RSS). Prints one JSON line. */
import { copyImage } from '../src/core/images/copy';
import { RegistryClient } from '../src/core/registry/client';

const [host, source, targetHost, target, mode] = process.argv.slice(2);
const password = process.env.BENCH_REGISTRY_PASSWORD ?? '';
const client = new RegistryClient({ host, credentials: async () => ({ username: 'AWS', password }) });
const targetClient = new RegistryClient({ host: targetHost, credentials: async () => ({ username: 'AWS', password }) });
const [repository, reference] = source.split(':');
const [targetRepository, tag] = target.split(':');
const started = performance.now();
copyImage({ source: { client, repository, reference }, target: { client: targetClient, repository: targetRepository, tags: [tag] }, mount: mode !== 'stream' })
  .then((result) => {
    console.log(JSON.stringify({ ms: performance.now() - started, digest: result.digest, blobs: result.blobs, bytesStreamed: result.bytesStreamed }));
  })
  .catch((error) => {
    console.error(String(error?.message ?? error));
    process.exit(1);
  });
