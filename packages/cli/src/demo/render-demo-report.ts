import { formatDuration } from '../format-duration.js';
import type { ProviderReport } from './run-scenarios.js';

export const demoHeading = 'auth-check demo: every flow against emulators started in-process\n';

/** One provider's block of the text report. */
export function renderProviderReport(report: ProviderReport): string {
  const nameWidth = Math.max(...report.scenarios.map((scenario) => scenario.name.length)) + 2;
  const lines = report.scenarios.map(
    (scenario) =>
      `  ${scenario.passed ? 'PASS' : 'FAIL'}  ${scenario.name.padEnd(nameWidth)}${formatDuration(scenario.durationMs).padStart(8)}  ${scenario.detail}`,
  );
  const passed = report.scenarios.filter((scenario) => scenario.passed).length;
  const requests = (count: number, kind: string) => `${count} ${kind} request${count === 1 ? '' : 's'}`;
  return [
    '',
    `${report.title}  ${report.url}`,
    ...lines,
    `  ${passed}/${report.scenarios.length} passed · ${requests(report.tokenRequests, 'token')} · ${requests(report.apiRequests, 'API')} · ${formatDuration(report.durationMs)}`,
    '',
  ].join('\n');
}

/** The last line. */
export function renderDemoSummary(reports: readonly ProviderReport[], durationMs: number): string {
  const scenarios = reports.flatMap((report) => report.scenarios);
  const failed = scenarios.filter((scenario) => !scenario.passed).length;
  return failed === 0
    ? `\nAll ${scenarios.length} scenarios passed in ${formatDuration(durationMs)}; emulators closed.\n`
    : `\n${failed} of ${scenarios.length} scenarios FAILED (${formatDuration(durationMs)}); emulators closed.\n`;
}
