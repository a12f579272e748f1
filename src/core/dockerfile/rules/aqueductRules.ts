/**
 * Aqueduct's rules for custom operator images (from Aqueduct's docs and releases): the base must be a real
 * aqueducthq image whose tag equals the server version, the image must not set CMD or
 * ENTRYPOINT or reinstall aqueduct-ml, and pip on GPU bases goes through conda.
 */
import {
  aqueductRepositoryOf,
  condaEnvironment,
  customImageSupport,
  describeImage,
  findAqueductImage,
  legacyGpuPython,
  pythonDigits,
  suggestAqueductImages,
  versionProblem,
  LAST_LEGACY_GPU_VERSION,
  type AqueductImage,
} from '../aqueductCatalogue';
import type { FromInfo, Stage } from '../parse';
import { rootStage } from '../parse';
import { pipInstalls, shellScriptOf } from '../shell';
import { insertAt, removeInstruction, replaceRange } from './edits';
import type { Fix, RuleContext, RuleInfo } from './types';

export const AQUEDUCT_RULES: RuleInfo[] = [
  { id: 'AQ001', group: 'aqueduct', defaultSeverity: 'error', title: 'Aqueduct images must not set CMD or ENTRYPOINT (Aqueduct runs the base image start script)' },
  { id: 'AQ002', group: 'aqueduct', defaultSeverity: 'error', title: 'Unknown Aqueduct base image or Python version' },
  { id: 'AQ003', group: 'aqueduct', defaultSeverity: 'error', title: 'function<py>gpu images only exist up to 0.2.5; 0.3.x GPU bases are gpu_cuda<version>_py<version>' },
  { id: 'AQ004', group: 'aqueduct', defaultSeverity: 'warning', title: 'Aqueduct base image without a version tag, or tagged latest' },
  { id: 'AQ005', group: 'aqueduct', defaultSeverity: 'warning', title: 'Aqueduct base tag is not a release that runs custom images (0.3.1 to 0.3.6; 0.3.0 was withdrawn)' },
  { id: 'AQ006', group: 'aqueduct', defaultSeverity: 'warning', title: 'Aqueduct base tag differs from the configured server version' },
  { id: 'AQ007', group: 'aqueduct', defaultSeverity: 'warning', title: 'Do not reinstall aqueduct-ml: the base image has the SDK matching the server' },
  { id: 'AQ008', group: 'aqueduct', defaultSeverity: 'warning', title: 'On Aqueduct GPU bases, run pip through conda run -n py3XX_env' },
  { id: 'AQ009', group: 'aqueduct', defaultSeverity: 'error', title: 'The workspace is marked Aqueduct but the final stage is not built from an aqueducthq image' },
];

/** The name part before "aqueducthq/<repo>" (a registry or pull-through-cache prefix), kept by fixes. */
function namePrefix(from: FromInfo, repository: string): string {
  const name = from.image!.name;
  return name.slice(0, name.length - repository.length);
}

function replaceNameFixes(from: FromInfo, repository: string, images: AqueductImage[], firstPreferred: boolean): Fix[] {
  if (from.usesVariables || !from.nameRange) return [];
  const prefix = namePrefix(from, repository);
  return images.map((image, index) => ({
    title: `Use ${prefix}${image.name} (${describeImage(image)})`,
    edits: [replaceRange(from.nameRange!, `${prefix}${image.name}`)],
    preferred: firstPreferred && index === 0,
  }));
}

function pinFix(from: FromInfo, version: string, serverVersion: string | undefined): Fix[] {
  if (from.usesVariables || !from.nameRange || !from.image) return [];
  const why = serverVersion === version ? ' (the server version)' : '';
  if (from.image.tag !== undefined && from.tagRange) {
    return [{ title: `Pin the tag to ${version}${why}`, edits: [replaceRange(from.tagRange, version)], preferred: true }];
  }
  if (from.image.digest !== undefined) return [];
  return [{ title: `Pin the tag to ${version}${why}`, edits: [insertAt(from.nameRange.end, `:${version}`)], preferred: true }];
}

function checkBaseImage(context: RuleContext, from: FromInfo): void {
  const image = from.image;
  if (!image || !from.nameRange) return;
  const repository = aqueductRepositoryOf(image.name);
  if (repository === undefined) return;
  const { pinVersion, serverVersion } = context.aqueduct;
  const legacyPython = legacyGpuPython(repository);
  const tag = image.tag;
  const tagSupport = tag === undefined ? undefined : customImageSupport(tag);
  const legacyTagExists = tagSupport !== undefined && tagSupport.kind === 'too-old';

  if (legacyPython && !legacyTagExists) {
    const py = pythonDigits(legacyPython);
    const choices = [findAqueductImage(`gpu_cuda1180_py${py}`)!, findAqueductImage(`gpu_cuda1141_py${py}`)!];
    context.report({
      ruleId: 'AQ003',
      message: `aqueducthq/${repository} only existed up to Aqueduct ${LAST_LEGACY_GPU_VERSION}; from 0.3.x the GPU base for Python ${legacyPython} is aqueducthq/gpu_cuda1180_py${py} (CUDA 11.8.0) or aqueducthq/gpu_cuda1141_py${py} (CUDA 11.4.1).`,
      range: from.nameRange,
      fixes: replaceNameFixes(from, repository, choices, true),
    });
  } else if (!legacyPython && !findAqueductImage(repository)) {
    const suggestions = suggestAqueductImages(repository);
    context.report({
      ruleId: 'AQ002',
      message: `aqueducthq/${repository} is not an Aqueduct base image. Aqueduct publishes function37-function310 (CPU), gpu_cuda1141_py37-py310 and gpu_cuda1180_py37-py310 (GPU), and llm_cuda1141/1180_py38-py310 (LLM)${suggestions.length ? `; did you mean aqueducthq/${suggestions[0].name}?` : '.'}`,
      range: from.nameRange,
      fixes: replaceNameFixes(from, repository, suggestions, true),
    });
  }

  if (tag === undefined) {
    context.report({
      ruleId: 'AQ004',
      message: image.digest
        ? `aqueducthq/${repository} is pinned by digest only: Aqueduct needs the base tag to equal the server version (${pinVersion}), so name the tag.`
        : `aqueducthq/${repository} has no tag, so Docker takes "latest". Aqueduct runs custom images only when the base tag equals the server version: use :${pinVersion}.`,
      range: from.nameRange,
      fixes: pinFix(from, pinVersion, serverVersion),
    });
    return;
  }
  const tagRange = from.tagRange ?? from.nameRange;
  if (tag === 'latest') {
    context.report({
      ruleId: 'AQ004',
      message: `The "latest" tag moves with each Aqueduct release; Aqueduct runs custom images only when the base tag equals the server version: use ${pinVersion}.`,
      range: tagRange,
      fixes: pinFix(from, pinVersion, serverVersion),
    });
    return;
  }
  const problem = versionProblem(tag);
  if (problem) {
    context.report({ ruleId: 'AQ005', message: `${problem} Use ${pinVersion}${serverVersion === pinVersion ? ', your server version' : ''}.`, range: tagRange, fixes: pinFix(from, pinVersion, serverVersion) });
    return;
  }
  if (serverVersion !== undefined && tag !== serverVersion) {
    context.report({
      ruleId: 'AQ006',
      message: `The base tag ${tag} differs from your Aqueduct server version ${serverVersion} (setting ecr.aqueduct.serverVersion); Aqueduct runs custom images only when they match.`,
      range: tagRange,
      fixes: pinFix(from, serverVersion, serverVersion),
    });
  }
}

function packageName(requirement: string): string {
  return requirement.toLowerCase().split(/[[=<>!~;@ ]/)[0].replace(/_/g, '-');
}

function checkFinalImage(context: RuleContext): void {
  const { model, aqueduct } = context;
  const finalStage = aqueduct.finalChain[aqueduct.finalChain.length - 1];
  if (context.settings.aqueductWorkspace && finalStage) {
    const from = finalStage.from;
    const image = from.image;
    if (image && from.nameRange && aqueductRepositoryOf(image.name) === undefined && image.name.toLowerCase() !== 'scratch') {
      const suggestions = suggestAqueductImages(`${image.name}${image.tag ? image.tag.replace(/^(\d)\.(\d+).*/, 'py$1$2') : ''}`);
      const range = from.imageRange ?? from.nameRange;
      context.report({
        ruleId: 'AQ009',
        message: `This workspace is marked as Aqueduct (ecr.aqueduct.enabled), but the final stage is built from ${image.name}. Aqueduct operator images must be built FROM aqueducthq/function<py>, gpu_cuda<cuda>_py<py> or llm_cuda<cuda>_py<py>.`,
        range: from.nameRange,
        fixes: from.usesVariables
          ? []
          : suggestions.map((choice, index) => ({
              title: `Use aqueducthq/${choice.name}:${aqueduct.pinVersion} (${describeImage(choice)})`,
              edits: [replaceRange(range, `aqueducthq/${choice.name}:${aqueduct.pinVersion}`)],
              preferred: index === 0,
            })),
      });
    }
  }

  for (const stage of aqueduct.finalChain) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT') {
        context.report({
          ruleId: 'AQ001',
          message: `Aqueduct starts operator containers with the base image's start script; this ${instruction.keyword} would replace it and the operator would never run. Remove it.`,
          range: instruction.keywordRange,
          fixes: [{ title: `Remove this ${instruction.keyword}`, edits: [removeInstruction(model, instruction)], preferred: true }],
        });
      }
      const script = instruction.keyword === 'RUN' ? shellScriptOf(model, instruction) : undefined;
      if (!script) continue;
      for (const install of pipInstalls(script, true)) {
        for (const pkg of install.packages) {
          if (packageName(pkg.text) !== 'aqueduct-ml') continue;
          const others = install.packages.filter((other) => other !== pkg);
          context.report({
            ruleId: 'AQ007',
            message: 'The Aqueduct base image already has the aqueduct-ml SDK that matches the server; installing another version breaks the operator runtime.',
            range: pkg.range,
            fixes:
              others.length > 0 && pkg.range.start.line === pkg.range.end.line
                ? [{ title: 'Remove aqueduct-ml from this install', edits: [replaceRange({ start: { line: pkg.range.start.line, character: Math.max(0, pkg.range.start.character - 1) }, end: pkg.range.end }, '')], preferred: true }]
                : [],
          });
        }
      }
    }
  }
}

function checkGpuPip(context: RuleContext, stage: Stage): void {
  const root = rootStage(context.model, stage.index);
  const repository = root?.from.image ? aqueductRepositoryOf(root.from.image.name) : undefined;
  const image = repository ? findAqueductImage(repository) : undefined;
  if (!image || image.kind === 'cpu') return;
  const environment = condaEnvironment(image.python);
  for (const instruction of stage.instructions) {
    const script = instruction.keyword === 'RUN' ? shellScriptOf(context.model, instruction) : undefined;
    if (!script) continue;
    for (const install of pipInstalls(script, true)) {
      if (install.condaEnvironment !== undefined || /\/envs\/[^/]+\/bin\//.test(install.program.text)) continue;
      context.report({
        ruleId: 'AQ008',
        message: `On aqueducthq/${image.name}, Python ${image.python} lives in the conda environment ${environment}; plain pip installs elsewhere and the operator won't see the package. Use "conda run -n ${environment} pip install …".`,
        range: { start: install.program.range.start, end: install.installer.range.end },
        fixes: [{ title: `Run pip through conda run -n ${environment}`, edits: [insertAt(install.program.range.start, `conda run -n ${environment} `)], preferred: true }],
      });
    }
  }
}

export function checkAqueductRules(context: RuleContext): void {
  for (const stage of context.model.stages) checkBaseImage(context, stage.from);
  for (const stage of context.model.stages) checkGpuPip(context, stage);
  if (context.aqueduct.enabled) checkFinalImage(context);
}
