import type { EcrErrorContext } from '../core/ecr/client';
import { classifyEcrError, type ClassifiedError, type EcrErrorAction } from '../core/ecr/errors';
import { errorMessage, errorName } from '../core/errors';
import type { SecretRedactor } from '../core/log';
import { RegistryError, type RegistryErrorCode } from '../core/registry/errors';

/**
 * How the reporter (report.ts) reads a failure: plain code, no `vscode`, so unit tests run it
 * (test/unit/vscode/failure.test.ts).
 */

/** A failure in the user's terms, secrets removed, with the action that fixes it when there is one. */
export interface Reported {
  message: string;
  detail: string;
  action?: EcrErrorAction;
}

/** ECR classifications that hold for any error, not only one from an ECR call (the credential chain, IAM, throttling). */
const AWS_KINDS = new Set<ClassifiedError['kind']>(['sso-expired', 'no-credentials', 'invalid-credentials', 'access-denied', 'throttled']);

const SELECT_PROFILE: EcrErrorAction = { kind: 'select-profile', title: 'Select profile…' };
const RETRY: EcrErrorAction = { kind: 'retry', title: 'Retry' };
/** What fixes a registry error, by the distribution spec's code (core/registry/errors.ts). */
const REGISTRY_ACTIONS: Partial<Record<RegistryErrorCode, EcrErrorAction>> = { UNAUTHORIZED: SELECT_PROFILE, DENIED: SELECT_PROFILE, TOOMANYREQUESTS: RETRY, UNAVAILABLE: RETRY, UNREACHABLE: RETRY };

/** An ECR (or AWS credential) error in the user's terms (core/ecr/errors.ts), secrets removed. */
export function classifyEcrFailure(error: unknown, redactor: SecretRedactor, context?: EcrErrorContext): ClassifiedError {
  const classified = classifyEcrError(error, context);
  return { ...classified, message: redactor.redact(classified.message), detail: redactor.redact(classified.detail) };
}

/**
 * Any thrown value (or a sentence) in the user's terms. `fromEcr` says the work was an ECR call on
 * a registry: then every ECR classification applies. Otherwise the error may not be ECR's (a file
 * that could not be written, a Docker Engine refusing the connection): only what is surely about AWS
 * credentials is classified, and the rest keeps its own words.
 */
export function describeFailure(error: unknown, redactor: SecretRedactor, context?: EcrErrorContext, fromEcr = false): Reported {
  const clean = (result: Reported): Reported => ({ ...result, message: redactor.redact(result.message), detail: redactor.redact(result.detail) });
  if (typeof error === 'string') return clean({ message: error, detail: '' });
  // Registry (OCI) errors say what happened already; a refused token is fixed by other credentials.
  if (error instanceof RegistryError) return clean({ message: error.message, detail: '', action: REGISTRY_ACTIONS[error.code] });
  // The Docker Engine's own errors say where it was looked for and what to do.
  const name = errorName(error);
  if (name === 'EngineUnreachableError' || name === 'RegistryUnavailableError') return clean({ message: errorMessage(error), detail: '' });
  const classified = classifyEcrFailure(error, redactor, context);
  if (!fromEcr && !AWS_KINDS.has(classified.kind)) return clean({ message: errorMessage(error), detail: '' });
  return classified;
}
