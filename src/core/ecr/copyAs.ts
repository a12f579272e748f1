/**
 * "Copy as…": the exact snippet each ML platform or deployment tool takes to use an ECR repository
 * or image. Pure string building from what the tree already knows; no AWS calls.
 */
import { imageUriByDigest, imageUriByTag, repositoryUri } from './links';
import { repositoryNameProblem } from './names';

/** What a snippet is built from. `registryHost` already honours any registry-host override. */
export interface CopyAsTarget {
  registryHost: string;
  region: string;
  accountId?: string;
  repository: string;
  /** Set when copying an image: the tag of the node, else the image is referenced by digest. */
  tag?: string;
  digest?: string;
  /** AWS profile of the registry's connection ('default' or empty: the default chain). */
  profile?: string;
  /** Credentials file used with the profile (Aqueduct's config_file_path). */
  credentialsFile?: string;
  /** The name the Aqueduct / ZenML resource is registered under. */
  resourceName: string;
}

export type CopyAsFormat =
  | 'aqueduct-image'
  | 'aqueduct-connect'
  | 'flyte-imagespec'
  | 'zenml-register'
  | 'pulumi-typescript'
  | 'kubernetes'
  | 'ecs'
  | 'docker-login';

export interface CopyAsSnippet {
  format: CopyAsFormat;
  /** Quick pick label, e.g. "Aqueduct: resource image". */
  title: string;
  text: string;
  /** Something the user should know before pasting it (shown next to the choice). */
  note?: string;
}

const isImage = (target: CopyAsTarget) => Boolean(target.tag || target.digest);
const pyString = (value: string) => JSON.stringify(value);

/** The image reference: by tag when the node has one, else by digest. */
export function imageReference(target: CopyAsTarget): string {
  const at = { registryHost: target.registryHost, repository: target.repository };
  if (target.tag) return imageUriByTag(at, target.tag);
  if (target.digest) return imageUriByDigest(at, target.digest);
  return repositoryUri(at);
}

const profileOf = (target: CopyAsTarget) => (target.profile && target.profile !== 'default' ? target.profile : undefined);

/** Why Aqueduct's image() would not find this image under the name it takes, and what to do instead. */
export interface AqueductReferenceProblem {
  problem: string;
  fix: string;
}

/**
 * What Aqueduct's `image("<repository>:<tag>")` would fail on for this image; undefined when it
 * would find it. Copy As warns with this and Check Image fails on it, so the two agree.
 */
export function aqueductReferenceProblem(target: { repository: string; tag?: string; digest?: string }): AqueductReferenceProblem | undefined {
  const tag = target.tag ?? 'latest';
  const segments = target.repository.split('/');
  if (segments.length === 2) {
    // image() reads "a/b:tag" as "<registry>/<repository>:tag" and looks up "b:tag".
    const flat = segments.join('-');
    const renamed = repositoryNameProblem(flat) === undefined ? flat : segments[1];
    return {
      problem: `Aqueduct's image() drops everything before a single "/": it would look up "${segments[1]}:${tag}", not "${target.repository}:${tag}".`,
      fix: `Push the image to a repository without "/" in this registry (the account and region the Aqueduct ECR resource connects to), for example "${renamed}", and use image("${renamed}:${tag}").`,
    };
  }
  if (!target.tag && target.digest) {
    return {
      problem: `Aqueduct's image() takes images by tag only: this untagged image would be looked up as "${target.repository}:latest", which is another image or none.`,
      fix: `Push it again with a tag (for example its version) and use image("${target.repository}:<tag>").`,
    };
  }
  return undefined;
}

function aqueductImage(target: CopyAsTarget): CopyAsSnippet {
  // Aqueduct's image() takes "<repository>:<tag>" without the registry host; it has no digest form.
  const name = `${target.repository}:${target.tag ?? 'latest'}`;
  const problem = aqueductReferenceProblem(target);
  return {
    format: 'aqueduct-image',
    title: 'Aqueduct: operator image',
    text: `client.resource(${pyString(target.resourceName)}).image(${pyString(name)})`,
    note: problem ? `${problem.problem} ${problem.fix}` : undefined,
  };
}

function aqueductConnect(target: CopyAsTarget): CopyAsSnippet {
  const profile = target.profile || 'default';
  const viaFile = Boolean(target.credentialsFile || target.profile);
  // Never a secret: typed keys stay in SecretStorage, so the access-key form carries placeholders.
  const config = viaFile
    ? [
        `        "type": "config_file_path",`,
        `        "config_file_path": ${pyString(target.credentialsFile || '~/.aws/credentials')},`,
        `        "config_file_profile": ${pyString(profile)},`,
        `        "region": ${pyString(target.region)},`,
      ]
    : [
        `        "type": "access_key",`,
        `        "access_key_id": "<access key id>",`,
        `        "secret_access_key": "<secret access key>",`,
        `        "region": ${pyString(target.region)},`,
      ];
  return {
    format: 'aqueduct-connect',
    title: 'Aqueduct: connect_resource (ECR)',
    text: [`client.connect_resource(`, `    ${pyString(target.resourceName)},`, `    service="ECR",`, `    config={`, ...config, `    },`, `)`].join('\n'),
    note: viaFile ? undefined : 'Fill in the access keys; they are never copied.',
  };
}

function flyteImageSpec(target: CopyAsTarget): CopyAsSnippet {
  const lines = [`ImageSpec(`, `    registry=${pyString(target.registryHost)},`, `    name=${pyString(target.repository)},`];
  if (isImage(target)) lines.push(`    base_image=${pyString(imageReference(target))},`);
  lines.push(`)`);
  return { format: 'flyte-imagespec', title: 'Flyte / Union: ImageSpec', text: lines.join('\n') };
}

function zenmlRegister(target: CopyAsTarget): CopyAsSnippet {
  return {
    format: 'zenml-register',
    title: 'ZenML: register container registry',
    // ZenML's AWS flavor takes the registry URI only; repositories are named per pipeline.
    text: `zenml container-registry register ${target.resourceName} --flavor=aws --uri=${target.registryHost}`,
  };
}

function pulumiTypeScript(target: CopyAsTarget): CopyAsSnippet {
  const common = [
    target.accountId ? `    registryId: ${pyString(target.accountId)},` : undefined,
    `    region: ${pyString(target.region)},`,
  ].filter(Boolean);
  const lines = isImage(target)
    ? [
        `const image = aws.ecr.getImageOutput({`,
        `    repositoryName: ${pyString(target.repository)},`,
        target.tag ? `    imageTag: ${pyString(target.tag)},` : `    imageDigest: ${pyString(target.digest ?? '')},`,
        ...common,
        `});`,
        `export const imageUri = image.imageUri;`,
      ]
    : [`const repository = aws.ecr.getRepositoryOutput({`, `    name: ${pyString(target.repository)},`, ...common, `});`, `export const repositoryUrl = repository.repositoryUrl;`];
  return {
    format: 'pulumi-typescript',
    title: isImage(target) ? 'Pulumi (TypeScript): image reference' : 'Pulumi (TypeScript): repository reference',
    text: [`import * as aws from "@pulumi/aws";`, ``, ...lines].join('\n'),
    note: 'The region argument needs @pulumi/aws 7 or later.',
  };
}

function kubernetes(target: CopyAsTarget): CopyAsSnippet {
  return { format: 'kubernetes', title: 'Kubernetes: container image field', text: `image: ${imageReference(target)}` };
}

function ecs(target: CopyAsTarget): CopyAsSnippet {
  return { format: 'ecs', title: 'ECS: container definition image field', text: `"image": ${JSON.stringify(imageReference(target))}` };
}

function dockerLogin(target: CopyAsTarget): CopyAsSnippet {
  const profile = profileOf(target);
  return {
    format: 'docker-login',
    title: 'docker login (AWS CLI one-liner)',
    text: `aws ecr get-login-password --region ${target.region}${profile ? ` --profile ${profile}` : ''} | docker login --username AWS --password-stdin ${target.registryHost}`,
  };
}

/** Every snippet for a repository (no tag/digest) or an image, in the order the quick pick shows them. */
export function copyAsSnippets(target: CopyAsTarget): CopyAsSnippet[] {
  return [aqueductImage, aqueductConnect, flyteImageSpec, zenmlRegister, pulumiTypeScript, kubernetes, ecs, dockerLogin].map((build) => build(target));
}

export function copyAsSnippet(target: CopyAsTarget, format: CopyAsFormat): CopyAsSnippet {
  const snippet = copyAsSnippets(target).find((candidate) => candidate.format === format);
  if (!snippet) throw new Error(`Unknown "Copy as" format "${format}".`);
  return snippet;
}

/** A resource name the platforms accept (letters, digits, "_"), derived from the registry's label. */
export function resourceNameFor(label: string, region: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug ? `ecr_${slug}`.replace(/^ecr_ecr/, 'ecr') : `ecr_${region.replace(/-/g, '_')}`;
}
