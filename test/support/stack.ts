/**
 * How integration tests find the real test stack (started by `test/stack/stack.mjs up`, which
 * `npm test` runs). Each part is announced through an environment variable; a test file asks for
 * the parts it needs. Missing parts skip the file on a developer's machine and fail it when
 * CI=true: CI never passes by silently skipping.
 */
export type StackPart = 'moto' | 'registry' | 'docker' | 'remote-engines';

export interface StackEnv {
  /**
   * ECR API: the ECR front (test/stack/ecrFront.ts) before moto, which pages like ECR and joins moto
   * to the registry, e.g. http://127.0.0.1:41001
   */
  ecrEndpoint: string;
  /** moto itself, unpaged and unjoined: for tests that start a front of their own (faults, call records). */
  motoUrl: string;
  /** Registry host:port (CNCF distribution, htpasswd user AWS / moto's token password) */
  registryHost: string;
  /** Docker Engine, e.g. unix:///…/docker.sock */
  dockerHost: string;
  /** Remote engines (test/stack/remoteEngines.mjs, started only when asked): the TLS engine's tcp:// address… */
  remoteTlsHost: string;
  /** …a DOCKER_CERT_PATH folder for it, one from another CA, */
  remoteTlsCerts: string;
  remoteTlsWrongCerts: string;
  /** …ssh://root@127.0.0.1:<port> reaching the same engine, a HOME whose ~/.ssh key it accepts, and the engine's own socket. */
  remoteSshHost: string;
  remoteSshHome: string;
  remoteSocket: string;
}

const VARIABLES: Record<StackPart, keyof StackEnv> = {
  moto: 'ecrEndpoint',
  registry: 'registryHost',
  docker: 'dockerHost',
  'remote-engines': 'remoteTlsHost',
};

const ENV_NAMES: Record<StackPart, string> = {
  moto: 'ECR_WB_ECR_ENDPOINT and ECR_WB_MOTO',
  registry: 'ECR_WB_REGISTRY',
  docker: 'DOCKER_HOST',
  'remote-engines': 'ECR_WB_REMOTE_TLS_HOST (node test/stack/stack.mjs up remote-engines)',
};

export function readStackEnv(): Partial<StackEnv> {
  return {
    ecrEndpoint: process.env.ECR_WB_ECR_ENDPOINT || undefined,
    motoUrl: process.env.ECR_WB_MOTO || undefined,
    registryHost: process.env.ECR_WB_REGISTRY || undefined,
    dockerHost: process.env.DOCKER_HOST || undefined,
    remoteTlsHost: process.env.ECR_WB_REMOTE_TLS_HOST || undefined,
    remoteTlsCerts: process.env.ECR_WB_REMOTE_TLS_CERTS || undefined,
    remoteTlsWrongCerts: process.env.ECR_WB_REMOTE_TLS_WRONG_CERTS || undefined,
    remoteSshHost: process.env.ECR_WB_REMOTE_SSH_HOST || undefined,
    remoteSshHome: process.env.ECR_WB_REMOTE_SSH_HOME || undefined,
    remoteSocket: process.env.ECR_WB_REMOTE_SOCKET || undefined,
  };
}

/**
 * Returns the stack and `skip: false`, or, when a part is missing, a skip reason; with CI=true a
 * missing part throws, so the test file fails loudly.
 */
export function stackFor(...parts: StackPart[]): { env: StackEnv; skip: string | false } {
  const env = readStackEnv();
  const missing = parts.filter((part) => !env[VARIABLES[part]] || (part === 'moto' && !env.motoUrl));
  if (missing.length === 0) {
    return { env: env as StackEnv, skip: false };
  }
  const reason = `test stack part(s) not running: ${missing
    .map((part) => `${part} (${ENV_NAMES[part]} unset)`)
    .join(', ')}; run through \`npm test\`, which starts them`;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and ${reason}`);
  }
  return { env: env as StackEnv, skip: reason };
}

/** Clears all state in the moto server between tests. */
export async function resetMoto(ecrEndpoint: string): Promise<void> {
  const response = await fetch(new URL('/moto-api/reset', ecrEndpoint), { method: 'POST' });
  if (!response.ok) {
    throw new Error(`moto reset failed: HTTP ${response.status}`);
  }
}

/** Credentials any moto server accepts (account 123456789012). */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIDMOTOTESTING00000', secretAccessKey: 'moto-secret-not-real' };
export const MOTO_ACCOUNT = '123456789012';
/** The password inside moto's GetAuthorizationToken (base64 of AWS:<this>). */
export const MOTO_REGISTRY_PASSWORD = '123456789012-auth-token';

/**
 * moto's documented hook for custom scan findings: DescribeImageScanFindings for exactly this
 * image id (tag or digest, as given) answers with them once the image has been scanned.
 */
export async function registerMotoScanFindings(
  ecrEndpoint: string,
  repositoryName: string,
  imageId: { imageTag?: string; imageDigest?: string },
  imageScanFindings: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(new URL('/moto-api/static/ecr/scan-finding-results', ecrEndpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      region: 'us-east-1',
      results: [
        {
          registryId: '123456789012',
          repositoryName,
          imageId,
          imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
          imageScanFindings,
        },
      ],
    }),
  });
  if (response.status !== 201) throw new Error(`moto refused the scan findings: HTTP ${response.status} ${await response.text()}`);
}

/**
 * Polls the ECR API (through the ECR front) until `repositoryName:tag` names `digest`: the front
 * registers a push when the registry's notification arrives, a moment after the push returns.
 */
export async function untilListed(
  client: import('@aws-sdk/client-ecr').ECRClient,
  repositoryName: string,
  tag: string,
  digest?: string,
  timeoutMs = 20_000,
): Promise<import('@aws-sdk/client-ecr').ImageDetail> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const [detail] = (await client.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }))).imageDetails ?? [];
      if (detail && (!digest || detail.imageDigest === digest)) return detail;
      last = detail ? `listed with ${detail.imageDigest}` : 'not listed';
    } catch (error) {
      last = String((error as Error).name ?? error);
    }
    if (Date.now() > deadline) throw new Error(`${repositoryName}:${tag}${digest ? ` (${digest})` : ''} was not listed by the ECR API within ${timeoutMs / 1000} s (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
