// The shell analysis looks through commands that run another command (issue 22, item 4): what the
// wrapped command does is checked as if it ran alone, and the wrapper keeps its own findings (sudo: DL3004).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, findings, lines } from './helpers';

const FROM = 'FROM debian:12.5';
const ids = (text: string, ruleIds: string[]) => ruleIds.filter((id) => findings(text, id).length > 0);

describe('command wrappers', () => {
  const cases: Array<[string, string, string[]]> = [
    ['conda run -n ENV', 'RUN conda run -n py310_env pip install numpy', ['DL3013', 'DL3042']],
    ['conda run --name=ENV --no-capture-output', 'RUN conda run --name=base --no-capture-output pip install numpy', ['DL3013', 'DL3042']],
    ['mamba run -p PREFIX', 'RUN mamba run -p /opt/env pip install numpy', ['DL3013', 'DL3042']],
    ['micromamba run -n ENV', 'RUN micromamba run -n base pip install numpy', ['DL3013', 'DL3042']],
    ['env VAR=… (and -u NAME)', 'RUN env -u HOME DEBIAN_FRONTEND=noninteractive apt-get install curl', ['DL3008', 'DL3014', 'DL3015']],
    ['sudo -u USER', 'RUN sudo -u root -E apt-get install curl', ['DL3004', 'DL3008', 'DL3014', 'DL3015']],
    ['nice -n N', 'RUN nice -n 10 npm install sax', ['DL3016']],
    ['nice -N', 'RUN nice -10 gem install rails', ['DL3028']],
    ['ionice -c N', 'RUN ionice -c 3 apk add curl', ['DL3018', 'DL3019']],
    ['xargs -r', 'RUN cat list | xargs -r apt-get install', ['DL3014', 'DL3015']],
    ['xargs -I {}', 'RUN echo x | xargs -I {} pip install {}', ['DL3013', 'DL3042']],
    ['exec -a NAME', 'RUN exec -a pip pip install numpy', ['DL3013', 'DL3042']],
    ['time', 'RUN time go install example.com/tool', ['DL3062']],
    ['time -p', 'RUN time -p yarn install', ['DL3060']],
    ['nohup', 'RUN nohup dnf install httpd', ['DL3038', 'DL3040', 'DL3041']],
    ['timeout -s SIG DURATION', 'RUN timeout -s KILL 300 yum install httpd', ['DL3030', 'DL3032', 'DL3033']],
    ['stdbuf -oL', 'RUN stdbuf -oL zypper install httpd', ['DL3034', 'DL3036', 'DL3037']],
    ['gosu USER', 'RUN gosu app pip install numpy', ['DL3013', 'DL3042']],
    ['su-exec USER', 'RUN su-exec app npm install sax', ['DL3016']],
    ['flock FILE', 'RUN flock /tmp/lock apt-get install -y curl', ['DL3008', 'DL3015']],
    ['eatmydata', 'RUN eatmydata apt-get install -y curl', ['DL3008', 'DL3015']],
    ['wrappers nested', 'RUN sudo env A=1 nice -n 5 pip install numpy', ['DL3004', 'DL3013', 'DL3042']],
  ];
  const rules = ['DL3004', 'DL3008', 'DL3013', 'DL3014', 'DL3015', 'DL3016', 'DL3018', 'DL3019', 'DL3028', 'DL3030', 'DL3032', 'DL3033', 'DL3034', 'DL3036', 'DL3037', 'DL3038', 'DL3040', 'DL3041', 'DL3042', 'DL3060', 'DL3062'];
  for (const [name, run, expected] of cases) {
    it(`${name}: ${run}`, () => assert.deepEqual(ids(lines(FROM, run), rules), expected));
  }

  it('a wrapper sets the environment of the command it runs: env PIP_NO_CACHE_DIR=1 pip …', () => {
    assert.deepEqual(ids(lines(FROM, 'RUN env PIP_NO_CACHE_DIR=1 pip install numpy==1.26.4'), ['DL3042']), []);
  });

  it('a wrapper alone, or running a variable, checks nothing more', () => {
    assert.deepEqual(ids(lines(FROM, 'RUN env && nice && conda run -n x $TOOL install y && timeout 5'), rules), []);
  });

  it('a wrapped command is part of its RUN, not a second command (DL3059 still asks about single-command RUNs)', () => {
    assert.equal(findings(lines(FROM, 'RUN echo a', 'RUN sudo apt-get update'), 'DL3059').length, 1);
  });

  it('a [ … ] test is a condition, not a command: RUN [ -e /x ] && grep … is a single-command RUN (DL3059)', () => {
    assert.equal(findings(lines(FROM, 'RUN echo a', 'RUN [ -e /etc/nsswitch.conf ] && grep hosts /etc/nsswitch.conf'), 'DL3059').length, 1);
    assert.equal(findings(lines(FROM, 'RUN echo a', 'RUN test -e /x && grep hosts /x'), 'DL3059').length, 0);
  });

  it("after AQ008's fix (conda run -n … pip), DL3013 and DL3042 still show", () => {
    const text = lines('FROM aqueducthq/gpu_cuda1180_py310:0.3.6', 'RUN pip install numpy');
    const [aq008] = findings(text, 'AQ008', { serverVersion: '0.3.6' });
    assert.ok(aq008, 'AQ008 fires on plain pip on a GPU base');
    const fixed = applyFix(text, aq008);
    assert.match(fixed, /conda run -n py310_env pip install numpy/);
    assert.deepEqual(ids(fixed, ['DL3013', 'DL3042']), ['DL3013', 'DL3042']);
  });
});
