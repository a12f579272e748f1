import { parseDockerfile } from '../dockerfile/parse';

/**
 * Where each instruction of a Dockerfile sits, so a failed build step ("Step 3/5 : RUN …" from the
 * classic builder, "[stage-1 2/4] RUN …" from BuildKit) can be pointed at its line.
 */
export interface DockerfileInstruction {
  /** Upper-cased keyword: FROM, RUN, COPY, … */
  readonly keyword: string;
  /** The instruction as one line (continuations joined), as the builders echo it. */
  readonly text: string;
  /** 0-based first and last line of the instruction in the file. */
  readonly startLine: number;
  readonly endLine: number;
  /** Stage this instruction belongs to: -1 for ARGs before the first FROM. */
  readonly stageIndex: number;
  /** Position inside its stage, FROM being 1 (BuildKit's "[2/4]" numbering). */
  readonly indexInStage: number;
}

export interface DockerfileStage {
  readonly index: number;
  readonly name?: string;
  readonly instructionCount: number;
}

export interface DockerfileOutline {
  readonly instructions: DockerfileInstruction[];
  readonly stages: DockerfileStage[];
}

/**
 * The outline from the one Dockerfile parser (core/dockerfile/parse.ts), so continuations,
 * comments, heredocs, here-strings and the escape directive are read exactly as the linter reads them.
 */
export function outlineDockerfile(content: string): DockerfileOutline {
  const model = parseDockerfile(content);
  const counts = model.stages.map(() => 0);
  const instructions = model.instructions.map((instruction): DockerfileInstruction => {
    const stageIndex = instruction.stage;
    const indexInStage = stageIndex < 0 ? 0 : ++counts[stageIndex];
    // The builders echo the instruction's own lines, not a heredoc's body.
    const bodyStart = Math.min(...instruction.heredocs.map((heredoc) => heredoc.contentRange?.start.line ?? Infinity));
    const words = instruction.rawArgs.filter((word) => word.range.start.line < bodyStart).map((word) => word.value);
    return {
      keyword: instruction.keyword,
      text: [instruction.keyword, ...words].join(' '),
      startLine: instruction.range.start.line,
      endLine: instruction.range.end.line,
      stageIndex,
      indexInStage,
    };
  });
  const stages = model.stages.map((stage, index) => ({ index, name: stage.from.stageName?.toLowerCase(), instructionCount: counts[index] }));
  return { instructions, stages };
}

/**
 * The classic builder numbers every instruction in file order, ARGs before FROM included:
 * "Step 3/5 : RUN …" is the third instruction.
 */
export function instructionForClassicStep(outline: DockerfileOutline, step: number): DockerfileInstruction | undefined {
  return outline.instructions[step - 1];
}

/**
 * BuildKit names a step "[<stage> i/n] TEXT" with the stage's alias or "stage-N", or "[i/n] TEXT"
 * for a single-stage file; i counts from the stage's FROM.
 */
export function instructionForBuildkitVertex(outline: DockerfileOutline, vertexName: string): DockerfileInstruction | undefined {
  const match = /^\[(?:(\S+)\s+)?(\d+)\/(\d+)\]\s*(.*)$/.exec(vertexName.trim());
  if (!match) return undefined;
  const [, stageLabel, index] = match;
  let stageIndex: number | undefined;
  if (stageLabel === undefined) {
    stageIndex = outline.stages.length - 1;
  } else {
    const numbered = /^stage-(\d+)$/.exec(stageLabel);
    stageIndex = numbered ? Number(numbered[1]) : outline.stages.find((stage) => stage.name === stageLabel.toLowerCase())?.index;
  }
  if (stageIndex === undefined) return undefined;
  return outline.instructions.find((instruction) => instruction.stageIndex === stageIndex && instruction.indexInStage === Number(index));
}

/** Errors that name the line themselves ("dockerfile parse error line 7: unknown instruction: RUNN"). */
export function lineFromBuildError(message: string): number | undefined {
  const match = /(?:dockerfile parse error (?:on )?line|Dockerfile:)\s*(\d+)/i.exec(message);
  return match ? Number(match[1]) - 1 : undefined;
}
