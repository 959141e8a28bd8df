import { formatDuration } from '../format-duration.js';
import type { ProviderReport } from './run-scenarios.js';

export const demoHeading = 'auth-check demo: every flow against emulators started in-process\n';

/** One provider's block of the text report. */
export function renderProviderReport(report: ProviderReport): string {
  const nameWidth = Math.max(...report.scenarios.map((scenario) => scenario.name.length)) + 2;
  const lines = report.scenarios.map(
    (scenario) =>
      `  ${scenario.skipped ? 'SKIP' : scenario.passed ? 'PASS' : 'FAIL'}  ${scenario.name.padEnd(nameWidth)}${formatDuration(scenario.durationMs).padStart(8)}  ${scenario.detail}`,
  );
  const passed = report.scenarios.filter((scenario) => scenario.passed).length;
  const skipped = report.scenarios.filter((scenario) => scenario.skipped).length;
  const requests = (count: number, kind: string) => `${count} ${kind} request${count === 1 ? '' : 's'}`;
  return [
    '',
    `${report.title}  ${report.url}`,
    ...lines,
    `  ${passed}/${report.scenarios.length} passed${skipped === 0 ? '' : `, ${skipped} skipped`} · ${requests(report.tokenRequests, 'token')} · ${requests(report.apiRequests, 'API')} · ${formatDuration(report.durationMs)}`,
    '',
  ].join('\n');
}

/** The last line; skipped scenarios are counted apart, never as passed or failed. */
export function renderDemoSummary(reports: readonly ProviderReport[], durationMs: number): string {
  const scenarios = reports.flatMap((report) => report.scenarios);
  const skipped = scenarios.filter((scenario) => scenario.skipped).length;
  const failed = scenarios.filter((scenario) => !scenario.passed && !scenario.skipped).length;
  const ran = scenarios.length - skipped;
  const skippedNote = skipped === 0 ? '' : `, ${skipped} skipped,`;
  return failed === 0
    ? `\nAll ${ran} scenarios passed${skippedNote} in ${formatDuration(durationMs)}; emulators closed.\n`
    : `\n${failed} of ${ran} scenarios FAILED${skipped === 0 ? '' : `, ${skipped} skipped`} (${formatDuration(durationMs)}); emulators closed.\n`;
}
