/**
 * ECR: New Dockerfile from Aqueduct Base Image. Asks for the Python version, the CPU/GPU/LLM
 * base, the Aqueduct version and the folder (each can be passed in instead, for scripts and
 * tests), writes the Dockerfile, adds .dockerignore and requirements.txt when missing, never
 * replaces a file without a modal, and opens the result.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { CUSTOM_IMAGE_VERSIONS, LLM_PYTHON_VERSIONS, PYTHON_VERSIONS } from '../../core/dockerfile/aqueductCatalogue';
import { SCAFFOLD_VARIANTS, scaffoldAqueductDockerfile, validateAqueductVersion, validateScaffoldRequest } from '../../core/dockerfile/scaffold';
import { isNode } from '../../core/explorer/nodes';
import type { NewAqueductDockerfileOptions } from '../commandArguments';
import type { CommandHandler } from '../commands';
import type { Modals } from '../modal';
import type { Report } from '../report';
import type { ExplorerApi } from '../explorer/api';
import { readAuthoringSettings, type SettingsProblemReporter } from './settings';


/** "New Aqueduct Dockerfile (2/4): base image": numbered over the questions this run asks. */
type StepTitle = (question: string) => string;

function stepTitles(asked: number): StepTitle {
  let step = 0;
  return (question) => `New Aqueduct Dockerfile (${++step}/${asked}): ${question}`;
}

async function pickPython(title: StepTitle): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    [...PYTHON_VERSIONS].reverse().map((python) => ({ label: `Python ${python}`, python, description: LLM_PYTHON_VERSIONS.includes(python) ? undefined : 'no LLM base image' })),
    { title: title('Python version'), placeHolder: 'The Python version your operator runs on', ignoreFocusOut: true },
  );
  return picked?.python;
}

async function pickVariant(python: string, title: StepTitle): Promise<string | undefined> {
  const llmAvailable = (LLM_PYTHON_VERSIONS as readonly string[]).includes(python);
  const items = SCAFFOLD_VARIANTS.filter((variant) => variant.kind !== 'llm' || llmAvailable).map((variant) => ({
    label: variant.label,
    description: variant.description.replace('<py>', python.replace('.', '')),
    id: variant.id,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: title('base image'), placeHolder: 'CPU, GPU or LLM base', ignoreFocusOut: true });
  return picked?.id;
}

async function pickVersion(defaultVersion: string, fromSetting: boolean, title: StepTitle): Promise<string | undefined> {
  const other = 'Other version…';
  const versions = [defaultVersion, ...CUSTOM_IMAGE_VERSIONS.filter((version) => version !== defaultVersion)];
  const items: vscode.QuickPickItem[] = versions.map((version) => ({
    label: version,
    description: version === defaultVersion ? (fromSetting ? 'your server version (ecr.aqueduct.serverVersion)' : 'newest release') : undefined,
  }));
  items.push({ label: other, description: 'type a version' });
  const picked = await vscode.window.showQuickPick(items, {
    title: title('Aqueduct version'),
    placeHolder: 'The base image tag must equal your Aqueduct server version',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.label !== other) return picked.label;
  return vscode.window.showInputBox({
    title: 'Aqueduct server version',
    prompt: 'Custom operator images run on Aqueduct 0.3.1 to 0.3.6 (0.3.0 was withdrawn).',
    value: defaultVersion,
    ignoreFocusOut: true,
    validateInput: (value) => validateAqueductVersion(value),
  });
}

async function isFolder(uri: vscode.Uri): Promise<boolean | undefined> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function pickFolder(given: string | vscode.Uri | undefined, title: StepTitle): Promise<vscode.Uri | undefined> {
  if (given !== undefined) {
    const uri = typeof given === 'string' ? vscode.Uri.file(given) : given;
    const folder = await isFolder(uri);
    // Invoked on a file (or with a file path): use the folder it is in.
    if (folder === false) return vscode.Uri.joinPath(uri, '..');
    if (folder === undefined) await vscode.workspace.fs.createDirectory(uri);
    return uri;
  }
  // Operators usually live in a subfolder each: offer the workspace folder(s) and "choose another".
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length > 0) {
    const chooseOther = '$(folder-opened) Choose another folder…';
    const picked = await vscode.window.showQuickPick(
      [
        ...folders.map((folder) => ({ label: `$(root-folder) ${folder.name}`, description: folder.uri.fsPath, uri: folder.uri })),
        { label: chooseOther, description: 'any folder, for example one operator\'s subfolder', uri: undefined },
      ],
      { title: title('folder'), placeHolder: 'Folder to create the Dockerfile in', ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Create Dockerfile Here', defaultUri: folders[0]?.uri });
  return chosen?.[0];
}

export async function newAqueductDockerfile(log: Logger, report: Report, problems: SettingsProblemReporter, modals: Modals, explorer: Pick<ExplorerApi, 'tell'>, arg?: unknown): Promise<vscode.Uri | undefined> {
  // A folder (explorer context menu), options (tests, other features), or nothing; a row of the ECR
  // view (its title menu passes the focused row) is not options. The values are validated below.
  const options: NewAqueductDockerfileOptions =
    arg instanceof vscode.Uri ? { folder: arg } : arg && typeof arg === 'object' && !isNode(arg) ? (arg as NewAqueductDockerfileOptions) : {};
  if (options.folder !== undefined && typeof options.folder !== 'string' && !(options.folder instanceof vscode.Uri)) {
    void report('New Aqueduct Dockerfile: "folder" must be a folder path or URI.');
    return undefined;
  }
  const settings = readAuthoringSettings(options.folder instanceof vscode.Uri ? options.folder : undefined);
  problems.report(settings.problems.filter((problem) => problem.startsWith('ecr.aqueduct.serverVersion')));

  // The title counts the questions this run asks: those not passed in, and the folder when it is picked.
  const asksFolder = options.folder === undefined && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const title = stepTitles([options.python, options.variant, options.version].filter((given) => given === undefined).length + (asksFolder ? 1 : 0));
  const python = options.python ?? (await pickPython(title));
  if (python === undefined) return undefined;
  const variant = options.variant ?? (await pickVariant(python, title));
  if (variant === undefined) return undefined;
  const version = options.version ?? (await pickVersion(settings.defaultVersion, settings.serverVersion !== undefined, title));
  if (version === undefined) return undefined;

  const request = validateScaffoldRequest({ python, variant, version });
  if (!request.ok) {
    void report(`Cannot create the Aqueduct Dockerfile: ${request.problems.join(' ')}`);
    return undefined;
  }
  const folder = await pickFolder(options.folder, title);
  if (!folder) return undefined;

  const files = scaffoldAqueductDockerfile(request.value);
  const dockerfile = vscode.Uri.joinPath(folder, 'Dockerfile');
  if (await exists(dockerfile)) {
    // The safe choice is the default button (Enter): open the existing file, change nothing.
    const keep = 'Open Existing';
    const replace = 'Replace';
    const answer = await modals.show(
      'warning',
      `${vscode.workspace.asRelativePath(dockerfile)} already exists.`,
      `Replace it with a Dockerfile FROM ${files.baseImage}? Its current content will be lost.`,
      keep,
      replace,
    );
    if (answer === keep) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    if (answer !== replace) return undefined;
  }
  const encoder = new TextEncoder();
  await vscode.workspace.fs.writeFile(dockerfile, encoder.encode(files.dockerfile));
  const written = ['Dockerfile'];
  for (const [name, content] of [
    ['.dockerignore', files.dockerignore],
    ['requirements.txt', files.requirements],
  ] as const) {
    const target = vscode.Uri.joinPath(folder, name);
    if (await exists(target)) continue;
    await vscode.workspace.fs.writeFile(target, encoder.encode(content));
    written.push(name);
  }
  log.info(`created ${written.join(', ')} in ${folder.toString(true)} FROM ${files.baseImage}`);
  const document = await vscode.workspace.openTextDocument(dockerfile);
  await vscode.window.showTextDocument(document);
  // Say every file written, not only the one opened: a new .dockerignore changes what a build sends.
  const where = vscode.workspace.asRelativePath(folder);
  const kept = ['.dockerignore', 'requirements.txt'].filter((name) => !written.includes(name));
  const openIgnore = written.includes('.dockerignore') ? 'Open .dockerignore' : undefined;
  const summary = `Created ${listed(written)} in ${where || 'the folder'} (FROM ${files.baseImage}).${kept.length ? ` Kept the existing ${listed(kept)}.` : ''}`;
  void vscode.window
    .showInformationMessage(
      summary,
      ...(openIgnore ? [openIgnore] : []),
    )
    .then(async (answer) => {
      if (answer) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, '.dockerignore'), { preview: true });
    });
  return dockerfile;
}

/** "a", "a and b", "a, b and c". */
function listed(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export function scaffoldCommand(log: Logger, report: Report, problems: SettingsProblemReporter, modals: Modals, explorer: Pick<ExplorerApi, 'tell'>): CommandHandler {
  return async (arg) => {
    try {
      return await newAqueductDockerfile(log, report, problems, modals, explorer, arg);
    } catch (error) {
      void report('Could not create the Aqueduct Dockerfile', error);
      return undefined;
    }
  };
}
