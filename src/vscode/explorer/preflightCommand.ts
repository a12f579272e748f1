import * as vscode from 'vscode';
import { aqueductReferenceProblem } from '../../core/ecr/copyAs';
import type { PreflightCheck } from '../../core/images/preflight';
import type { Commands } from '../commands';
import { registryClientFor } from '../registryAccess';
import type { Explorer } from './explorer';
import { settings } from '../settings';
import { resolveImage } from './imagePick';

/** One check as Check Image reports it: `ok` is false only for a failed check (a skipped one says why in `detail`). */
export interface CheckImageResult {
  name: PreflightCheck['name'] | 'aqueduct-name';
  title: string;
  status: PreflightCheck['status'];
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface CheckImageReport {
  label: string;
  ok: boolean;
  targetPlatform: string;
  checks: CheckImageResult[];
}

const MARK = { pass: '✓', fail: '✗', skipped: '–' } as const;

/** The report as lines a person reads: each check, and under a failed one what to do. */
export function checkReportLines(report: CheckImageReport): string[] {
  return report.checks.map((check) => `${MARK[check.status]} ${check.title}: ${check.detail}${check.fix ? `\n    Fix: ${check.fix}` : ''}`);
}

/**
 * "Check Image" as a pre-flight of what Aqueduct's operator needs: the image exists and its
 * manifest is readable, it runs on the target platform (ecr.aqueduct.targetPlatform), an image
 * built from an Aqueduct base sets no ENTRYPOINT/CMD of its own and matches ecr.aqueduct.serverVersion,
 * and Aqueduct's image() can name it. Reads the manifest and config only, never a layer.
 */
export function preflightCommands(explorer: Explorer): Commands<'ecr.checkImage'> {
  return {
    'ecr.checkImage': async (arg): Promise<CheckImageReport | undefined> => {
      const resolved = await resolveImage(explorer, arg, 'Check Image');
      if (!resolved) return undefined;
      const { connection } = resolved;
      const target = { ...resolved.target, digest: resolved.target.tag ? undefined : resolved.target.digest };
      const label = `${target.repository}${target.tag ? `:${target.tag}` : `@${target.digest}`}`;
      // An image in the view belongs to no folder: the workspace's value.
      const text = (key: 'ecr.aqueduct.targetPlatform' | 'ecr.aqueduct.serverVersion') => settings.forResource(key, undefined).trim() || undefined;
      // A malformed platform is reported by the platform check itself, with how to write it.
      const aqueduct = { targetPlatform: text('ecr.aqueduct.targetPlatform') ?? 'linux/amd64', serverVersion: text('ecr.aqueduct.serverVersion') };
      const evaluated = await explorer.attempt(connection, `Could not check ${label}`, () =>
        explorer.withProgress(`Checking ${label} as Aqueduct's operator would…`, async () => {
          const [{ gatherPreflight, evaluatePreflight }, registry, ecr] = await Promise.all([import('../../core/images/preflight'), registryClientFor(connection, explorer.services.redactor, explorer.log), connection.client()]);
          const inputs = await gatherPreflight(ecr, registry, { repository: target.repository, reference: target.tag ?? target.digest ?? 'latest', registryId: connection.config.accountId }, aqueduct, { manifests: explorer.manifestCache });
          return evaluatePreflight(inputs);
        }),
      );
      if (!evaluated) return undefined;
      // Whatever Aqueduct's image() would fail on, the check fails on too (Copy As says the same).
      const problem = aqueductReferenceProblem(target);
      const named: CheckImageResult = problem
        ? { name: 'aqueduct-name', title: 'Named by image()', status: 'fail', ok: false, detail: problem.problem, fix: problem.fix }
        : { name: 'aqueduct-name', title: 'Named by image()', status: 'pass', ok: true, detail: `image("${target.repository}:${target.tag ?? 'latest'}")` };
      const checks: CheckImageResult[] = [...evaluated.checks.map((check) => ({ ...check, ok: check.status !== 'fail' })), named];
      const report: CheckImageReport = { label, ok: checks.every((check) => check.ok), targetPlatform: aqueduct.targetPlatform, checks };
      const lines = checkReportLines(report);
      explorer.log.info(`check ${label}:\n  ${lines.join('\n  ')}`);
      if (report.ok) {
        explorer.tell(`✓ ${label} passes Aqueduct's image check`);
        void vscode.window.showInformationMessage(`${label} passes Aqueduct's image check (${checks.filter((check) => check.status === 'pass').length} checks passed for ${aqueduct.targetPlatform}).`);
      } else {
        const failed = checks.filter((check) => !check.ok);
        explorer.tell(`✗ ${label} fails Aqueduct's image check: ${failed.map((check) => check.title).join(', ')}`);
        // Blocking for the person about to use the image: a modal, with every check and each fix.
        void explorer.services.modals.show('warning', `${label} fails Aqueduct's image check`, lines.join('\n\n'));
      }
      return report;
    },
  };
}
