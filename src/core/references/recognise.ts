import type { RegistryHost } from '../ecr/registryHost';
import { aqueductReferences, helmReferences, imageSpecReferences } from './splitForms';
import { byStart, startOf, uriReferences } from './uriScan';

/**
 * Finds the ECR images a document names, in any language, without parsing it: one regular
 * expression for ECR-looking hosts (the same shape as `core/ecr/registryHost.ts`, loosened so a
 * misspelt `dkr.ecr`, a short account id or an unknown region is still found and can be reported),
 * plus three cheap anchored scans for the forms that split an image into parts: Flyte/Union
 * `ImageSpec(registry=…, name=…, tag=…)`, Aqueduct `.image("repo:tag")` and Helm-style
 * `repository:` + `tag:` siblings. Templated values (`${…}`, `{{ … }}`, f-strings, `%s`, `$VAR`)
 * are left alone. Offsets are UTF-16 code units into the text, end exclusive (what VS Code's
 * `TextDocument.positionAt` takes).
 */

export interface Span {
  start: number;
  end: number;
}

/** Part of a reference as written: its text and where it is. */
export interface Part {
  text: string;
  span: Span;
}

/** An ECR-looking host, part by part, as written (it may be malformed: see `findings.ts`). */
export interface HostParts extends Part {
  account: Part;
  /** `dkr.ecr` (or dual-stack `dkr-ecr`), or what was written in its place. */
  service: Part;
  fips: boolean;
  region: Part;
  domain: Part;
  /** The registry when the host is a well-formed ECR host (`parseRegistryHost`). */
  registry: RegistryHost | undefined;
}

/**
 * - `uri`: `<host>/<repo>[:tag][@digest]` in one string;
 * - `registry`: a host alone (a `docker login` argument, a `registry:` value);
 * - `imageSpec`: `ImageSpec(registry=…, name=…, tag=…)`;
 * - `aqueduct`: `.image("repo:tag")`, whose registry is the one the user connected (the caller resolves it);
 * - `helm`: `repository:` + `tag:` (and `registry:`, `digest:`) siblings in one YAML mapping.
 */
export type ReferenceForm = 'uri' | 'registry' | 'imageSpec' | 'aqueduct' | 'helm';

export interface FoundReference {
  form: ReferenceForm;
  /** Everything the reference covers (for a split form, from its first part to its last). */
  span: Span;
  /** Undefined only for `aqueduct` (registry to be resolved by the caller). */
  host?: HostParts;
  /** The repository name (for ImageSpec with a registry path, `<path>/<name>`, its span the name's). */
  repository?: Part;
  tag?: Part;
  digest?: Part;
  /** The key the value was written under (`image`, `repository`, `imageUri`…), when a `key:` or `key=` precedes it on its line. */
  key?: string;
}

export interface ScanOptions {
  /** VS Code's language id (`python`, `yaml`, `json`, …); the file name is used when it is absent. */
  languageId?: string;
  fileName?: string;
}

export function findReferences(text: string, options: ScanOptions = {}): FoundReference[] {
  const language = languageOf(options);
  const found: FoundReference[] = [];
  uriReferences(text, found);
  if (language === 'python' || language === 'other') {
    let merged = found;
    if (text.includes('ImageSpec')) {
      const specs = imageSpecReferences(text, found);
      if (specs.length > 0) {
        // An ImageSpec's registry= value is part of the ImageSpec, not a reference of its own.
        const hosts = new Set(specs.map((spec) => spec.host!.span.start));
        merged = inTextOrder(merged.filter((reference) => !hosts.has(startOf(reference))), specs);
      }
    }
    if (text.includes('.image(') && /aqueduct/i.test(text)) merged = inTextOrder(merged, aqueductReferences(text));
    return merged;
  }
  if (language === 'yaml' && found.length > 0) return helmReferences(text, found);
  return found;
}

/** Two lists in text order merged into one (each list is in text order as the scans make them; checked, sorted if not). */
function inTextOrder(a: FoundReference[], b: FoundReference[]): FoundReference[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const merged: FoundReference[] = [];
  let i = 0;
  let j = 0;
  let last = -1;
  let sorted = true;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && startOf(a[i]) <= startOf(b[j])) ? a[i++] : b[j++];
    const start = startOf(next);
    if (start < last) sorted = false;
    last = start;
    merged.push(next);
  }
  return sorted ? merged : byStart(merged);
}

type Language = 'python' | 'yaml' | 'json' | 'other';

function languageOf({ languageId, fileName }: ScanOptions): Language {
  const id = languageId?.toLowerCase();
  if (id === 'python') return 'python';
  if (id === 'yaml' || id === 'dockercompose' || id === 'github-actions-workflow' || id === 'helm') return 'yaml';
  if (id === 'json' || id === 'jsonc') return 'json';
  if (id) return 'other';
  const name = fileName?.toLowerCase() ?? '';
  if (name.endsWith('.py') || name.endsWith('.pyi')) return 'python';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  if (name.endsWith('.json')) return 'json';
  return 'other';
}
