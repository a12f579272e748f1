// node heartbeat.mjs <label> <log file> <command> [args…]
// Runs the command with its output in the log file and prints "<label>: still running (N s) …"
// with the log's last line every 15 s, so a long install is never silent. Exits with its code.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeSync } from 'node:fs';

const [label, logFile, command, ...args] = process.argv.slice(2);
const out = openSync(logFile, 'w');
const started = Date.now();
const child = spawn(command, args, { stdio: ['ignore', out, out] });
const lastLine = () => {
  try {
    const lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line.trim());
    return (lines.at(-1) ?? '').trim().slice(0, 120);
  } catch {
    return '';
  }
};
const timer = setInterval(() => {
  const last = lastLine();
  process.stderr.write(`[setup] ${label}: still running (${Math.round((Date.now() - started) / 1000)} s)${last ? ` · ${last}` : ''}\n`);
}, Number(process.env.ECR_WB_HEARTBEAT_MS) || 15_000);
child.on('error', (error) => {
  writeSync(out, `could not start ${command}: ${error.message}\n`);
  clearInterval(timer);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  clearInterval(timer);
  process.exit(code ?? (signal ? 128 : 1));
});
