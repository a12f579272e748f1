/**
 * The inspect view's text: an `Inspection` as Markdown, shown rendered (tables, collapsible
 * manifests). Pure, so what the user reads is tested in plain Node. Values arrive already masked
 * by inspect.ts; here they are only escaped, so a label or history line cannot break the layout.
 */
import { formatBytes } from '../ecr/format';
import type { ConfigSummary, Inspection, PlatformInspection } from './inspect';

/** Text as an inline code span, whatever backticks it holds; one line. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table cell: pipes escaped, one line. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
const none = '_none_';
const list = (values: string[] | undefined) => (values?.length ? code(JSON.stringify(values)) : none);

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

function fencedJson(text: string): string[] {
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Shown as stored when it is not JSON.
  }
  const fence = '`'.repeat(Math.max(3, ...(pretty.match(/`{3,}/g) ?? []).map((run) => run.length + 1)));
  return [`${fence}json`, pretty, fence];
}

function configSection(config: ConfigSummary): string[] {
  const lines = table(
    ['Setting', 'Value'],
    [
      ['Platform', code(config.platform)],
      ['Entrypoint', list(config.entrypoint)],
      ['Cmd', list(config.cmd)],
      ['Working dir', config.workdir ? code(config.workdir) : none],
      ['User', config.user ? code(config.user) : none],
      ['Exposed ports', config.ports.length ? config.ports.map(code).join(', ') : none],
      ['Size (compressed layers)', `${formatBytes(config.totalBytes)} in ${config.layers.length} layer${config.layers.length === 1 ? '' : 's'}`],
    ],
  );
  const masked = config.env.filter((entry) => entry.masked).length;
  lines.push('', '#### Environment', '');
  if (config.env.length) {
    lines.push(...table(['Name', 'Value'], config.env.map((entry) => [code(entry.name), entry.value ? code(entry.value) : none])));
    if (masked) lines.push('', `_${masked} value${masked === 1 ? '' : 's'} masked: the name looks like a secret (\\*\\_TOKEN, \\*\\_SECRET, \\*\\_PASSWORD, \\*KEY\\*)._`);
  } else lines.push(none);
  const labels = Object.entries(config.labels);
  lines.push('', '#### Labels', '');
  lines.push(...(labels.length ? table(['Label', 'Value'], labels.map(([name, value]) => [code(name), code(value)])) : [none]));
  lines.push('', '#### History', '', '_The Dockerfile lines that made the image, first to last; a size where the line made a layer._', '');
  if (config.history.length) {
    // Non-empty history entries line up with the layers, in order, when their counts agree.
    const aligned = config.history.filter((entry) => !entry.emptyLayer).length === config.layers.length;
    let layer = 0;
    const rows = config.history.map((entry, index) => {
      const size = entry.emptyLayer ? '' : aligned ? formatBytes(config.layers[layer++].sizeBytes) : 'layer';
      return [String(index + 1), entry.createdBy ? code(entry.createdBy) : none, size];
    });
    lines.push(...table(['#', 'Instruction', 'Layer'], rows));
  } else lines.push('_The config records no history._');
  lines.push('', '#### Layers', '');
  lines.push(...(config.layers.length ? table(['#', 'Digest', 'Size', 'Media type'], config.layers.map((layer, index) => [String(index + 1), code(layer.digest), formatBytes(layer.sizeBytes), code(layer.mediaType)])) : [none]));
  return lines;
}

function platformSection(platform: PlatformInspection, inIndex: boolean): string[] {
  const heading = inIndex ? `## ${platform.platform}` : '## Configuration';
  const lines = [heading, ''];
  if (inIndex) lines.push(`Platform image ${code(platform.digest)} (${code(platform.mediaType)})`, '');
  lines.push(...configSection(platform.config));
  if (inIndex) lines.push('', '<details><summary>Manifest of this platform image</summary>', '', ...fencedJson(JSON.stringify(platform.manifest)), '', '</details>');
  return lines;
}

/** The whole view: summary, one section per platform image (in the index's order), attestations, the stored manifest. */
export function inspectionMarkdown(label: string, inspection: Inspection): string {
  const lines = [`# ${label}`, ''];
  const kind = inspection.isIndex
    ? `Image index of ${inspection.platforms.length} platform image${inspection.platforms.length === 1 ? '' : 's'} (${inspection.platforms.map((platform) => platform.platform).join(', ') || 'none'})${inspection.attestations.length ? ` and ${inspection.attestations.length} attestation${inspection.attestations.length === 1 ? '' : 's'}` : ''}`
    : `Image for ${inspection.platforms[0]?.platform ?? 'an unknown platform'}`;
  lines.push(`${kind}.`, '', `Digest ${code(inspection.digest)}  `, `Media type ${code(inspection.mediaType)}`, '');
  lines.push('_Read from the registry without pulling: the manifest and each image\'s config, no layer. Environment values with secret-looking names are masked._', '');
  if (inspection.isIndex && inspection.platforms.length > 1) {
    lines.push(`One section per platform below: ${inspection.platforms.map((platform) => platform.platform).join(' · ')}.`, '');
  }
  for (const platform of inspection.platforms) lines.push(...platformSection(platform, inspection.isIndex), '');
  if (inspection.attestations.length) {
    lines.push('## Attestations', '', ...table(['Digest', 'Describes'], inspection.attestations.map((entry) => [code(entry.digest), entry.describes ? code(entry.describes) : none])), '');
  }
  lines.push(inspection.isIndex ? '## Index manifest' : '## Manifest', '', ...fencedJson(inspection.manifestText), '');
  return lines.join('\n');
}
