/** Quick fixes, hover and FROM completion for Dockerfiles, over the last lint of the buffer. */
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { ExplorerApi } from '../explorer/api';
import type { Logger } from '../../core/log';
import type { LintDiagnostic } from '../../core/dockerfile/lint';
import { loadDockerfileCore } from './coreLoader';
import { DIAGNOSTIC_SOURCE, toVscodeRange, type DockerfileLinter } from './diagnostics';
import { readAuthoringSettings } from './settings';

const BUILD_CHECK_SOURCE = 'docker';

function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

function sameRange(a: vscode.Range, b: LintDiagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

export class DockerfileCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly linter: DockerfileLinter) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    // Docker's build checks (source docker) carry their fixes in the same lint snapshot.
    const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE || diagnostic.source === BUILD_CHECK_SOURCE);
    if (ours.length === 0) return [];
    const snapshot = this.linter.snapshot(document) ?? (await this.linter.lintNow(document));
    if (!snapshot) return [];
    const core = await loadDockerfileCore();
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const code = diagnosticCode(diagnostic);
      const match = snapshot.diagnostics.find((candidate) => core.diagnosticCode(candidate) === code && sameRange(diagnostic.range, candidate.range));
      if (!match) continue;
      for (const fix of match.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        for (const textEdit of fix.edits) edit.replace(document.uri, toVscodeRange(textEdit.range), textEdit.newText);
        action.edit = edit;
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred === true;
        actions.push(action);
      }
    }
    return actions;
  }
}

export class AqueductHoverProvider implements vscode.HoverProvider {
  constructor(private readonly linter: DockerfileLinter) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!/^\s*FROM\s/i.test(document.lineAt(position.line).text)) return undefined;
    const core = await loadDockerfileCore();
    const model = this.linter.snapshot(document)?.model ?? core.parseDockerfile(document.getText());
    const hover = core.aqueductHover(model, { line: position.line, character: position.character }, readAuthoringSettings(document.uri).serverVersion);
    if (!hover) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(hover.markdown), toVscodeRange(hover.range));
  }
}

export class FromCompletionProvider implements vscode.CompletionItemProvider {
  static readonly triggerCharacters = [':', '/'];

  constructor(
    private readonly explorer: ExplorerApi,
    private readonly log: Logger,
  ) {}

  private knownImages(): ReturnType<ExplorerApi['knownImages']> {
    try {
      return this.explorer.knownImages();
    } catch (error) {
      this.log.debug(`no ECR images for completion: ${errorMessage(error)}`);
      return [];
    }
  }

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const core = await loadDockerfileCore();
    const line = document.lineAt(position.line).text;
    const context = core.fromCompletionContext(line, position.line, position.character);
    if (!context) return undefined;
    const range = toVscodeRange(context.range);
    const items: vscode.CompletionItem[] = [];
    if (context.kind === 'image') {
      for (const candidate of core.aqueductImageCompletions()) {
        const item = new vscode.CompletionItem(candidate.label, vscode.CompletionItemKind.Module);
        item.detail = candidate.detail;
        if (candidate.documentation) item.documentation = new vscode.MarkdownString(candidate.documentation);
        item.sortText = candidate.sortText;
        item.range = range;
        // Typing ":" right after picking an image offers its tags.
        item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest tags' };
        item.insertText = `${candidate.label}:`;
        items.push(item);
      }
      for (const image of this.knownImages()) {
        const label = `${image.registryHost}/${image.repository}`;
        const item = new vscode.CompletionItem(label, vscode.CompletionItemKind.Reference);
        item.detail = `ECR repository, ${image.tags.length} tag${image.tags.length === 1 ? '' : 's'}`;
        item.sortText = `1-${label}`;
        item.range = range;
        items.push(item);
      }
      return items;
    }
    const serverVersion = readAuthoringSettings(document.uri).serverVersion;
    const aqueductTags = core.aqueductTagCompletions(context.imageName, serverVersion);
    if (aqueductTags) {
      for (const candidate of aqueductTags) {
        const item = new vscode.CompletionItem(candidate.label, vscode.CompletionItemKind.Constant);
        item.detail = candidate.detail;
        item.sortText = candidate.sortText;
        item.range = range;
        items.push(item);
      }
      if (items.length > 0) items[0].preselect = true;
      return items;
    }
    for (const image of this.knownImages()) {
      if (`${image.registryHost}/${image.repository}` !== context.imageName) continue;
      image.tags.forEach((tag, index) => {
        const item = new vscode.CompletionItem(tag, vscode.CompletionItemKind.Constant);
        item.detail = `${image.repository}:${tag} in ECR`;
        item.sortText = String(index).padStart(5, '0');
        item.range = range;
        items.push(item);
      });
    }
    return items;
  }
}
