/** One printed figure: a row of the table and of latest.json. */
export interface Figure {
  scenario: string;
  contender: string;
  /** What is measured, e.g. "throughput / bare ky". */
  figure: string;
  value: number | null;
  /** The value as printed. */
  shown: string;
  /** The target as printed, e.g. "≥ 0.97"; absent for figures shown for comparison only. */
  target?: string;
  /** PASS/MISS against the target; absent without a target. */
  pass?: boolean;
  /** How far off a missed target is, and other remarks. */
  note?: string;
}

export interface ScenarioResult {
  scenario: string;
  /** The scenario did not run: why. */
  skipped?: string;
  figures: Figure[];
  /** Raw measurements, written to latest.json. */
  details?: unknown;
  durationMs: number;
}

/** A figure with an optional target `value >= min` or `value <= max` (or `=== exactly`). */
export function figure(
  base: Omit<Figure, 'pass' | 'target' | 'shown'> & { shown?: string },
  target?: { min?: number; max?: number; exactly?: number; unit?: string },
): Figure {
  const shown = base.shown ?? format(base.value);
  if (!target) return { ...base, shown };
  const unit = target.unit ?? '';
  const value = base.value;
  let pass: boolean;
  let text: string;
  let miss = '';
  if (target.exactly !== undefined) {
    pass = value === target.exactly;
    text = `= ${target.exactly}${unit}`;
    if (!pass && value !== null) miss = `${format(value - target.exactly, true)}${unit} off`;
  } else if (target.min !== undefined) {
    pass = value !== null && value >= target.min;
    text = `≥ ${target.min}${unit}`;
    if (!pass && value !== null) miss = `${format(target.min - value)}${unit} short (${percent(value, target.min)})`;
  } else {
    const max = target.max!;
    pass = value !== null && value <= max;
    text = `≤ ${max}${unit}`;
    if (!pass && value !== null) miss = `${format(value - max)}${unit} over (${percent(value, max)})`;
  }
  const note = [miss, base.note].filter(Boolean).join('; ');
  return { ...base, shown, target: text, pass, ...(note ? { note } : {}) };
}

function percent(value: number, reference: number): string {
  if (reference === 0) return 'n/a';
  const delta = ((value - reference) / Math.abs(reference)) * 100;
  return `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}%`;
}

export function format(value: number | null, signed = false): string {
  if (value === null || Number.isNaN(value)) return '—';
  const sign = signed && value > 0 ? '+' : '';
  if (Number.isInteger(value)) return `${sign}${value}`;
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return `${sign}${value.toFixed(digits)}`;
}

const header = ['scenario', 'contender', 'figure', 'value', 'target', 'result'];

/** One row of cells per figure (one per skipped scenario); `emphasis` wraps PASS and MISS. */
function tableRows(results: ScenarioResult[], emphasis = (verdict: string) => verdict): string[][] {
  return results.flatMap((result) =>
    result.skipped
      ? [[result.scenario, '—', '—', '—', '—', `skipped: ${result.skipped}`]]
      : result.figures.map((item) => {
          const verdict = item.pass === undefined ? '' : emphasis(item.pass ? 'PASS' : 'MISS');
          return [
            item.scenario,
            item.contender,
            item.figure,
            item.shown,
            item.target ?? '',
            [verdict, item.note].filter(Boolean).join(' — '),
          ];
        }),
  );
}

/** The results as a fixed-width text table. */
export function renderTable(results: ScenarioResult[]): string {
  const rows = tableRows(results);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (column === 5 ? 0 : row[column]!.length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 5 ? cell : cell.padEnd(widths[column]!)))
      .join(' | ')
      .trimEnd();
  const separator = widths.map((width, column) => '-'.repeat(column === 5 ? 6 : width)).join('-|-');
  let previous = '';
  const body = rows.map((row) => {
    const shown = row[0] === previous ? ['', ...row.slice(1)] : row;
    previous = row[0]!;
    return line(shown);
  });
  return [line(header), separator, ...body].join('\n');
}

/** The results as a Markdown table, for the README. */
export function renderMarkdown(results: ScenarioResult[]): string {
  const rows = tableRows(results, (verdict) => `**${verdict}**`);
  return [
    `| ${header.join(' | ')} |`,
    '|---|---|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`),
  ].join('\n');
}
