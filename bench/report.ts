import { goalMet, type FigureTable, type KeyFigure } from './types.js';

/** A plain-text table with right-aligned numbers, readable in a terminal and pasteable into Markdown. */
export function formatTable(table: FigureTable): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [table.title, line(table.columns), rule, ...cells.slice(1).map(line)].join('\n');
}

export function formatKeyFigure(figure: KeyFigure): string {
  const value = `${formatNumber(figure.value)}${figure.unit === '×' ? '×' : ` ${figure.unit}`}`;
  const met = goalMet(figure);
  const goal = figure.goal
    ? `  (goal ${figure.goal.op === '>=' ? '≥' : '≤'} ${figure.goal.target}${figure.unit === '×' ? '×' : ` ${figure.unit}`}: ${met ? 'goal met' : 'goal missed'})`
    : '';
  return `${figure.label}: ${value}${goal}`;
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toFixed(2);
}
