/**
 * The checks on FROM lines (dockerfile2llb/convert.go buildDispatchStates,
 * validateBaseImagesWithDefaultArgs): undeclared ARGs, platforms, the image name with ARG defaults.
 */
import type { DockerfileModel } from '../parse';
import type { Fix } from '../rules/types';
import type { Range } from '../text';
import { replaceRange } from '../rules/edits';
import { rangeOf, type CheckInput } from './checks';
import { expandWith, isValidImageReference, suggest, variablesIn } from './words';

/** BuildKit's predefined platform args, always declared in the global scope (platform.go defaultArgs). */
const PLATFORM_ARGS: ReadonlyMap<string, string> = new Map([
  ['BUILDPLATFORM', 'linux/amd64'],
  ['BUILDOS', 'linux'],
  ['BUILDOSVERSION', ''],
  ['BUILDARCH', 'amd64'],
  ['BUILDVARIANT', ''],
  ['TARGETPLATFORM', 'linux/amd64'],
  ['TARGETOS', 'linux'],
  ['TARGETOSVERSION', ''],
  ['TARGETARCH', 'amd64'],
  ['TARGETVARIANT', ''],
  ['TARGETSTAGE', 'default'],
]);

/** FROM: undeclared ARGs, $TARGETPLATFORM, constant platforms (convert.go buildDispatchStates). */
export function checkFrom(input: CheckInput): void {
  const { model, scanned, report } = input;
  const declared = new Set<string>([...PLATFORM_ARGS.keys(), ...model.globalArgs.keys()]);
  for (const stage of model.stages) {
    const instruction = stage.from.instruction;
    const entry = scanned[instruction.index];
    const base = stage.from.written ?? '';
    const platform = instruction.flags.find((flag) => flag.name === 'platform')?.value ?? undefined;
    const unmatched = [...variablesIn(base, model.escapeChar), ...(platform ? variablesIn(platform, model.escapeChar) : [])].filter((name) => !declared.has(name));
    for (const name of [...new Set(unmatched)].sort()) {
      const hint = suggest(name, declared);
      report({
        ruleId: 'UndefinedArgInFrom',
        message: `FROM argument '${name}' is not declared${hint ? ` (did you mean ${hint}?)` : ''}`,
        range: rangeOf(model, instruction, name),
        fixes: [],
        governing: entry,
      });
    }
    if (platform === undefined) continue;
    const flag = instruction.flags.find((candidate) => candidate.name === 'platform')!;
    if (/^\$(?:TARGETPLATFORM|\{TARGETPLATFORM(?::?[-+][^}]*)?\})$/.test(platform)) {
      const removal = flag.range.start.line === instruction.keywordRange.start.line ? removeFlagFix(model, flag.range) : [];
      report({
        ruleId: 'RedundantTargetPlatform',
        message: `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior`,
        range: flag.range,
        fixes: removal,
        governing: entry,
      });
    }
    if (!platform.includes('$')) {
      const parsed = parsePlatform(platform);
      const name = stage.from.stageName ?? '';
      if (parsed && !name.includes(parsed.os) && !name.includes(parsed.arch)) {
        report({ ruleId: 'FromPlatformFlagConstDisallowed', message: `FROM --platform flag should not use constant value ${JSON.stringify(platform)}`, range: flag.range, fixes: [], governing: entry });
      }
    }
  }
}

function removeFlagFix(model: DockerfileModel, range: Range): Fix[] {
  const line = model.lines[range.start.line];
  let end = range.end.character;
  while (line[end] === ' ' || line[end] === '\t') end++;
  return [{ title: 'Remove --platform (the target platform is the default)', edits: [replaceRange({ start: range.start, end: { line: range.start.line, character: end } }, '')], preferred: true }];
}

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos', 'wasip1']);
const ARCH_ALIASES: Record<string, string> = { 'x86-64': 'amd64', x86_64: 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', '386': '386' };
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);

/** containerd's platforms.Parse (normalised os and architecture), or undefined when it would fail. */
function parsePlatform(value: string): { os: string; arch: string } | undefined {
  const parts = value.toLowerCase().split('/');
  if (parts.some((part) => !/^[a-z0-9_.-]+$/.test(part)) || parts.length > 3) return undefined;
  const normalArch = (arch: string) => ARCH_ALIASES[arch] ?? arch;
  if (parts.length === 1) {
    if (KNOWN_OS.has(parts[0])) return { os: parts[0], arch: 'amd64' };
    const arch = normalArch(parts[0]);
    return KNOWN_ARCH.has(arch) ? { os: 'linux', arch } : undefined;
  }
  return { os: parts[0] === 'macos' ? 'darwin' : parts[0], arch: normalArch(parts[1]) };
}

/** validateBaseImagesWithDefaultArgs: the FROM image with only the ARG defaults must be a valid name. */
export function checkDefaultArgsInFrom(input: CheckInput): void {
  const { model, report } = input;
  const values = new Map<string, string>(PLATFORM_ARGS);
  for (const [name, value] of model.globalArgs) {
    if (value === null) values.delete(name);
    else values.set(name, value);
  }
  for (const stage of model.stages) {
    const base = stage.from.written;
    if (!base || !base.includes('$')) continue;
    const resolved = expandWith(base, values);
    if (isValidImageReference(resolved)) continue;
    report({
      ruleId: 'InvalidDefaultArgInFrom',
      message: `Default value for ARG ${base} results in empty or invalid base image name`,
      range: stage.from.imageRange ?? stage.from.instruction.keywordRange,
      fixes: [],
      governing: undefined,
    });
  }
}

