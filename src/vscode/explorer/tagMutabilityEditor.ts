import * as vscode from 'vscode';
import {
  describeTagMutability,
  exclusionFilterProblem,
  MAX_EXCLUSION_FILTERS,
  modeHasExclusions,
  tagMutabilityProblems,
  type TagMutabilityMode,
  type TagMutabilitySettings,
} from '../../core/ecr/tagMutability';

/** The four modes in words: a person picks what they want tags to do, the API name beside it. */
const MODES: Array<{ mode: TagMutabilityMode; label: string; detail: string }> = [
  { mode: 'MUTABLE', label: 'Mutable', detail: 'A push can move any tag to a new image.' },
  { mode: 'IMMUTABLE', label: 'Immutable', detail: 'No tag can be moved once pushed: a second push of the same tag is refused.' },
  {
    mode: 'IMMUTABLE_WITH_EXCLUSION',
    label: 'Immutable except matching tags',
    detail: 'Tags are locked once pushed, except those an exclusion filter matches (e.g. latest, dev-*), which pushes can move.',
  },
  {
    mode: 'MUTABLE_WITH_EXCLUSION',
    label: 'Mutable except matching tags',
    detail: 'Pushes can move tags, except those an exclusion filter matches (e.g. release-*), which are locked once pushed.',
  },
];

type ModeItem = vscode.QuickPickItem & { mode: TagMutabilityMode };
type FilterItem = vscode.QuickPickItem & { action: 'add' | 'remove' | 'save' | 'invalid'; filter?: string };

const REMOVE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Remove this filter' };

/**
 * Asks for the mode, then (for the `_WITH_EXCLUSION` modes) edits the filter list; undefined when
 * the person cancels. Filters are checked as ECR checks them while they are typed.
 */
export async function askTagMutability(repository: string, current: TagMutabilitySettings): Promise<TagMutabilitySettings | undefined> {
  const held = current.exclusionFilters.map((entry) => entry.filter);
  // The filters carry over between the two exclusion modes, and edits survive going back to the mode.
  let draft = held;
  for (;;) {
    const mode = await pickMode(repository, current);
    if (!mode) return undefined;
    if (!modeHasExclusions(mode)) return { mode, exclusionFilters: [] };
    const edited = await editFilters(repository, mode, held, draft);
    if (!edited) return undefined;
    if ('back' in edited) {
      draft = edited.back;
      continue;
    }
    return { mode, exclusionFilters: edited.saved.map((filter) => ({ filterType: 'WILDCARD', filter })) };
  }
}

function pickMode(repository: string, current: TagMutabilitySettings): Promise<TagMutabilityMode | undefined> {
  const pick = vscode.window.createQuickPick<ModeItem>();
  pick.title = `Tag mutability of ${repository} (1/2): mode`;
  pick.placeholder = `Now: ${describeTagMutability(current).replace(/^Tags: /, '')}. Pick what tags should do.`;
  pick.ignoreFocusOut = true;
  pick.items = MODES.map(({ mode, label, detail }) => ({ mode, label, detail, description: mode === current.mode ? `${mode} (current)` : mode }));
  pick.activeItems = pick.items.filter((item) => item.mode === current.mode);
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.mode);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** Why `value` cannot be added to `filters`, or undefined. */
function additionProblem(value: string, filters: string[]): string | undefined {
  if (filters.includes(value)) return `"${value}" is already a filter.`;
  if (filters.length >= MAX_EXCLUSION_FILTERS) return `ECR allows at most ${MAX_EXCLUSION_FILTERS} exclusion filters; remove one first.`;
  return exclusionFilterProblem(value);
}

/** What a filter matches, in words: "latest", "every tag starting with dev-". */
function filterMeaning(filter: string): string {
  if (!filter.includes('*')) return `the tag ${filter}`;
  if (/^[^*]+\*$/.test(filter)) return `tags starting with ${filter.slice(0, -1)}`;
  if (/^\*[^*]+$/.test(filter)) return `tags ending with ${filter.slice(1)}`;
  return `tags like ${filter} (* is any text)`;
}

/**
 * The filter list as one quick pick: the box is where a new filter is typed (checked on every key),
 * each filter is a row (select it or its trash button to remove it), and Enter on an empty box saves.
 */
function editFilters(repository: string, mode: TagMutabilityMode, initial: string[], start: string[]): Promise<{ saved: string[] } | { back: string[] } | undefined> {
  const filters = [...start];
  const pick = vscode.window.createQuickPick<FilterItem>();
  pick.title = `Tag mutability of ${repository} (2/2): exclusion filters, ${MODES.find((entry) => entry.mode === mode)!.label.toLowerCase()}`;
  pick.placeholder = 'Type a filter such as latest or dev-* and press Enter; Enter on an empty box saves';
  pick.ignoreFocusOut = true;
  pick.buttons = [vscode.QuickInputButtons.Back];
  const except = mode === 'IMMUTABLE_WITH_EXCLUSION' ? 'movable by a push' : 'locked once pushed';

  const render = () => {
    const value = pick.value.trim();
    const typed: FilterItem[] = [];
    if (value) {
      const problem = additionProblem(value, filters);
      typed.push(
        problem
          ? { label: `$(error) "${value}" cannot be added`, detail: problem, action: 'invalid', alwaysShow: true }
          : { label: `$(add) Add exclusion filter "${value}"`, description: `${filterMeaning(value)} will be ${except}`, action: 'add', filter: value, alwaysShow: true },
      );
    }
    const rows: FilterItem[] = filters.map((filter) => ({
      label: `$(filter) ${filter}`,
      description: `${filterMeaning(filter)}: ${except}${initial.includes(filter) ? '' : ' (new)'} · select to remove`,
      action: 'remove',
      filter,
      buttons: [REMOVE_BUTTON],
      alwaysShow: true,
    }));
    const problems = tagMutabilityProblems({ mode, exclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD', filter })) });
    const removed = initial.filter((filter) => !filters.includes(filter));
    const save: FilterItem = problems.length
      ? { label: `$(circle-slash) Cannot save yet: ${problems[0]}`, action: 'invalid', alwaysShow: true }
      : {
          label: '$(check) Save',
          description: describeTagMutability({ mode, exclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD', filter })) }),
          detail: removed.length ? `Removes ${removed.join(', ')}` : undefined,
          action: 'save',
          alwaysShow: true,
        };
    pick.items = [...typed, ...rows, { label: '', kind: vscode.QuickPickItemKind.Separator, action: 'invalid', alwaysShow: true }, save];
    // Enter adds what was typed, or saves when nothing was.
    pick.activeItems = [typed[0] ?? save];
  };

  return new Promise((resolve) => {
    let done = false;
    const finish = (result: { saved: string[] } | { back: string[] }) => {
      done = true;
      resolve(result);
      pick.hide();
    };
    const remove = (filter: string | undefined) => {
      filters.splice(filters.indexOf(filter!), 1);
      render();
    };
    pick.onDidChangeValue(render);
    pick.onDidTriggerItemButton((event) => remove(event.item.filter));
    pick.onDidTriggerButton(() => finish({ back: [...filters] }));
    pick.onDidAccept(() => {
      const item = pick.activeItems[0];
      if (item?.action === 'add') {
        filters.push(item.filter!);
        pick.value = '';
        render();
      } else if (item?.action === 'remove') {
        remove(item.filter);
      } else if (item?.action === 'save') {
        finish({ saved: filters });
      }
      // 'invalid': the row says what is wrong; nothing happens until it is fixed.
    });
    pick.onDidHide(() => {
      if (!done) resolve(undefined);
      pick.dispose();
    });
    render();
    pick.show();
  });
}
