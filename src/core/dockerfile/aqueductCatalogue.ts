/**
 * What Aqueduct publishes as operator base images (hub.docker.com/u/aqueducthq) and which
 * server versions run custom images. From Aqueduct's releases: custom images work from 0.3.1 to
 * 0.3.6 (0.3.0 was withdrawn); the docs' `function<py>gpu` names only existed up to 0.2.5.
 */

export type PythonVersion = '3.7' | '3.8' | '3.9' | '3.10';
export type Cuda = '11.4.1' | '11.8.0';
export type ImageKind = 'cpu' | 'gpu' | 'llm';

export interface AqueductImage {
  /** Repository name under aqueducthq/, e.g. "gpu_cuda1180_py310". */
  name: string;
  kind: ImageKind;
  python: PythonVersion;
  cuda?: Cuda;
}

export const PYTHON_VERSIONS: readonly PythonVersion[] = ['3.7', '3.8', '3.9', '3.10'];
export const LLM_PYTHON_VERSIONS: readonly PythonVersion[] = ['3.8', '3.9', '3.10'];
export const CUDA_VERSIONS: readonly Cuda[] = ['11.4.1', '11.8.0'];
/** Releases whose servers run custom operator images, newest first. */
export const CUSTOM_IMAGE_VERSIONS: readonly string[] = ['0.3.6', '0.3.5', '0.3.4', '0.3.3', '0.3.2', '0.3.1'];
export const WITHDRAWN_VERSIONS: readonly string[] = ['0.3.0'];
export const LATEST_AQUEDUCT_VERSION = '0.3.6';
/** Last release that published the `function<py>gpu` images. */
export const LAST_LEGACY_GPU_VERSION = '0.2.5';


/** "3.10" -> "310". */
export function pythonDigits(python: PythonVersion): string {
  return python.replace('.', '');
}

/** "11.8.0" -> "1180". */
export function cudaDigits(cuda: Cuda): string {
  return cuda.replace(/\./g, '');
}

/** Conda environment that holds Python on GPU and LLM bases, e.g. "py310_env". */
export function condaEnvironment(python: PythonVersion): string {
  return `py${pythonDigits(python)}_env`;
}

function buildCatalogue(): AqueductImage[] {
  const images: AqueductImage[] = [];
  for (const python of PYTHON_VERSIONS) images.push({ name: `function${pythonDigits(python)}`, kind: 'cpu', python });
  for (const cuda of CUDA_VERSIONS) {
    for (const python of PYTHON_VERSIONS) images.push({ name: `gpu_cuda${cudaDigits(cuda)}_py${pythonDigits(python)}`, kind: 'gpu', python, cuda });
  }
  for (const cuda of CUDA_VERSIONS) {
    for (const python of LLM_PYTHON_VERSIONS) images.push({ name: `llm_cuda${cudaDigits(cuda)}_py${pythonDigits(python)}`, kind: 'llm', python, cuda });
  }
  return images;
}

export const AQUEDUCT_IMAGES: readonly AqueductImage[] = buildCatalogue();
const imagesByName = new Map(AQUEDUCT_IMAGES.map((image) => [image.name, image]));

export function findAqueductImage(name: string): AqueductImage | undefined {
  return imagesByName.get(name.toLowerCase());
}

export function aqueductImageFor(kind: ImageKind, python: PythonVersion, cuda?: Cuda): AqueductImage | undefined {
  return AQUEDUCT_IMAGES.find((image) => image.kind === kind && image.python === python && (kind === 'cpu' || image.cuda === cuda));
}

/**
 * Splits an image reference's name into the registry/mirror prefix and the aqueducthq
 * repository, when it is one. Mirrors count: an ECR pull-through cache serves
 * `<registry>/docker-hub/aqueducthq/function310`.
 */
export function aqueductRepositoryOf(imageName: string): string | undefined {
  const match = /(?:^|\/)aqueducthq\/([^/]+)$/i.exec(imageName);
  return match ? match[1] : undefined;
}

/** The legacy `function310gpu` name: its Python version, or undefined when the name is something else. */
export function legacyGpuPython(repository: string): PythonVersion | undefined {
  const match = /^function(3\d{1,2})gpu$/i.exec(repository);
  if (!match) return undefined;
  return PYTHON_VERSIONS.find((python) => pythonDigits(python) === match[1]);
}

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(text: string): ParsedVersion | undefined {
  const match = /^v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) } : undefined;
}

export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export type VersionSupport =
  | { kind: 'supported' }
  | { kind: 'withdrawn' }
  | { kind: 'too-old' }
  | { kind: 'unreleased' }
  | { kind: 'not-a-version' };

/** Whether an Aqueduct server of this version runs custom operator images. */
export function customImageSupport(version: string): VersionSupport {
  const parsed = parseVersion(version);
  if (!parsed) return { kind: 'not-a-version' };
  const canonical = `${parsed.major}.${parsed.minor}.${parsed.patch}`;
  if (WITHDRAWN_VERSIONS.includes(canonical)) return { kind: 'withdrawn' };
  if (CUSTOM_IMAGE_VERSIONS.includes(canonical)) return { kind: 'supported' };
  if (compareVersions(parsed, parseVersion(LATEST_AQUEDUCT_VERSION)!) > 0) return { kind: 'unreleased' };
  return { kind: 'too-old' };
}

/** A sentence explaining why a version can't be used for custom images, or undefined when it can. */
export function versionProblem(version: string): string | undefined {
  const support = customImageSupport(version);
  const range = `${CUSTOM_IMAGE_VERSIONS[CUSTOM_IMAGE_VERSIONS.length - 1]} to ${CUSTOM_IMAGE_VERSIONS[0]}`;
  switch (support.kind) {
    case 'supported':
      return undefined;
    case 'withdrawn':
      return `Aqueduct ${version} was withdrawn; custom operator images need a server from ${range}.`;
    case 'too-old':
      return `Aqueduct ${version} does not run custom operator images; they need a server from ${range}.`;
    case 'unreleased':
      return `Aqueduct ${version} is not a release ECR Workbench knows; custom operator images are known to work on ${range}.`;
    case 'not-a-version':
      return `"${version}" is not an Aqueduct version (expected something like ${LATEST_AQUEDUCT_VERSION}).`;
  }
}

export function describeImage(image: AqueductImage): string {
  switch (image.kind) {
    case 'cpu':
      return `CPU, Python ${image.python}`;
    case 'gpu':
      return `GPU, CUDA ${image.cuda}, Python ${image.python}`;
    case 'llm':
      return `LLM (GPU), CUDA ${image.cuda}, Python ${image.python}`;
  }
}

function guessPython(repository: string): string | undefined {
  const match = /(?:py|function)(3)(\d{1,2})/i.exec(repository);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

/**
 * Valid images to offer in place of an unknown or legacy name, best guess first: same kind
 * (CPU/GPU/LLM) and CUDA as the name suggests, nearest Python version.
 */
export function suggestAqueductImages(repository: string, limit = 4): AqueductImage[] {
  const lower = repository.toLowerCase();
  const kind: ImageKind = lower.includes('llm') ? 'llm' : lower.includes('gpu') || lower.includes('cuda') ? 'gpu' : 'cpu';
  const wantsCuda: Cuda | undefined = lower.includes('1141') || lower.includes('114') ? '11.4.1' : lower.includes('118') ? '11.8.0' : undefined;
  const wanted = guessPython(lower);
  const wantedNumber = wanted ? Number(wanted.split('.')[1]) : 10;
  const distance = (image: AqueductImage) => {
    const minor = Number(image.python.split('.')[1]);
    // An unsupported newer Python (3.11) maps to the newest we have; prefer newer on ties.
    return Math.abs(minor - Math.min(Math.max(wantedNumber, 7), 10)) * 2 + (minor < wantedNumber ? 1 : 0);
  };
  return AQUEDUCT_IMAGES.filter((image) => image.kind === kind)
    .map((image) => ({ image, score: distance(image) * 4 + (image.cuda && image.cuda !== (wantsCuda ?? '11.8.0') ? 1 : 0) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map((entry) => entry.image);
}
