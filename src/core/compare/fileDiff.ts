/**
 * Files added, removed and changed between two images, from the layers each has and the other does
 * not (`LayerStack`s). A path neither image's read layers touched is the same in both (it comes from
 * the shared layers). Where one image's read layers touched a path and the other's did not, the
 * other's version lies in the shared layers, which are not read: the change is marked `throughShared`
 * (an "added" file may replace one there, a "removed" one is of unknown size when nothing read it).
 */
import type { FileInfo, LayerStack, PathState } from './layerReader';

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: FileInfo;
  after?: FileInfo;
  /** The other image's version of this path is in the shared layers (not read). */
  throughShared?: boolean;
}

export interface FolderChanges {
  /** The top folder ("usr", "opt"), or "/" for files at the root. */
  folder: string;
  /** The larger side's size of each change, added up: what the folder's changes weigh. */
  bytes: number;
  /** Largest first. */
  changes: FileChange[];
}

export interface FilesComparison {
  /** Heaviest folder first. */
  folders: FolderChanges[];
  added: number;
  removed: number;
  changed: number;
  /** Bytes of files only the after image has, and of files only the before image has (known sizes). */
  addedBytes: number;
  removedBytes: number;
}

/** Content, kind, size, mode, owner and link target: what makes two versions of a path differ (not their times). */
function same(a: FileInfo, b: FileInfo): boolean {
  return a.kind === b.kind && a.size === b.size && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.digest === b.digest && a.linkname === b.linkname;
}

/** Without the kept content (package databases): a change is plain data. */
function plain(info: FileInfo): FileInfo {
  if (!info.content) return info;
  const copy = { ...info };
  delete copy.content;
  return copy;
}

const weight = (change: FileChange) => Math.max(change.before?.size ?? 0, change.after?.size ?? 0);
const topFolder = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '/');

/**
 * `sharedUnread`: the images share layers that were not read (their paths are "base"); false when
 * every layer of both images was read, so a path no layer touched is simply absent.
 */
export function compareFiles(before: LayerStack, after: LayerStack, options: { sharedUnread: boolean }): FilesComparison {
  const paths = new Set([...before.paths(), ...after.paths()]);
  const changes: FileChange[] = [];
  const resolve = (state: PathState): FileInfo | 'deleted' | 'base' => (state === 'base' && !options.sharedUnread ? 'deleted' : state);
  for (const path of paths) {
    const was = resolve(before.get(path));
    const now = resolve(after.get(path));
    if (was === now) continue; // both deleted, both base
    const wasFile = typeof was === 'object' ? was : undefined;
    const nowFile = typeof now === 'object' ? now : undefined;
    // Folders are listed only when one takes a file's place (or the reverse): their files speak for them.
    if (wasFile?.kind === 'directory' && (!nowFile || nowFile.kind === 'directory')) continue;
    if (nowFile?.kind === 'directory' && !wasFile) continue;
    const throughShared = was === 'base' || now === 'base' ? { throughShared: true as const } : {};
    if (wasFile && nowFile) {
      if (!same(wasFile, nowFile)) changes.push({ path, change: 'changed', before: plain(wasFile), after: plain(nowFile) });
    } else if (nowFile) {
      changes.push({ path, change: 'added', after: plain(nowFile), ...throughShared });
    } else if (wasFile) {
      changes.push({ path, change: 'removed', before: plain(wasFile), ...throughShared });
    } else if (now === 'deleted') {
      // Deleted by the after image's layers from the shared ones (a whiteout): what it was is not read.
      changes.push({ path, change: 'removed', ...throughShared });
    } else {
      // Deleted by the before image's layers, still there in the shared ones the after image keeps.
      changes.push({ path, change: 'added', ...throughShared });
    }
  }
  changes.sort((a, b) => weight(b) - weight(a) || a.path.localeCompare(b.path));
  const byFolder = new Map<string, FolderChanges>();
  for (const change of changes) {
    const folder = topFolder(change.path);
    let group = byFolder.get(folder);
    if (!group) byFolder.set(folder, (group = { folder, bytes: 0, changes: [] }));
    group.bytes += weight(change);
    group.changes.push(change);
  }
  const count = (kind: FileChange['change']) => changes.filter((change) => change.change === kind).length;
  return {
    folders: [...byFolder.values()].sort((a, b) => b.bytes - a.bytes || a.folder.localeCompare(b.folder)),
    added: count('added'),
    removed: count('removed'),
    changed: count('changed'),
    addedBytes: changes.reduce((sum, change) => sum + (change.change === 'added' ? (change.after?.size ?? 0) : 0), 0),
    removedBytes: changes.reduce((sum, change) => sum + (change.change === 'removed' ? (change.before?.size ?? 0) : 0), 0),
  };
}
