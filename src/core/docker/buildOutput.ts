import { decodeBuildkitStatus, type BuildkitVertex } from './buildkitTrace';
import { streamEventError, type DockerStreamEvent } from './dockerStream';
import {
  instructionForBuildkitVertex,
  instructionForClassicStep,
  lineFromBuildError,
  type DockerfileInstruction,
  type DockerfileOutline,
} from './dockerfileSteps';

/** What went wrong in a build, pointed at the Dockerfile where possible. */
export interface BuildStepFailure {
  message: string;
  /** "Step 3/5 : RUN false" or BuildKit's "[2/3] RUN false". */
  step?: string;
  /** The failing instruction, when the step could be mapped to the Dockerfile. */
  instruction?: DockerfileInstruction;
  /** 0-based Dockerfile line of the failure. */
  line?: number;
  /** The last lines the step printed before failing. */
  output: string[];
}

const KEPT_OUTPUT_LINES = 40;

/**
 * Terminal control sequences a build step printed (the classic builder wraps stderr in
 * `ESC[91m` … `ESC[0m`). Stripped so Problems, the log and the terminal show plain text.
 */
// eslint-disable-next-line no-control-regex -- ESC and BEL are exactly what is matched
const TERMINAL_SEQUENCES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** `text` without terminal colour or cursor sequences. */
export function stripTerminalSequences(text: string): string {
  return text.replace(TERMINAL_SEQUENCES, '');
}

/**
 * Turns a build stream (classic builder or BuildKit) into lines for the terminal, remembers the
 * current step and its output, the built image id, and the first error.
 */
export class BuildOutputReader {
  imageId: string | undefined;
  failure: BuildStepFailure | undefined;
  private partial = '';
  private currentStep: { label: string; instruction?: DockerfileInstruction } | undefined;
  private stepOutput: string[] = [];
  private readonly vertexes = new Map<string, BuildkitVertex & { announced?: boolean; number: number }>();
  private readonly outputByVertex = new Map<string, string[]>();

  constructor(private readonly outline: DockerfileOutline) {}

  /** Returns the complete lines this event adds to the display. */
  accept(event: DockerStreamEvent): string[] {
    const lines: string[] = [];
    if (typeof event.stream === 'string') {
      lines.push(...this.acceptClassicText(event.stream));
    }
    if (event.id === 'moby.buildkit.trace' && typeof event.aux === 'string') {
      lines.push(...this.acceptBuildkit(event.aux));
    } else if (event.aux && typeof event.aux === 'object' && typeof (event.aux as { ID?: unknown }).ID === 'string') {
      this.imageId = (event.aux as { ID: string }).ID;
    } else if (typeof event.status === 'string' && !streamEventError(event)) {
      // Base image pulls inside a build report per-layer status; show the final states only.
      if (!event.progressDetail?.total) lines.push(event.id ? `${event.id}: ${event.status}` : event.status);
    }
    const reported = streamEventError(event);
    const error = reported === undefined ? undefined : stripTerminalSequences(reported);
    if (error) {
      lines.push(...this.flushPartial());
      this.recordFailure(error);
      lines.push(`ERROR: ${error}`);
    }
    return lines;
  }

  /** Lines still held back waiting for their newline when the stream ends. */
  finish(): string[] {
    return this.flushPartial();
  }

  private flushPartial(): string[] {
    if (!this.partial) return [];
    const line = this.partial;
    this.partial = '';
    this.noteOutput(line);
    return [line];
  }

  private acceptClassicText(text: string): string[] {
    const pieces = (this.partial + stripTerminalSequences(text)).split(/\r?\n/);
    this.partial = pieces.pop() ?? '';
    for (const line of pieces) {
      const step = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
      if (step) {
        this.currentStep = { label: line, instruction: instructionForClassicStep(this.outline, Number(step[1])) };
        this.stepOutput = [];
        continue;
      }
      const built = /^Successfully built ([0-9a-f]{12,64})$/.exec(line);
      if (built && !this.imageId) this.imageId = built[1];
      this.noteOutput(line);
    }
    return pieces;
  }

  private noteOutput(line: string): void {
    // The classic builder's own bookkeeping lines are not what the step printed.
    if (/^ ---> /.test(line) || /^Removing intermediate container/.test(line)) return;
    this.stepOutput.push(line);
    if (this.stepOutput.length > KEPT_OUTPUT_LINES) this.stepOutput.shift();
  }

  private acceptBuildkit(payload: string): string[] {
    let status;
    try {
      status = decodeBuildkitStatus(payload);
    } catch {
      return [];
    }
    const lines: string[] = [];
    for (const vertex of status.vertexes) {
      const known = this.vertexes.get(vertex.digest);
      const merged = { ...(known ?? { number: this.vertexes.size + 1 }), ...vertex, announced: known?.announced };
      this.vertexes.set(vertex.digest, merged);
      if (!merged.announced && (vertex.started || vertex.cached || vertex.error)) {
        merged.announced = true;
        lines.push(`#${merged.number} ${vertex.name}${vertex.cached ? ' CACHED' : ''}`);
      }
      if (vertex.error) {
        this.currentStep = { label: vertex.name, instruction: instructionForBuildkitVertex(this.outline, vertex.name) };
        this.stepOutput = (this.outputByVertex.get(vertex.digest) ?? []).slice(-KEPT_OUTPUT_LINES);
        lines.push(`#${merged.number} ERROR: ${vertex.error}`);
      }
    }
    for (const log of status.logs) {
      const number = this.vertexes.get(log.vertex)?.number ?? 0;
      const output = this.outputByVertex.get(log.vertex) ?? [];
      for (const line of stripTerminalSequences(log.message).replace(/\r?\n$/, '').split(/\r?\n/)) {
        output.push(line);
        lines.push(`#${number} ${line}`);
      }
      this.outputByVertex.set(log.vertex, output.slice(-KEPT_OUTPUT_LINES));
    }
    return lines;
  }

  private recordFailure(message: string): void {
    if (this.failure) return;
    const namedLine = lineFromBuildError(message);
    const instruction = namedLine === undefined ? this.currentStep?.instruction : this.outline.instructions.find((i) => i.startLine <= namedLine && namedLine <= i.endLine);
    this.failure = {
      message,
      step: this.currentStep?.label,
      instruction,
      line: namedLine ?? instruction?.startLine,
      output: [...this.stepOutput],
    };
  }
}
