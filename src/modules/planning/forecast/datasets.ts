/**
 * Readers for the public spare-parts demand sets in ../shared/data (see its SOURCES.md):
 * the Monash archive's car parts .tsf (with `?` for a missing month) and the RAF and Auto
 * CSV files (one series a row, the header the month index). The parsers are pure; the
 * loader reads the files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../platform/errors.js';

export interface DemandSeries {
  name: string;
  /** One value per period, oldest first; null where the source marks the period missing. */
  values: (number | null)[];
  /** ISO date of the first period when the source gives one. */
  start?: string | undefined;
}

export interface Dataset {
  name: string;
  frequency: string | null;
  series: DemandSeries[];
}

const refuse = (source: string, line: number, message: string) =>
  new AppError('VALIDATION_FAILED', `${source} line ${line}: ${message}`, { source, line });

function parseNumber(raw: string, source: string, line: number, allowMissing: boolean): number | null {
  const text = raw.trim();
  if (allowMissing && text === '?') return null;
  // Number('') is 0 and Number(' ') too: an empty cell is an error, not a zero.
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw refuse(source, line, `'${raw}' is not a number`);
  return value;
}

/**
 * A Monash .tsf file (`@attribute`, `@frequency`, `@missing`, then `@data` rows of
 * `name:start:v1,v2,...`). Series names and a date start attribute are kept; `?` is null.
 */
export function parseTsf(text: string, source = 'tsf'): Dataset {
  const lines = text.split(/\r?\n/);
  const attributes: { name: string; type: string }[] = [];
  let frequency: string | null = null;
  let relation = source;
  let missingAllowed = false;
  let dataAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('@')) throw refuse(source, i + 1, 'data before @data');
    const [tag, ...rest] = line.split(/\s+/);
    switch (tag!.toLowerCase()) {
      case '@relation':
        relation = rest.join(' ');
        break;
      case '@attribute':
        if (rest.length !== 2) throw refuse(source, i + 1, 'an @attribute needs a name and a type');
        attributes.push({ name: rest[0]!, type: rest[1]! });
        break;
      case '@frequency':
        frequency = rest[0] ?? null;
        break;
      case '@missing':
        missingAllowed = rest[0] === 'true';
        break;
      case '@data':
        dataAt = i + 1;
        break;
      default:
        // @horizon, @equallength and future tags carry nothing the readers need.
        break;
    }
    if (dataAt >= 0) break;
  }
  if (dataAt < 0) throw refuse(source, lines.length, 'no @data section');
  const nameAt = attributes.findIndex((a) => a.name === 'series_name');
  const startAt = attributes.findIndex((a) => a.type === 'date');
  const series: DemandSeries[] = [];
  for (let i = dataAt; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(':');
    if (fields.length !== attributes.length + 1)
      throw refuse(source, i + 1, `expected ${attributes.length} attributes and the values`);
    const values = fields[attributes.length]!.split(',').map((v) =>
      parseNumber(v, source, i + 1, missingAllowed),
    );
    series.push({
      name: nameAt >= 0 ? fields[nameAt]! : `T${series.length + 1}`,
      values,
      // "1998-01-01 00-00-00": the date part is what a monthly series needs.
      start: startAt >= 0 ? fields[startAt]!.split(' ')[0] : undefined,
    });
  }
  return { name: relation, frequency, series };
}

/** A CSV with a header row of period indexes and one series per row (RAF.csv, Auto.csv). */
export function parseWideCsv(text: string, source = 'csv'): Dataset {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.split(',') ?? [];
  if (header.length === 0 || header.some((h, i) => h.trim() !== String(i)))
    throw refuse(source, 1, 'the header must be the period indexes 0, 1, 2, ...');
  const series: DemandSeries[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = lines[i]!.split(',');
    if (cells.length !== header.length)
      throw refuse(source, i + 1, `${cells.length} values where the header has ${header.length}`);
    series.push({ name: `row ${i}`, values: cells.map((c) => parseNumber(c, source, i + 1, false)) });
  }
  return { name: source, frequency: 'monthly', series };
}

export const DATASETS = ['carparts', 'raf', 'auto'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const DATASET_FILES: Record<DatasetName, string> = {
  carparts: 'car_parts_dataset_with_missing_values.tsf',
  raf: 'RAF.csv',
  auto: 'Auto.csv',
};

/** Reads one of the three sets from `dir` (../shared/data in the repository layout). */
export function loadDataset(name: DatasetName, dir: string): Dataset {
  const file = join(dir, DATASET_FILES[name]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', `cannot read ${file}: ${(error as Error).message}`, { file });
  }
  const dataset =
    name === 'carparts' ? parseTsf(text, DATASET_FILES[name]) : parseWideCsv(text, DATASET_FILES[name]);
  return { ...dataset, name };
}
