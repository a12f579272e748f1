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

export function outlineDockerfile(content: string): DockerfileOutline {
  const lines = content.split(/\r?\n/);
  let escape = '\\';
  const instructions: DockerfileInstruction[] = [];
  let stageIndex = -1;
  let indexInStage = 0;
  const stages: Array<{ index: number; name?: string; instructionCount: number }> = [];
  let inDirectives = true;

  let line = 0;
  while (line < lines.length) {
    const raw = lines[line];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      // Parser directives (# escape=`) are only honoured before the first instruction.
      const directive = inDirectives ? /^#\s*escape\s*=\s*(\S)\s*$/i.exec(trimmed) : null;
      if (directive) escape = directive[1];
      line++;
      continue;
    }
    inDirectives = false;
    const startLine = line;
    const parts: string[] = [];
    let current = raw;
    // Join continuation lines; comment and blank lines inside a continuation are skipped, as Docker does.
    for (;;) {
      const withoutTrailing = current.replace(/\s+$/, '');
      if (withoutTrailing.endsWith(escape) && line + 1 < lines.length) {
        parts.push(withoutTrailing.slice(0, -1));
        line++;
        while (line < lines.length && (lines[line].trim() === '' || lines[line].trim().startsWith('#'))) line++;
        if (line >= lines.length) break;
        current = lines[line];
        continue;
      }
      parts.push(withoutTrailing);
      break;
    }
    let endLine = line;
    const text = parts.map((part, index) => (index === 0 ? part.trim() : part.trim())).join(' ').trim();
    const keyword = (/^(\S+)/.exec(text)?.[1] ?? '').toUpperCase();
    // Heredocs (RUN <<EOF … EOF) run until their terminator line.
    const heredocs = [...text.matchAll(/<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g)].map((match) => match[1]);
    for (const terminator of heredocs) {
      while (endLine + 1 < lines.length) {
        endLine++;
        if (lines[endLine].trim() === terminator) break;
      }
    }
    line = endLine + 1;

    if (keyword === 'FROM') {
      stageIndex++;
      indexInStage = 0;
      const alias = /\bAS\s+(\S+)\s*$/i.exec(text)?.[1];
      stages.push({ index: stageIndex, name: alias?.toLowerCase(), instructionCount: 0 });
    }
    indexInStage = stageIndex < 0 ? 0 : indexInStage + 1;
    if (stageIndex >= 0) stages[stageIndex].instructionCount++;
    instructions.push({ keyword, text, startLine, endLine, stageIndex, indexInStage });
  }
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
