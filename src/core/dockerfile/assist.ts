/**
 * Editor help that isn't diagnostics: hover text for Aqueduct base images and completion
 * candidates inside FROM. Pure functions; the VS Code layer turns them into items.
 */
import {
  AQUEDUCT_IMAGES,
  CUSTOM_IMAGE_VERSIONS,
  aqueductRepositoryOf,
  condaEnvironment,
  customImageSupport,
  findAqueductImage,
  legacyGpuPython,
  versionProblem,
  type AqueductImage,
} from './aqueductCatalogue';
import type { DockerfileModel } from './parse';
import type { Position, Range } from './text';
import { containsPosition } from './text';

export interface HoverResult {
  markdown: string;
  range: Range;
}

function imageSummary(image: AqueductImage): string {
  const kind = image.kind === 'cpu' ? 'CPU' : image.kind === 'gpu' ? 'GPU' : 'LLM (GPU)';
  const lines = [`**aqueducthq/${image.name}**: Aqueduct ${kind} operator base image`, '', `- Python ${image.python}`];
  if (image.cuda) lines.push(`- CUDA ${image.cuda}`);
  if (image.kind === 'cpu') lines.push('- Install packages with `pip install --no-cache-dir …`');
  else lines.push(`- Python lives in the conda environment \`${condaEnvironment(image.python)}\`: install with \`conda run -n ${condaEnvironment(image.python)} pip install --no-cache-dir …\``);
  if (image.kind === 'llm') lines.push("- Carries the libraries for Aqueduct's built-in LLM operators");
  lines.push(
    "- Aqueduct starts the container with this image's start script, which loads and runs the operator: don't set `ENTRYPOINT` or `CMD`",
    "- Don't reinstall `aqueduct-ml`: the image has the SDK matching the server",
  );
  return lines.join('\n');
}

/** Hover text for the base image of the FROM under `position`, when it is an aqueducthq image. */
export function aqueductHover(model: DockerfileModel, position: Position, serverVersion: string | undefined): HoverResult | undefined {
  for (const stage of model.stages) {
    const from = stage.from;
    if (!from.imageRange || !from.image || !containsPosition(from.imageRange, position)) continue;
    const repository = aqueductRepositoryOf(from.image.name);
    if (repository === undefined) return undefined;
    const image = findAqueductImage(repository);
    const parts: string[] = [];
    if (image) parts.push(imageSummary(image));
    else if (legacyGpuPython(repository)) parts.push(`**aqueducthq/${repository}** existed only up to Aqueduct 0.2.5. For 0.3.x use \`gpu_cuda1180_py…\` or \`gpu_cuda1141_py…\`.`);
    else parts.push(`**aqueducthq/${repository}** is not an image Aqueduct publishes.`);
    const tag = from.image.tag;
    if (tag !== undefined) {
      const problem = tag === 'latest' ? 'The `latest` tag moves with each release; Aqueduct needs the server version.' : versionProblem(tag);
      if (problem) parts.push(`Tag \`${tag}\`: ${problem}`);
      else if (serverVersion && tag !== serverVersion) parts.push(`Tag \`${tag}\` differs from your server version \`${serverVersion}\` (\`ecr.aqueduct.serverVersion\`).`);
      else parts.push(`Tag \`${tag}\`: runs on an Aqueduct ${tag} server.`);
    }
    return { markdown: parts.join('\n\n'), range: from.imageRange };
  }
  return undefined;
}

export type FromCompletionContext =
  | { kind: 'image'; prefix: string; range: Range }
  | { kind: 'tag'; imageName: string; prefix: string; range: Range };

/**
 * Whether the cursor is in a FROM's image argument (skipping --platform), and in the name or
 * the tag part. Works on the line text so it answers while the line is half typed.
 */
export function fromCompletionContext(lineText: string, line: number, character: number): FromCompletionContext | undefined {
  const before = lineText.slice(0, character);
  const match = /^(\s*FROM\s+(?:--\S+\s+)*)(\S*)$/i.exec(before);
  if (!match) return undefined;
  const start = match[1].length;
  let end = character;
  while (end < lineText.length && !/\s/.test(lineText[end])) end++;
  const typed = match[2];
  const colon = typed.lastIndexOf(':');
  const slash = typed.lastIndexOf('/');
  if (colon > slash && !typed.includes('@')) {
    return {
      kind: 'tag',
      imageName: typed.slice(0, colon),
      prefix: typed.slice(colon + 1),
      range: { start: { line, character: start + colon + 1 }, end: { line, character: end } },
    };
  }
  return { kind: 'image', prefix: typed, range: { start: { line, character: start }, end: { line, character: end } } };
}

export interface ImageCompletion {
  label: string;
  detail: string;
  documentation?: string;
  /** Sort key: Aqueduct images first, then registries' images. */
  sortText: string;
}

export function aqueductImageCompletions(): ImageCompletion[] {
  return AQUEDUCT_IMAGES.map((image, index) => ({
    label: `aqueducthq/${image.name}`,
    detail: `Aqueduct ${image.kind === 'cpu' ? 'CPU' : image.kind.toUpperCase()} base, Python ${image.python}${image.cuda ? `, CUDA ${image.cuda}` : ''}`,
    documentation: imageSummary(image),
    sortText: `0-${String(index).padStart(3, '0')}`,
  }));
}

/** Tags to offer for an aqueducthq image: the server version first, then the other releases. */
export function aqueductTagCompletions(imageName: string, serverVersion: string | undefined): ImageCompletion[] | undefined {
  if (aqueductRepositoryOf(imageName) === undefined) return undefined;
  const server = serverVersion && customImageSupport(serverVersion).kind === 'supported' ? serverVersion : undefined;
  const ordered = server ? [server, ...CUSTOM_IMAGE_VERSIONS.filter((version) => version !== server)] : [...CUSTOM_IMAGE_VERSIONS];
  return ordered.map((version, index) => ({
    label: version,
    detail: version === server ? 'Your Aqueduct server version' : `Aqueduct ${version}`,
    sortText: `0-${index}`,
  }));
}
