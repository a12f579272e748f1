/**
 * Pull-through cache while writing a Dockerfile: a quick fix rewrites `FROM python:3.11` (or any
 * upstream image a rule covers) to the registry's pull-through URI, and the hover on the image says
 * which rule would serve it. Rules come from the explorer, listed once per registry: typing never
 * calls ECR.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { ExplorerApi } from '../explorer/api';
import type { Logger } from '../../core/log';
import type { FromRewrite } from '../../core/dockerfile/pullThroughRewrite';

const FROM_LINE = /^\s*FROM\s/i;

interface RegistryRewrites {
  label: string;
  edits: FromRewrite[];
}

class PullThroughRewrites {
  constructor(
    private readonly explorer: ExplorerApi,
    private readonly log: Logger,
  ) {}

  /** Every registry's rewrites of the document, or nothing when no line could use one (no ECR call then). */
  async of(document: vscode.TextDocument, lines: number[]): Promise<RegistryRewrites[]> {
    const { parseUpstreamImage } = await import('../../core/ecr/pullThroughCache');
    const upstream = lines.some((line) => {
      const text = document.lineAt(line).text;
      const image = /^\s*FROM\s+(?:--\S+\s+)*(\S+)/i.exec(text)?.[1];
      return FROM_LINE.test(text) && image !== undefined && parseUpstreamImage(image) !== undefined;
    });
    if (!upstream) return [];
    const { pullThroughRewrites } = await import('../../core/dockerfile/pullThroughRewrite');
    let registries: Awaited<ReturnType<ExplorerApi['pullThroughRules']>>;
    try {
      registries = await this.explorer.pullThroughRules();
    } catch (error) {
      this.log.debug(`no pull-through cache rules for the FROM quick fix: ${errorMessage(error)}`);
      return [];
    }
    const text = document.getText();
    return registries
      .map((registry) => ({ label: registry.label, edits: registry.rules.length ? pullThroughRewrites(text, registry.rules, registry.registryHost) : [] }))
      .filter((registry) => registry.edits.length > 0);
  }
}

const rangeOf = (edit: FromRewrite) => new vscode.Range(edit.line, edit.start, edit.line, edit.end);

export class PullThroughCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly rewrites: PullThroughRewrites;

  constructor(explorer: ExplorerApi, log: Logger) {
    this.rewrites = new PullThroughRewrites(explorer, log);
  }

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
    const lines = Array.from({ length: range.end.line - range.start.line + 1 }, (_, index) => range.start.line + index);
    const registries = await this.rewrites.of(document, lines);
    const actions: vscode.CodeAction[] = [];
    for (const registry of registries) {
      const where = registries.length > 1 ? ` (${registry.label})` : '';
      const here = registry.edits.filter((candidate) => lines.includes(candidate.line));
      for (const edit of here) {
        const action = new vscode.CodeAction(`Pull ${edit.image} through the ECR pull-through cache${where}: ${edit.replacement}`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, rangeOf(edit), edit.replacement);
        action.isPreferred = registries.length === 1;
        actions.push(action);
      }
      if (registry.edits.length > 1 && here.length > 0) {
        const all = new vscode.CodeAction(`Pull all ${registry.edits.length} upstream FROM images through the ECR pull-through cache${where}`, vscode.CodeActionKind.QuickFix);
        all.edit = new vscode.WorkspaceEdit();
        for (const edit of registry.edits) all.edit.replace(document.uri, rangeOf(edit), edit.replacement);
        actions.push(all);
      }
    }
    return actions;
  }
}

export class PullThroughHover implements vscode.HoverProvider {
  private readonly rewrites: PullThroughRewrites;

  constructor(explorer: ExplorerApi, log: Logger) {
    this.rewrites = new PullThroughRewrites(explorer, log);
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!FROM_LINE.test(document.lineAt(position.line).text)) return undefined;
    const registries = await this.rewrites.of(document, [position.line]);
    const lines: string[] = [];
    let range: vscode.Range | undefined;
    for (const registry of registries) {
      const edit = registry.edits.find((candidate) => candidate.line === position.line && candidate.start <= position.character && position.character <= candidate.end);
      if (!edit) continue;
      range = rangeOf(edit);
      lines.push(`${edit.description} in ${registry.label}: \`${edit.replacement}\``);
    }
    if (!range) return undefined;
    return new vscode.Hover(new vscode.MarkdownString([...lines, 'The quick fix (Ctrl+.) rewrites the FROM to pull through it.'].join('\n\n')), range);
  }
}
