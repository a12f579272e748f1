import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aqueductHover, aqueductImageCompletions, aqueductTagCompletions, fromCompletionContext } from '../../../src/core/dockerfile/assist';
import { parseDockerfile } from '../../../src/core/dockerfile/parse';
import { lines } from './helpers';

describe('hover on Aqueduct FROM', () => {
  it('explains Python, CUDA, the conda environment and the start script', () => {
    const model = parseDockerfile(lines('FROM aqueducthq/gpu_cuda1180_py310:0.3.6'));
    const hover = aqueductHover(model, { line: 0, character: 12 }, '0.3.6')!;
    assert.match(hover.markdown, /Python 3\.10/);
    assert.match(hover.markdown, /CUDA 11\.8\.0/);
    assert.match(hover.markdown, /conda run -n py310_env pip install/);
    assert.match(hover.markdown, /start script/);
    assert.deepEqual(hover.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 40 } });
  });

  it('says when the tag differs from the server, and nothing for other images', () => {
    const model = parseDockerfile(lines('FROM aqueducthq/function39:0.3.2', 'FROM python:3.9'));
    assert.match(aqueductHover(model, { line: 0, character: 30 }, '0.3.6')!.markdown, /differs from your server version `0\.3\.6`/);
    assert.equal(aqueductHover(model, { line: 1, character: 7 }, '0.3.6'), undefined);
  });
});

describe('FROM completion', () => {
  it('knows whether the cursor is in the name or the tag', () => {
    assert.deepEqual(fromCompletionContext('FROM aqueducthq/fun', 0, 19), { kind: 'image', prefix: 'aqueducthq/fun', range: { start: { line: 0, character: 5 }, end: { line: 0, character: 19 } } });
    const tag = fromCompletionContext('FROM --platform=linux/amd64 aqueducthq/function310:0.3', 3, 54);
    assert.equal(tag?.kind, 'tag');
    assert.equal(tag?.kind === 'tag' && tag.imageName, 'aqueducthq/function310');
    assert.equal(fromCompletionContext('RUN aqueducthq', 0, 14), undefined);
    assert.equal(fromCompletionContext('FROM a:1 AS x', 0, 13), undefined);
  });

  it('offers every Aqueduct image and the server version first as tag', () => {
    const names = aqueductImageCompletions().map((item) => item.label);
    assert.equal(names.length, 4 + 8 + 6);
    assert.ok(names.includes('aqueducthq/gpu_cuda1141_py37') && names.includes('aqueducthq/llm_cuda1180_py310'));
    assert.deepEqual(aqueductTagCompletions('aqueducthq/function310', '0.3.4')!.map((item) => item.label), ['0.3.4', '0.3.6', '0.3.5', '0.3.3', '0.3.2', '0.3.1']);
    assert.equal(aqueductTagCompletions('python', '0.3.4'), undefined);
  });
});
