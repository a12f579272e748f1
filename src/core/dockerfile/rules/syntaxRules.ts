/**
 * Problems that make `docker build` refuse the file, reported so a broken file still gets
 * useful diagnostics while it is being typed.
 */
import type { InstructionInfo } from '../parse';
import { replaceRange, spanOf } from './edits';
import { editDistance } from '../../editDistance';
import type { RuleContext, RuleInfo } from './types';

export const SYNTAX_RULES: RuleInfo[] = [
  { id: 'DF001', group: 'syntax', defaultSeverity: 'error', title: 'Unknown instruction' },
  { id: 'DF002', group: 'syntax', defaultSeverity: 'error', title: 'Instruction without its required arguments' },
  { id: 'DF003', group: 'syntax', defaultSeverity: 'error', title: 'Unknown flag for this instruction' },
  { id: 'DF004', group: 'syntax', defaultSeverity: 'error', title: 'Flag without a value' },
  { id: 'DF005', group: 'syntax', defaultSeverity: 'error', title: 'Only ARG may come before the first FROM' },
  { id: 'DF006', group: 'syntax', defaultSeverity: 'error', title: 'Heredoc never closed' },
  { id: 'DF007', group: 'syntax', defaultSeverity: 'error', title: 'FROM takes an image and optionally "AS <name>"' },
];

export const KEYWORDS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
];
const KNOWN = new Set(KEYWORDS);

/** Flags each instruction accepts, and whether the flag needs a value. */
const FLAGS: Record<string, Record<string, boolean>> = {
  FROM: { platform: true },
  RUN: { mount: true, network: true, security: true },
  COPY: { from: true, chown: true, chmod: true, link: false, parents: false, exclude: true },
  ADD: { chown: true, chmod: true, link: false, checksum: true, 'keep-git-dir': false, exclude: true, unpack: false },
  HEALTHCHECK: { interval: true, timeout: true, 'start-period': true, 'start-interval': true, retries: true },
};

/** The keyword a typo most likely meant ("FRM" -> "FROM"), if one is close. */
export function closestKeyword(word: string): string | undefined {
  if (word.length < 2 || word.length > 14) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const keyword of KEYWORDS) {
    const distance = editDistance(word.toUpperCase(), keyword);
    if (distance < bestDistance) {
      best = keyword;
      bestDistance = distance;
    }
  }
  return bestDistance <= (word.length >= 7 ? 2 : 1) ? best : undefined;
}

function printable(keyword: string): string {
  return keyword.length > 40 ? `${keyword.slice(0, 40)}…` : keyword;
}

function checkInstruction(context: RuleContext, instruction: InstructionInfo, seenFrom: boolean): void {
  const { keyword } = instruction;
  if (!KNOWN.has(keyword)) {
    const suggestion = closestKeyword(keyword);
    context.report({
      ruleId: 'DF001',
      message: `Unknown instruction "${printable(keyword)}"${suggestion ? `; did you mean ${suggestion}?` : '.'} Docker refuses to build this file.`,
      range: instruction.keywordRange,
      fixes: suggestion ? [{ title: `Change to ${suggestion}`, edits: [replaceRange(instruction.keywordRange, suggestion)], preferred: true }] : [],
    });
    return;
  }
  if (!seenFrom && keyword !== 'ARG' && keyword !== 'FROM') {
    context.report({ ruleId: 'DF005', message: `${keyword} comes before the first FROM; only ARG may. Docker refuses to build this file.`, range: instruction.keywordRange });
  }
  if (instruction.args.length === 0 && instruction.rawArgs.length === 0) {
    context.report({ ruleId: 'DF002', message: `${keyword} needs arguments.`, range: instruction.keywordRange });
  } else if (instruction.args.length === 0 && keyword === 'FROM') {
    context.report({ ruleId: 'DF002', message: 'FROM needs an image.', range: instruction.keywordRange });
  }
  const accepted = FLAGS[keyword];
  if (accepted) {
    for (const flag of instruction.flags) {
      const needsValue = accepted[flag.name];
      if (needsValue === undefined) {
        const known = Object.keys(accepted).map((name) => `--${name}`).join(', ');
        context.report({ ruleId: 'DF003', message: `Unknown flag --${printable(flag.name)} for ${keyword}; it accepts ${known}.`, range: flag.nameRange });
      } else if (needsValue && (flag.value === null || flag.value === '')) {
        context.report({ ruleId: 'DF004', message: `--${flag.name} needs a value: --${flag.name}=<value>.`, range: flag.range });
      }
    }
  }
  for (const heredoc of instruction.heredocs) {
    if (!heredoc.closed) {
      context.report({ ruleId: 'DF006', message: `The heredoc <<${printable(heredoc.name)} is never closed: add a line with just ${printable(heredoc.name)}.`, range: heredoc.startRange });
    }
  }
  if (keyword === 'FROM' && instruction.args.length > 1) {
    const args = instruction.args;
    const wellFormed = args.length === 3 && args[1].value.toUpperCase() === 'AS';
    if (!wellFormed) {
      context.report({ ruleId: 'DF007', message: 'FROM takes an image and optionally "AS <stage name>".', range: spanOf(args.slice(1)) });
    }
  }
}

export function checkSyntax(context: RuleContext): void {
  let seenFrom = false;
  for (const instruction of context.model.instructions) {
    checkInstruction(context, instruction, seenFrom);
    if (instruction.keyword === 'FROM') seenFrom = true;
  }
}
