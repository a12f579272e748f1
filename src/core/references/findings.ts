import { repositoryNameProblem, tagProblem } from '../ecr/names';
import { isKnownRegion, nearestRegion } from '../ecr/regions';
import type { FoundReference, Span } from './recognise';

/**
 * What is wrong with a reference as written, before any registry is asked: the syntax checks of
 * the `ecr` diagnostics, as plain data on exact spans. Quick fixes are edits the VS Code layer
 * applies as they are.
 */
export type FindingCode = 'account-id' | 'service' | 'region' | 'repository-name' | 'tag' | 'digest';

export interface Finding {
  code: FindingCode;
  span: Span;
  message: string;
  fix?: { title: string; span: Span; newText: string };
}

/** ECR stores image digests as `sha256:` and 64 lower-case hex digits (the ECR API's `imageDigest`). */
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function referenceFindings(reference: FoundReference): Finding[] {
  const findings: Finding[] = [];
  const host = reference.host;
  if (host) {
    if (host.account.text.length !== 12) {
      findings.push({
        code: 'account-id',
        span: host.account.span,
        message: `An ECR registry host starts with the 12-digit AWS account id; "${host.account.text}" has ${host.account.text.length} digits.`,
      });
    }
    if (host.service.text !== 'dkr.ecr' && host.service.text !== 'dkr-ecr') {
      const newText = host.service.text.includes('-') ? 'dkr-ecr' : 'dkr.ecr';
      findings.push({
        code: 'service',
        span: host.service.span,
        message: `"${host.service.text}" is not ECR's registry host label: ECR hosts read <account>.${newText}.<region>.<domain>.`,
        fix: { title: `Change to "${newText}"`, span: host.service.span, newText },
      });
    }
    if (!isKnownRegion(host.region.text)) {
      const nearest = nearestRegion(host.region.text);
      findings.push({
        code: 'region',
        span: host.region.span,
        message: `"${host.region.text}" is not an AWS region${nearest ? `; did you mean "${nearest}"?` : '.'}`,
        fix: nearest ? { title: `Change to "${nearest}"`, span: host.region.span, newText: nearest } : undefined,
      });
    }
  }
  if (reference.repository) {
    const problem = repositoryNameProblem(reference.repository.text);
    if (problem) findings.push({ code: 'repository-name', span: reference.repository.span, message: problem });
  }
  if (reference.tag) {
    const problem = tagProblem(reference.tag.text);
    if (problem) findings.push({ code: 'tag', span: reference.tag.span.start === reference.tag.span.end ? widen(reference.tag.span) : reference.tag.span, message: problem });
  }
  if (reference.digest && !DIGEST.test(reference.digest.text)) {
    findings.push({
      code: 'digest',
      span: reference.digest.span.start === reference.digest.span.end ? widen(reference.digest.span) : reference.digest.span,
      message: `"${reference.digest.text}" is not an image digest: ECR digests are "sha256:" and 64 lower-case hex digits.`,
    });
  }
  return findings;
}

/** An empty part (`repo:` with nothing after it) is shown on its separator. */
function widen(span: Span): Span {
  return { start: span.start - 1, end: span.end };
}
