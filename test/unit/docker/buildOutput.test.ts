import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BuildOutputReader, stripTerminalSequences } from '../../../src/core/docker/buildOutput';
import { DockerStreamDecoder, streamEventError } from '../../../src/core/docker/dockerStream';
import { instructionForBuildkitVertex, outlineDockerfile } from '../../../src/core/docker/dockerfileSteps';

const DOCKERFILE = [
  '# syntax=docker/dockerfile:1', // 0
  'ARG BASE=0.3.6', // 1
  'FROM aqueducthq/function310:${BASE} AS deps', // 2
  '', // 3
  'RUN echo one \\', // 4
  '  # a comment inside a continuation', // 5
  '  && echo two', // 6
  'FROM aqueducthq/function310:${BASE}', // 7
  'COPY --from=deps /x /x', // 8
  'RUN <<EOF', // 9
  'echo heredoc', // 10
  'EOF', // 11
  'RUN exit 3', // 12
].join('\n');

describe('Docker progress streams', () => {
  it('splits chunked JSON lines, however the bytes arrive', () => {
    const decoder = new DockerStreamDecoder();
    const text = '{"stream":"Step 1/2 : FROM x\\n"}\r\n{"status":"Pushing","id":"abc"}\n{"errorDetail":{"message":"boom"},"error":"boom"}\n';
    const events = [];
    for (let index = 0; index < text.length; index += 7) events.push(...decoder.push(Buffer.from(text.slice(index, index + 7))));
    events.push(...decoder.end());
    assert.equal(events.length, 3);
    assert.equal(streamEventError(events[2]), 'boom');
  });

  it('finds errors in any event of a 200 stream: errorDetail, error, or both', () => {
    assert.equal(streamEventError({ errorDetail: { message: 'unauthorized: authentication required' } }), 'unauthorized: authentication required');
    assert.equal(streamEventError({ error: 'denied' }), 'denied');
    assert.equal(streamEventError({ status: 'Pushed', id: 'abc' }), undefined);
  });

  it('keeps non-JSON text (a proxy error page) instead of dropping it', () => {
    const decoder = new DockerStreamDecoder();
    assert.deepEqual(decoder.push('<html>502 Bad Gateway</html>\n'), [{ stream: '<html>502 Bad Gateway</html>\n' }]);
  });
});

describe('Dockerfile outline', () => {
  it('numbers instructions like the builders do, with continuations, comments and heredocs', () => {
    const outline = outlineDockerfile(DOCKERFILE);
    assert.deepEqual(
      outline.instructions.map((instruction) => [instruction.keyword, instruction.startLine, instruction.endLine, instruction.stageIndex, instruction.indexInStage]),
      [
        ['ARG', 1, 1, -1, 0],
        ['FROM', 2, 2, 0, 1],
        ['RUN', 4, 6, 0, 2],
        ['FROM', 7, 7, 1, 1],
        ['COPY', 8, 8, 1, 2],
        ['RUN', 9, 11, 1, 3],
        ['RUN', 12, 12, 1, 4],
      ],
    );
    assert.equal(outline.instructions[2].text, 'RUN echo one && echo two');
    assert.equal(instructionForBuildkitVertex(outline, '[deps 2/2] RUN echo one && echo two')?.startLine, 4);
    assert.equal(instructionForBuildkitVertex(outline, '[stage-1 4/4] RUN exit 3')?.startLine, 12);
    assert.equal(outline.instructions[5].text, 'RUN <<EOF');
  });

  it('a here-string (<<<) is not a heredoc: the rest of the file keeps its own steps and lines (issue 11)', () => {
    // The old outline read `<<< "x"` as a heredoc named x and swallowed every later line into this RUN.
    const outline = outlineDockerfile('FROM a\nRUN grep -q foo <<< "x"\nRUN echo after\nRUN exit 4\n');
    assert.deepEqual(
      outline.instructions.map((instruction) => [instruction.keyword, instruction.startLine, instruction.endLine]),
      [
        ['FROM', 0, 0],
        ['RUN', 1, 1],
        ['RUN', 2, 2],
        ['RUN', 3, 3],
      ],
    );
    const reader = new BuildOutputReader(outline);
    reader.accept({ stream: 'Step 4/4 : RUN exit 4\n' });
    reader.accept({ errorDetail: { message: "The command '/bin/sh -c exit 4' returned a non-zero code: 4" }, error: "The command '/bin/sh -c exit 4' returned a non-zero code: 4" });
    assert.equal(reader.failure?.line, 3, 'the failed step keeps its Dockerfile line');
  });
});

describe('BuildOutputReader (classic builder)', () => {
  it('maps "Step 7/7" of a failed build to its Dockerfile line and keeps the step output', () => {
    const reader = new BuildOutputReader(outlineDockerfile(DOCKERFILE));
    const shown: string[] = [];
    const events = [
      { stream: 'Step 1/7 : ARG BASE=0.3.6\n' },
      { stream: 'Step 6/7 : RUN <<EOF\n ---> Using cache\n ---> 1234abcd\n' },
      { stream: 'Step 7/7 : RUN exit 3\n' },
      { stream: ' ---> Running in 5f2c\n' },
      { stream: 'about to fail' },
      { stream: '\n' },
      { errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" },
    ];
    for (const event of events) shown.push(...reader.accept(event));
    assert.ok(shown.includes('Step 7/7 : RUN exit 3'));
    assert.ok(shown.includes("ERROR: The command '/bin/sh -c exit 3' returned a non-zero code: 3"));
    assert.equal(reader.failure?.step, 'Step 7/7 : RUN exit 3');
    assert.equal(reader.failure?.line, 12);
    assert.deepEqual(reader.failure?.output, ['about to fail']);
    assert.equal(reader.imageId, undefined);
  });

  it('drops the colour codes the classic builder wraps stderr in, from lines, step output and the error', () => {
    const reader = new BuildOutputReader(outlineDockerfile('FROM a\nRUN pip install x\n'));
    const shown: string[] = [];
    for (const event of [
      { stream: 'Step 2/2 : RUN pip install x\n' },
      { stream: ' ---> Running in 5f2c\n' },
      { stream: '\u001b[91m/bin/sh: pip: not found\n' },
      { stream: '\u001b[0mRemoving intermediate container 5f2c\n' },
      { errorDetail: { message: "\u001b[91mThe command '/bin/sh -c pip install x' returned a non-zero code: 127" } },
    ]) shown.push(...reader.accept(event));
    assert.ok(shown.includes('/bin/sh: pip: not found'));
    assert.ok(shown.every((line) => !line.includes('\u001b')), shown.join('|'));
    assert.deepEqual(reader.failure?.output, ['/bin/sh: pip: not found']);
    assert.equal(reader.failure?.message, "The command '/bin/sh -c pip install x' returned a non-zero code: 127");
    assert.equal(stripTerminalSequences('\u001b[1;31mred\u001b[0m \u001b]0;title\u0007done'), 'red done');
  });

  it('takes the line from a parse error that names it', () => {
    const reader = new BuildOutputReader(outlineDockerfile('FROM a\nRUNN x\n'));
    reader.accept({ errorDetail: { message: 'dockerfile parse error line 2: unknown instruction: RUNN' } });
    assert.equal(reader.failure?.line, 1);
  });

  it('records the built image id', () => {
    const reader = new BuildOutputReader(outlineDockerfile('FROM a\n'));
    reader.accept({ aux: { ID: 'sha256:abc' } });
    reader.accept({ stream: 'Successfully built 0123456789ab\n' });
    assert.equal(reader.imageId, 'sha256:abc');
  });
});

/** Minimal protobuf writer for the StatusResponse fields the reader decodes. */
function field(number: number, value: Buffer | string | number): Buffer {
  const varint = (n: number) => {
    const bytes: number[] = [];
    do {
      bytes.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    return Buffer.from(bytes);
  };
  if (typeof value === 'number') return Buffer.concat([varint((number << 3) | 0), varint(value)]);
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}
const timestamp = field(1, 1_700_000_000);

describe('BuildOutputReader (BuildKit trace)', () => {
  it('shows steps and their output, and maps the failed vertex to its line', () => {
    const reader = new BuildOutputReader(outlineDockerfile(DOCKERFILE));
    const vertex = Buffer.concat([field(1, 'sha256:v1'), field(3, '[stage-1 4/4] RUN exit 3'), field(5, timestamp)]);
    const log = Buffer.concat([field(1, 'sha256:v1'), field(3, 1), field(4, 'about to fail\n')]);
    const failed = Buffer.concat([field(1, 'sha256:v1'), field(3, '[stage-1 4/4] RUN exit 3'), field(5, timestamp), field(6, timestamp), field(7, 'process "/bin/sh -c exit 3" did not complete successfully: exit code: 3')]);
    const trace = (...parts: Buffer[]) => ({ id: 'moby.buildkit.trace', aux: Buffer.concat(parts).toString('base64') });
    const shown = [
      ...reader.accept(trace(field(1, vertex))),
      ...reader.accept(trace(field(3, log))),
      ...reader.accept(trace(field(1, failed))),
      ...reader.accept({ errorDetail: { message: 'process "/bin/sh -c exit 3" did not complete successfully: exit code: 3' } }),
    ];
    assert.deepEqual(shown.slice(0, 3), ['#1 [stage-1 4/4] RUN exit 3', '#1 about to fail', '#1 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3']);
    assert.equal(reader.failure?.step, '[stage-1 4/4] RUN exit 3');
    assert.equal(reader.failure?.line, 12);
    assert.deepEqual(reader.failure?.output, ['about to fail']);
  });
});
