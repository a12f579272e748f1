import * as vscode from 'vscode';

/**
 * Documents the extension shows but that are not files: scan findings, repository policies. Served
 * read-only from memory under the `ecr-view` scheme, so closing them never asks to save, and a
 * second look at the same repository replaces the text in the same tab.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'ecr-view';
  private readonly texts = new Map<string, string>();
  /** Shown as a preview only: the preview may re-read the text after VS Code closes the hidden document. */
  private readonly previewed = new Set<string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registrations = [
    vscode.workspace.registerTextDocumentContentProvider(ReadOnlyDocuments.scheme, this),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (!this.previewed.has(document.uri.toString())) this.texts.delete(document.uri.toString());
    }),
  ];

  provideTextDocumentContent(uri: vscode.Uri): string {
    // A tab restored after a window reload: the text lived in memory only.
    return this.texts.get(uri.toString()) ?? 'This view is not kept across reloads. Open it again from the ECR Registries view.\n';
  }

  /** Opens (or refreshes) `path` with `text` in `language`, e.g. ("/<registry key>/ml/app.repository-policy.json", …, "json"). */
  async show(path: string, text: string, language: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: ReadOnlyDocuments.scheme, path });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== language) document = await vscode.languages.setTextDocumentLanguage(document, language);
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  }

  /**
   * Opens `text` as rendered Markdown (tables as tables, links clickable), as VS Code's Markdown
   * preview shows it; the source only where no preview is available (Markdown extension disabled).
   */
  async showRendered(path: string, text: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: ReadOnlyDocuments.scheme, path });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    this.previewed.add(uri.toString());
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await this.show(path, text, 'markdown');
    }
    return uri;
  }

  dispose(): void {
    for (const registration of this.registrations) registration.dispose();
    this.changed.dispose();
  }
}
