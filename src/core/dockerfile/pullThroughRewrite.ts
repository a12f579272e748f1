/**
 * The pure FROM rewrite for pull-through cache: `FROM python:3.11` becomes
 * `FROM <registry>/docker-hub/library/python:3.11` when the registry has a rule for Docker Hub under
 * the prefix docker-hub. Flags (--platform=…), the tag or digest and `AS name` are kept; stage names,
 * variables, scratch and images already in the registry are left alone. Text in, edits out: the
 * quick fix and the hover of the VS Code layer apply and show them.
 */
import { describeServingRule, parseUpstreamImage, ruleForImage, type PullThroughRule } from '../ecr/pullThroughCache';

export interface FromRewrite {
  /** 0-based line of the FROM instruction, and the image token's columns on it. */
  line: number;
  start: number;
  end: number;
  /** The image as written, and what it becomes. */
  image: string;
  replacement: string;
  rule: PullThroughRule;
  /** The ECR repository the image is cached in, e.g. docker-hub/library/python. */
  repository: string;
  /** For a hover: which rule serves it. */
  description: string;
}

/** The reference in the registry that serves `image` through a rule, or undefined when no rule does. */
export function pullThroughReference(image: string, rules: PullThroughRule[], registryHost: string): { reference: string; rule: PullThroughRule; repository: string } | undefined {
  const parsed = parseUpstreamImage(image);
  if (!parsed || parsed.registryUrl === registryHost.toLowerCase()) return undefined;
  const match = ruleForImage(parsed, rules);
  if (!match) return undefined;
  const suffix = `${parsed.tag !== undefined ? `:${parsed.tag}` : ''}${parsed.digest !== undefined ? `@${parsed.digest}` : ''}`;
  return { reference: `${registryHost}/${match.repository}${suffix}`, rule: match.rule, repository: match.repository };
}

const FROM_LINE = /^(\s*FROM\s+)((?:--[A-Za-z-]+(?:=\S*)?\s+)*)(\S+)(.*)$/i;

/** Every FROM of the Dockerfile text that a rule of this registry could serve, as edits. */
export function pullThroughRewrites(text: string, rules: PullThroughRule[], registryHost: string): FromRewrite[] {
  const edits: FromRewrite[] = [];
  const stages = new Set<string>();
  text.split(/\r?\n/).forEach((content, line) => {
    const match = FROM_LINE.exec(content);
    if (!match) return;
    const [, keyword, flags, image, rest] = match;
    const stage = /^\s+AS\s+(\S+)/i.exec(rest)?.[1];
    const isStageReference = stages.has(image.toLowerCase());
    if (stage) stages.add(stage.toLowerCase());
    if (isStageReference) return;
    const target = pullThroughReference(image, rules, registryHost);
    if (!target) return;
    const start = keyword.length + flags.length;
    edits.push({
      line,
      start,
      end: start + image.length,
      image,
      replacement: target.reference,
      rule: target.rule,
      repository: target.repository,
      description: describeServingRule(target),
    });
  });
  return edits;
}

/** The text with every rewrite applied (for a "rewrite all FROMs" action and for tests). */
export function applyRewrites(text: string, edits: FromRewrite[]): string {
  const lines = text.split(/(\r?\n)/);
  for (const edit of [...edits].sort((a, b) => b.line - a.line || b.start - a.start)) {
    const index = edit.line * 2;
    lines[index] = `${lines[index].slice(0, edit.start)}${edit.replacement}${lines[index].slice(edit.end)}`;
  }
  return lines.join('');
}
