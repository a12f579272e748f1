/**
 * Dockerfile and .dockerignore templates for Aqueduct custom operator images: the right base
 * for the Python version, CPU/GPU/LLM variant and Aqueduct version, requirements installed the
 * way that base needs, and short comments on the rules Aqueduct imposes.
 */
import {
  aqueductImageFor,
  condaEnvironment,
  customImageSupport,
  describeImage,
  parseVersion,
  versionProblem,
  LLM_PYTHON_VERSIONS,
  PYTHON_VERSIONS,
  type AqueductImage,
  type Cuda,
  type ImageKind,
  type PythonVersion,
} from './aqueductCatalogue';

export type ScaffoldVariant = 'cpu' | 'gpu-cuda1141' | 'gpu-cuda1180' | 'llm-cuda1141' | 'llm-cuda1180';

export interface ScaffoldVariantInfo {
  id: ScaffoldVariant;
  label: string;
  description: string;
  kind: ImageKind;
  cuda?: Cuda;
}

export const SCAFFOLD_VARIANTS: readonly ScaffoldVariantInfo[] = [
  { id: 'cpu', label: 'CPU', description: 'aqueducthq/function<py>', kind: 'cpu' },
  { id: 'gpu-cuda1141', label: 'GPU, CUDA 11.4.1', description: 'aqueducthq/gpu_cuda1141_py<py>', kind: 'gpu', cuda: '11.4.1' },
  { id: 'gpu-cuda1180', label: 'GPU, CUDA 11.8.0', description: 'aqueducthq/gpu_cuda1180_py<py>', kind: 'gpu', cuda: '11.8.0' },
  { id: 'llm-cuda1141', label: 'LLM, CUDA 11.4.1', description: 'aqueducthq/llm_cuda1141_py<py> (Python 3.8-3.10)', kind: 'llm', cuda: '11.4.1' },
  { id: 'llm-cuda1180', label: 'LLM, CUDA 11.8.0', description: 'aqueducthq/llm_cuda1180_py<py> (Python 3.8-3.10)', kind: 'llm', cuda: '11.8.0' },
];

export interface ScaffoldRequest {
  python: string;
  variant: string;
  version: string;
}

export interface ValidScaffoldRequest {
  python: PythonVersion;
  variant: ScaffoldVariantInfo;
  version: string;
  image: AqueductImage;
}

/** Accepts the ids above plus the obvious short forms ("gpu", "llm", "GPU CUDA 11.8.0"). */
export function normalizeVariant(text: string): ScaffoldVariant | undefined {
  const compact = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (compact === 'cpu') return 'cpu';
  const kind = compact.startsWith('gpu') ? 'gpu' : compact.startsWith('llm') ? 'llm' : undefined;
  if (!kind) return undefined;
  const rest = compact.slice(3).replace(/^cuda/, '');
  if (rest === '' ) return `${kind}-cuda1180`;
  if (rest === '1141' || rest === '1141' || rest === '114') return `${kind}-cuda1141`;
  if (rest === '1180' || rest === '118') return `${kind}-cuda1180`;
  return undefined;
}

export function normalizePython(text: string): PythonVersion | undefined {
  const trimmed = text.trim().replace(/^python\s*/i, '').replace(/^py/i, '');
  const dotted = /^3\d+$/.test(trimmed) ? `3.${trimmed.slice(1)}` : trimmed;
  return PYTHON_VERSIONS.find((python) => python === dotted);
}

/** The message to show for a typed Aqueduct version, or undefined when it can be used. */
export function validateAqueductVersion(text: string): string | undefined {
  const version = text.trim();
  if (!parseVersion(version)) return `"${version}" is not a version; type it like 0.3.6.`;
  const support = customImageSupport(version);
  // A newer release than we know may well work; the linter says so, the scaffold lets it through.
  if (support.kind === 'supported' || support.kind === 'unreleased') return undefined;
  return versionProblem(version);
}

export function validateScaffoldRequest(request: ScaffoldRequest): { ok: true; value: ValidScaffoldRequest } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const python = normalizePython(String(request.python ?? ''));
  if (!python) problems.push(`Python "${request.python}" has no Aqueduct base image; choose 3.7, 3.8, 3.9 or 3.10.`);
  const variantId = normalizeVariant(String(request.variant ?? ''));
  const variant = SCAFFOLD_VARIANTS.find((candidate) => candidate.id === variantId);
  if (!variant) problems.push(`"${request.variant}" is not a base image variant; choose one of ${SCAFFOLD_VARIANTS.map((v) => v.id).join(', ')}.`);
  const version = String(request.version ?? '').trim().replace(/^v/, '');
  const versionMessage = validateAqueductVersion(version);
  if (versionMessage) problems.push(versionMessage);
  if (python && variant?.kind === 'llm' && !LLM_PYTHON_VERSIONS.includes(python)) {
    problems.push(`Aqueduct's LLM images exist for Python 3.8, 3.9 and 3.10, not ${python}.`);
  }
  if (problems.length > 0 || !python || !variant) return { ok: false, problems };
  const image = aqueductImageFor(variant.kind, python, variant.cuda);
  if (!image) return { ok: false, problems: [`Aqueduct publishes no ${variant.label} image for Python ${python}.`] };
  return { ok: true, value: { python, variant, version, image } };
}

export interface ScaffoldFiles {
  /** The base image reference, e.g. "aqueducthq/gpu_cuda1180_py310:0.3.6". */
  baseImage: string;
  dockerfile: string;
  dockerignore: string;
  /** A starter requirements.txt, written only when the folder has none. */
  requirements: string;
}

export function scaffoldAqueductDockerfile(request: ValidScaffoldRequest): ScaffoldFiles {
  const { image, version, python } = request;
  const baseImage = `aqueducthq/${image.name}:${version}`;
  const gpu = image.kind !== 'cpu';
  const pip = gpu ? `conda run -n ${condaEnvironment(python)} pip` : 'pip';
  const lines = [
    `# Custom operator image for Aqueduct ${version}: ${describeImage(image)}.`,
    '# Aqueduct runs a custom image only when its base tag equals the Aqueduct server version;',
    '# change the tag below when you upgrade the server.',
    `FROM ${baseImage}`,
    '',
    ...(gpu
      ? [
          `# On GPU bases Python ${python} lives in the conda environment ${condaEnvironment(python)}:`,
          '# install through "conda run" so the operator sees the packages.',
        ]
      : []),
    '# Pin versions in requirements.txt so rebuilds are repeatable. Do not add aqueduct-ml:',
    '# the base image already has the SDK that matches the server.',
    'COPY requirements.txt /tmp/requirements.txt',
    `RUN ${pip} install --no-cache-dir -r /tmp/requirements.txt`,
    '',
    '# System packages, if you need any:',
    '# RUN apt-get update \\',
    '#     && apt-get install -y --no-install-recommends <package>=<version> \\',
    '#     && rm -rf /var/lib/apt/lists/*',
    '',
    "# No ENTRYPOINT or CMD: Aqueduct starts the container with the base image's start script,",
    '# which loads and runs your operator. Setting either would replace that script.',
    '',
  ];
  const dockerignore = [
    '# Keeps the build context small and secrets out of the image.',
    '.git',
    '.venv',
    'venv',
    '__pycache__/',
    '*.pyc',
    '.ipynb_checkpoints/',
    '.env',
    '.aws/',
    '*.pem',
    '.DS_Store',
    '',
  ].join('\n');
  const requirements = [
    '# Python packages your operator needs, pinned (e.g. pandas==1.5.3).',
    '# aqueduct-ml is already in the base image; do not list it here.',
    '',
  ].join('\n');
  return { baseImage, dockerfile: lines.join('\n'), dockerignore, requirements };
}
