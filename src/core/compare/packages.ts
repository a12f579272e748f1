/**
 * Packages read from what is in an image's files, compared between two images: Python (`*.dist-info/
 * METADATA`, `*.egg-info/PKG-INFO` under any site-packages or dist-packages, conda environments'
 * included), Debian and Ubuntu (`var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*`), Alpine
 * (`lib/apk/db/installed`), conda (`conda-meta/*.json`) and npm (`node_modules/<name>/package.json`
 * at the top of a few known roots). Each side's effective files are what its layer stack leaves (an
 * upper layer's database replaces the lower one's).
 */
import type { FileInfo, LayerStack, PathState } from './layerReader';

export type Ecosystem = 'python' | 'debian' | 'alpine' | 'conda' | 'npm';

export interface Package {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** Where it is installed: the site-packages, conda prefix or node_modules root ("" for the system's database). */
  location: string;
}

export interface PackageChange {
  ecosystem: Ecosystem;
  name: string;
  location: string;
  change: 'added' | 'removed' | 'upgraded' | 'downgraded';
  before?: string;
  after?: string;
  /** The other image's version of the file this came from is in the shared layers (not read): it may hold the same package. */
  throughShared?: boolean;
}

export interface PackagesComparison {
  changes: PackageChange[];
  /** Package databases one image's layers changed while the other's version is in the shared layers (not read), so they are not compared. */
  unread: Array<{ ecosystem: Ecosystem; path: string }>;
}

const SITE = '(?:^|/)(?:site|dist)-packages/';
const PYTHON_METADATA = new RegExp(`^(.*${SITE})[^/]+\\.dist-info/METADATA$`);
const PYTHON_PKG_INFO = new RegExp(`^(.*${SITE})[^/]+\\.egg-info(?:/PKG-INFO)?$`);
const DPKG_STATUS = 'var/lib/dpkg/status';
const DPKG_STATUS_D = /^var\/lib\/dpkg\/status\.d\/[^/]+$/;
const APK_INSTALLED = 'lib/apk/db/installed';
const CONDA_META = /^(.*?)conda-meta\/[^/]+\.json$/;
/** Global installs and the usual app folders of Node images. */
const NPM_ROOTS = ['usr/lib', 'usr/local/lib', 'opt/nodejs/lib', 'app', 'usr/src/app', 'home/node/app', 'opt/app', 'srv/app', 'var/www', 'workspace'];
const NPM_PACKAGE = new RegExp(`^(${NPM_ROOTS.map((root) => root.replace(/\//g, '\\/')).join('|')})\\/node_modules\\/((?:@[^/]+\\/)?[^/@.][^/]*)\\/package\\.json$`);

/** True for a path whose content the package comparison reads (the layer reader keeps it). */
export function isPackageFile(path: string): boolean {
  return (
    PYTHON_METADATA.test(path) ||
    PYTHON_PKG_INFO.test(path) ||
    path === DPKG_STATUS ||
    (DPKG_STATUS_D.test(path) && !path.endsWith('.md5sums')) ||
    path === APK_INSTALLED ||
    CONDA_META.test(path) ||
    NPM_PACKAGE.test(path)
  );
}

/** RFC 822 style headers (METADATA, PKG-INFO, dpkg paragraphs): the first value of each field, continuation lines skipped. */
function headers(paragraph: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of paragraph.split(/\r?\n/)) {
    if (!line || line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** PEP 503: names compare lowercase with runs of -, _ and . as one -. */
const pythonName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** Python core metadata (METADATA, PKG-INFO): its header block, before the first blank line. */
export function parsePythonMetadata(text: string): { name: string; version: string } | undefined {
  const fields = headers(text.split(/\r?\n\r?\n/)[0]);
  const name = fields.get('name');
  const version = fields.get('version');
  return name && version ? { name: pythonName(name), version } : undefined;
}

/** dpkg's status file (or one status.d file): installed packages (Status "… installed", or no Status as distroless writes them). */
export function parseDpkgStatus(text: string): Array<{ name: string; version: string }> {
  const packages: Array<{ name: string; version: string }> = [];
  for (const paragraph of text.split(/\r?\n\s*\r?\n/)) {
    const fields = headers(paragraph);
    const name = fields.get('package');
    const version = fields.get('version');
    const status = fields.get('status');
    if (!name || !version) continue;
    if (status !== undefined && !/\binstalled$/.test(status)) continue;
    const arch = fields.get('architecture');
    // Multi-arch packages of one name are told apart by their architecture, as dpkg does.
    packages.push({ name: fields.get('multi-arch') === 'same' && arch ? `${name}:${arch}` : name, version });
  }
  return packages;
}

/** apk's installed database: one paragraph per package, `P:` its name, `V:` its version. */
export function parseApkInstalled(text: string): Array<{ name: string; version: string }> {
  const packages: Array<{ name: string; version: string }> = [];
  for (const paragraph of text.split(/\r?\n\s*\r?\n/)) {
    let name: string | undefined;
    let version: string | undefined;
    for (const line of paragraph.split(/\r?\n/)) {
      if (line.startsWith('P:')) name ??= line.slice(2).trim();
      else if (line.startsWith('V:')) version ??= line.slice(2).trim();
    }
    if (name && version) packages.push({ name, version });
  }
  return packages;
}

/** A conda-meta record or an npm package.json: its name and version. */
function jsonNameVersion(text: string): { name: string; version: string } | undefined {
  try {
    const json = JSON.parse(text) as { name?: unknown; version?: unknown };
    return typeof json.name === 'string' && typeof json.version === 'string' ? { name: json.name, version: json.version } : undefined;
  } catch {
    return undefined;
  }
}

/** What a package file says, with where it is installed. */
export function packagesIn(path: string, content: Buffer): Package[] {
  const text = content.toString('utf8');
  let match: RegExpExecArray | null;
  if ((match = PYTHON_METADATA.exec(path)) || (match = PYTHON_PKG_INFO.exec(path))) {
    const found = parsePythonMetadata(text);
    return found ? [{ ecosystem: 'python', ...found, location: match[1].replace(/\/$/, '') }] : [];
  }
  if (path === DPKG_STATUS || DPKG_STATUS_D.test(path)) return parseDpkgStatus(text).map((found) => ({ ecosystem: 'debian', ...found, location: '' }));
  if (path === APK_INSTALLED) return parseApkInstalled(text).map((found) => ({ ecosystem: 'alpine', ...found, location: '' }));
  if ((match = CONDA_META.exec(path))) {
    const found = jsonNameVersion(text);
    return found ? [{ ecosystem: 'conda', ...found, location: match[1].replace(/\/$/, '') || '/' }] : [];
  }
  if ((match = NPM_PACKAGE.exec(path))) {
    const found = jsonNameVersion(text);
    return found ? [{ ecosystem: 'npm', ...found, location: `${match[1]}/node_modules` }] : [];
  }
  return [];
}

/** The package a per-package path names when its content was not read: `name-version.dist-info`, `name-version-build.json`. */
function packageFromPath(path: string): Package | undefined {
  const python = /^(.*(?:site|dist)-packages)\/([^/]+?)-([^-/]+?)(?:-py[^/]*)?\.(?:dist|egg)-info(?:\/(?:METADATA|PKG-INFO))?$/.exec(path);
  if (python) return { ecosystem: 'python', name: pythonName(python[2]), version: python[3], location: python[1] };
  const conda = /^(.*?)\/?conda-meta\/(.+)-([^-]+)-([^-]+)\.json$/.exec(path);
  if (conda) return { ecosystem: 'conda', name: conda[2], version: conda[3], location: conda[1] || '/' };
  return undefined;
}

/** A database that holds many packages: compared only when both images' versions were read. */
const isDatabase = (path: string) => path === DPKG_STATUS || path === APK_INSTALLED;
const ecosystemOf = (path: string): Ecosystem => (path === APK_INSTALLED ? 'alpine' : 'debian');

/** Orders version strings by their runs of digits (numerically) and of other characters; enough to tell an upgrade from a downgrade. */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.match(/\d+|[^\d]+/g) ?? [];
  const left = parts(a);
  const right = parts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index];
    const y = right[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const numeric = /^\d/.test(x) && /^\d/.test(y);
    const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
    if (order) return Math.sign(order);
  }
  return 0;
}

const keyOf = (item: { ecosystem: string; location: string; name: string }) => `${item.ecosystem}\u0000${item.location}\u0000${item.name}`;

/**
 * The packages each image has that differ. `sharedUnread` as for files: true when the images
 * share layers that were not read.
 */
export function comparePackages(before: LayerStack, after: LayerStack, options: { sharedUnread: boolean }): PackagesComparison {
  const paths = [...new Set([...before.paths(), ...after.paths()])].filter((path) => isPackageFile(path) || packageFromPath(path)).sort();
  const resolve = (state: PathState): FileInfo | 'deleted' | 'base' => (state === 'base' && !options.sharedUnread ? 'deleted' : state);
  const sides = { before: new Map<string, Package & { throughShared?: boolean }>(), after: new Map<string, Package & { throughShared?: boolean }>() };
  const unread: PackagesComparison['unread'] = [];
  for (const path of paths) {
    const states = { before: resolve(before.get(path)), after: resolve(after.get(path)) };
    if (states.before === 'base' && states.after === 'base') continue;
    if (isDatabase(path) && (states.before === 'base' || states.after === 'base')) {
      // One image's version of a whole database is in the shared layers: no honest diff without reading them.
      unread.push({ ecosystem: ecosystemOf(path), path });
      continue;
    }
    for (const side of ['before', 'after'] as const) {
      const state = states[side];
      const other = states[side === 'before' ? 'after' : 'before'];
      const throughShared = other === 'base';
      if (typeof state === 'object' && state.content) {
        for (const found of packagesIn(path, state.content)) sides[side].set(keyOf(found), { ...found, ...(throughShared ? { throughShared } : {}) });
      } else if (state === 'base' && other === 'deleted') {
        // The other image's layers deleted this file from the shared ones, so this image has what its name says.
        const named = packageFromPath(path);
        if (named && !sides[side].has(keyOf(named))) sides[side].set(keyOf(named), named);
      }
    }
  }
  const changes: PackageChange[] = [];
  for (const key of new Set([...sides.before.keys(), ...sides.after.keys()])) {
    const was = sides.before.get(key);
    const now = sides.after.get(key);
    const item = (now ?? was)!;
    const base = { ecosystem: item.ecosystem, name: item.name, location: item.location };
    if (was && now) {
      const order = compareVersions(was.version, now.version);
      if (order) changes.push({ ...base, change: order < 0 ? 'upgraded' : 'downgraded', before: was.version, after: now.version });
    } else if (now) {
      changes.push({ ...base, change: 'added', after: now.version, ...(now.throughShared ? { throughShared: true } : {}) });
    } else if (was) {
      changes.push({ ...base, change: 'removed', before: was.version, ...(was.throughShared ? { throughShared: true } : {}) });
    }
  }
  changes.sort((a, b) => a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name) || a.location.localeCompare(b.location));
  return { changes, unread };
}
