import type { Inspection } from '../../core/images/inspect';
import { describeTarget } from '../../core/explorer/targets';
import type { Commands } from '../commands';
import { registryClientFor } from '../registryAccess';
import type { Explorer } from './explorer';
import { resolveImage } from './imagePick';
import type { ReadOnlyDocuments } from './readOnlyDocuments';

/** What Inspect Image returns (tests read the text the preview renders). */
export interface InspectResult {
  uri: string;
  markdown: string;
  inspection: Inspection;
}

/**
 * "Inspect Image": the manifest, config, history and layers of an image or index, read from the
 * registry without pulling (manifests and config blobs only), shown as a rendered, read-only view.
 */
export function inspectCommands(explorer: Explorer, documents: ReadOnlyDocuments): Commands<'ecr.inspectImage'> {
  return {
    'ecr.inspectImage': async (arg): Promise<InspectResult | undefined> => {
      const resolved = await resolveImage(explorer, arg, 'Inspect Image');
      if (!resolved) return undefined;
      const { target, connection } = resolved;
      // A row names its image by digest: that is what is inspected, even if a tag moved since the listing.
      const reference = target.digest ?? target.tag ?? 'latest';
      const label = describeTarget(target);
      const inspection = await explorer.attempt(connection, `Could not inspect ${label}`, () =>
        explorer.withProgress(`Reading ${label} from the registry…`, async () => {
          const [{ inspectImage }, client] = await Promise.all([import('../../core/images/inspect'), registryClientFor(connection, explorer.services.redactor, explorer.log)]);
          return inspectImage(client, target.repository, reference);
        }),
      );
      if (!inspection) return undefined;
      const { inspectionMarkdown } = await import('../../core/images/inspectMarkdown');
      const title = `${target.repository}${target.tag ? `:${target.tag}` : ''}`;
      const markdown = inspectionMarkdown(`Inspect ${title}`, inspection);
      // The tab reads "Inspect app:1.0"; the path keeps registries and repositories apart.
      const name = `Inspect ${target.repository.split('/').pop()}${target.tag ? `:${target.tag}` : `@${inspection.digest.slice(7, 19)}`}.md`;
      const uri = await documents.showRendered(`/${connection.key}/${target.repository}/${name}`, markdown);
      explorer.log.info(`inspected ${label}: ${inspection.digest} (${inspection.platforms.map((platform) => platform.platform).join(', ')})`);
      return { uri: uri.toString(), markdown, inspection };
    },
  };
}
