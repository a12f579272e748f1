import * as vscode from 'vscode';

/** Where the authoring features apply: the dockerfile language, plus file names VS Code may not map to it. */
export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*,Containerfile.*}' },
];

/** Views of a document that aren't the document itself (diffs, output, SCM input) get no diagnostics. */
const IGNORED_SCHEMES = new Set(['git', 'output', 'debug', 'vscode-scm', 'gitlens', 'comment', 'vscode-notebook-cell-output']);

const NAME_PATTERN = /^(?:(?:Dockerfile|Containerfile)(?:\..+)?|.+\.[Dd]ockerfile)$/;

export function isLintableDockerfile(document: vscode.TextDocument): boolean {
  if (IGNORED_SCHEMES.has(document.uri.scheme)) return false;
  if (document.languageId === 'dockerfile') return true;
  const name = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
  return NAME_PATTERN.test(name) && !name.endsWith('.dockerignore');
}
