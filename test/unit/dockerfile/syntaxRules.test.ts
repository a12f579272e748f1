import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, covered, lines, lint, none, only } from './helpers';

describe('syntax rules', () => {
  it('DF001: unknown instruction on the keyword, with a typo fix', () => {
    const source = lines('FROM debian:12', 'RUNN echo hi');
    const diagnostic = only(source, 'DF001');
    assert.equal(diagnostic.severity, 'error');
    assert.equal(covered(source, diagnostic.range), 'RUNN');
    assert.equal(applyFix(source, diagnostic, 'Change to'), lines('FROM debian:12', 'RUN echo hi'));
    const prose = lines('FROM debian:12', 'hello world');
    assert.deepEqual(only(prose, 'DF001').fixes.map((fix) => fix.title), ['Ignore DF001 for this instruction']);
  });

  it('DF001 accepts lower-case keywords', () => none(lines('from debian:12', 'run echo hi', 'workdir /x'), 'DF001'));

  it('DF002: missing arguments', () => {
    const source = lines('FROM debian:12', 'WORKDIR', 'COPY');
    assert.deepEqual(lint(source).filter((d) => d.ruleId === 'DF002').map((d) => covered(source, d.range)), ['WORKDIR', 'COPY']);
    assert.equal(covered(lines('FROM --platform=linux/amd64'), only(lines('FROM --platform=linux/amd64'), 'DF002').range), 'FROM');
  });

  it('DF003: unknown flag on the flag name, DF004: flag without value', () => {
    const source = lines('FROM debian:12', 'COPY --form=build --chown /a /b');
    assert.equal(covered(source, only(source, 'DF003').range), '--form');
    assert.equal(covered(source, only(source, 'DF004').range), '--chown');
    none(lines('FROM debian:12', 'COPY --from=build --chown=1:1 --link /a /b', 'RUN --mount=type=cache,target=/x true'), 'DF003');
  });

  it('DF005: instructions before the first FROM', () => {
    const source = lines('ARG V=1', 'RUN echo', 'FROM debian:12');
    assert.equal(covered(source, only(source, 'DF005').range), 'RUN');
    none(lines('ARG V=1', 'FROM debian:12'), 'DF005');
  });

  it('DF006: an unterminated heredoc', () => {
    const source = lines('FROM debian:12', 'RUN <<EOF', 'echo hi');
    assert.equal(covered(source, only(source, 'DF006').range), '<<EOF');
    none(lines('FROM debian:12', 'RUN <<EOF', 'echo hi', 'EOF'), 'DF006');
  });

  it('DF007: FROM with stray arguments', () => {
    const source = lines('FROM debian:12 build');
    assert.equal(covered(source, only(source, 'DF007').range), 'build');
    none(lines('FROM debian:12 AS build'), 'DF007');
  });
});
