// Groups TRCFMT headers and their radius records into trace (frame-shape) datasets, DOMAIN.md §2.3.
// `TRCFMT=<format>;<N>;<E|U>;<R|L|B>;<shape type>` opens a dataset; the R= records after it are its
// radii ("R" is radius, not right: the eye comes from TRCFMT field 4). A dataset stays open until the
// next TRCFMT, like lens_protocol, so an UNI= or Z= record between radius lines does not end it.
// Tolerated variants (§2.3; lens_protocol trcfmt.rb, TS-oma-serial): L= for left radii, FRMR=/FRML=
// for right/left radii. Validation follows TS-canonical `validateCanonicalOma`.

import { parseDcsNumber } from './dcs-labels.ts';
import { dcsIssue, isDcsUnknown, type DcsIssue, type DcsRecord, type DcsSide, type DcsTraceDataset, type DcsValue } from './dcs-record.ts';

interface Dataset {
  line: number | null;
  format: string;
  pointCount: number | null;
  spacing: 'E' | 'U';
  side: DcsSide;
  shapeType: string | null;
  radiusLabel: string | null;
  rawRadii: DcsValue[];
  radiusLines: Array<number | null>;
  angleValues: DcsValue[] | null;
  angleLines: Array<number | null>;
}

// One bad radius line usually means ten bad values; five messages locate it without drowning the rest.
const MAX_VALUE_ERRORS_PER_DATASET = 5;

/** Groups trace datasets out of records; every TRCFMT yields a dataset, with or without radii. */
export function groupDcsTraces(records: readonly DcsRecord[]): { traces: DcsTraceDataset[]; errors: DcsIssue[] } {
  const datasets: Dataset[] = [];
  const errors: DcsIssue[] = [];
  // 'invalid' swallows the radii of a header we already reported, instead of one error per R= line.
  let current: Dataset | 'invalid' | undefined;

  for (const record of records) {
    const label = record.label.trim().toUpperCase();
    const line = record.line ?? null;

    if (label === 'TRCFMT') {
      const header = readHeader(record, errors);
      current = header ?? 'invalid';
      if (header !== undefined) datasets.push(header);
      continue;
    }

    const isRadius = label === 'R' || label === 'FRMR' || label === 'FRML' || (label === 'L' && current !== undefined);
    if (isRadius || label === 'A') {
      if (current === undefined) {
        errors.push(dcsIssue('TRACE_WITHOUT_TRCFMT', line, record.label, `${record.label}= trace data before any TRCFMT record`));
        continue;
      }
      if (current === 'invalid') continue;
      if (label === 'A') {
        current.angleValues ??= [];
        current.angleValues.push(...record.values);
        current.angleLines.push(...record.values.map(() => line));
        continue;
      }
      const target = datasetFor(label, current, line);
      if (target !== current) {
        datasets.push(target);
        current = target;
      }
      target.radiusLabel ??= record.label;
      target.rawRadii.push(...record.values);
      target.radiusLines.push(...record.values.map(() => line));
    }
  }

  const traces = datasets.map((dataset) => finish(dataset, errors));
  checkSides(datasets, errors);
  return { traces, errors };
}

function readHeader(record: DcsRecord, errors: DcsIssue[]): Dataset | undefined {
  const line = record.line ?? null;
  const values = record.values;
  if (values.length < 4) {
    errors.push(dcsIssue('TRCFMT_FIELDS', line, 'TRCFMT', `TRCFMT needs at least 4 fields (format;N;E|U;R|L|B), got ${values.length}`));
    return undefined;
  }
  const [format, count, spacing, side, shapeType] = values;
  const problems: string[] = [];
  if (typeof format !== 'string') problems.push('format (field 1) is missing');
  let pointCount: number | null = null;
  if (typeof count === 'string') {
    const n = parseDcsNumber(count);
    if (n === undefined || !Number.isInteger(n) || n <= 0) problems.push(`N (field 2) "${count}" is not a positive integer`);
    else pointCount = n;
  }
  const spacingCode = typeof spacing === 'string' ? spacing.toUpperCase() : '';
  if (spacingCode !== 'E' && spacingCode !== 'U') problems.push(`spacing (field 3) must be E or U, got "${show(spacing)}"`);
  const sideCode = typeof side === 'string' ? side.toUpperCase() : '';
  if (sideCode !== 'R' && sideCode !== 'L' && sideCode !== 'B') problems.push(`side (field 4) must be R, L or B, got "${show(side)}"`);
  if (problems.length > 0) {
    errors.push(dcsIssue('TRCFMT_VALUE', line, 'TRCFMT', `TRCFMT ${problems.join('; ')}`));
    return undefined;
  }
  return {
    line,
    format: format as string,
    pointCount,
    spacing: spacingCode as 'E' | 'U',
    side: sideCode as DcsSide,
    shapeType: typeof shapeType === 'string' ? shapeType : null,
    radiusLabel: null,
    rawRadii: [],
    radiusLines: [],
    angleValues: null,
    angleLines: [],
  };
}

// R= always feeds the open dataset. L=/FRML= (left) and FRMR= (right) name their eye: they feed the
// open dataset when it is that eye; a B header with no radii yet becomes that eye; otherwise they open
// an implied dataset for their eye with the same header — the shape one driver emits as
// `TRCFMT=…;R;…` + `R=…` + `L=…`. A B dataset that already has radii then becomes the other eye.
function datasetFor(label: string, current: Dataset, line: number | null): Dataset {
  if (label === 'R') return current;
  const eye: DcsSide = label === 'FRMR' ? 'R' : 'L';
  if (current.side === eye) return current;
  if (current.side === 'B') {
    if (current.rawRadii.length === 0) {
      current.side = eye;
      return current;
    }
    current.side = eye === 'R' ? 'L' : 'R';
  }
  return { ...current, line, side: eye, radiusLabel: null, rawRadii: [], radiusLines: [], angleValues: null, angleLines: [] };
}

function finish(dataset: Dataset, errors: DcsIssue[]): DcsTraceDataset {
  const hasRadii = dataset.rawRadii.length > 0;
  // Formats 2/3/4 are packed encodings (§2.3); their fields are not one radius each, so neither the
  // integer check nor the N check applies. We keep their text and leave decoding to a later need.
  const decoded = dataset.format === '1';
  const radii = decoded ? decodeIntegers(dataset, 'radius', dataset.rawRadii, dataset.radiusLines, errors) : null;

  if (hasRadii && decoded) {
    if (dataset.pointCount === null) {
      errors.push(dcsIssue('TRACE_COUNT', dataset.line, 'TRCFMT', `TRCFMT ${dataset.side} gives N as '?' or empty but ${dataset.rawRadii.length} radii follow`));
    } else if (dataset.rawRadii.length !== dataset.pointCount) {
      errors.push(dcsIssue('TRACE_COUNT', dataset.line, 'TRCFMT', `TRCFMT ${dataset.side} declares N=${dataset.pointCount} but ${dataset.rawRadii.length} radii follow`));
    }
  }

  let angles: number[] | null = null;
  if (dataset.angleValues !== null) {
    angles = decodeIntegers(dataset, 'angle', dataset.angleValues, dataset.angleLines, errors);
    if (decoded && dataset.pointCount !== null && dataset.angleValues.length !== dataset.pointCount) {
      errors.push(dcsIssue('TRACE_ANGLES', dataset.line, 'TRCFMT', `TRCFMT ${dataset.side} declares N=${dataset.pointCount} but ${dataset.angleValues.length} A= angles follow`));
    }
  } else if (hasRadii && dataset.spacing === 'U') {
    errors.push(dcsIssue('TRACE_ANGLES', dataset.line, 'TRCFMT', `TRCFMT ${dataset.side} has unequal spacing (U) but no A= angles`));
  }

  return {
    line: dataset.line,
    format: dataset.format,
    pointCount: dataset.pointCount,
    spacing: dataset.spacing,
    side: dataset.side,
    shapeType: dataset.shapeType,
    radiusLabel: dataset.radiusLabel,
    rawRadii: dataset.rawRadii,
    radii,
    angles,
  };
}

// Format 1 radii are integers in 1/100 mm and A= angles integers in 1/100 degree (§2.3).
function decodeIntegers(
  dataset: Dataset,
  what: 'radius' | 'angle',
  values: readonly DcsValue[],
  lines: ReadonlyArray<number | null>,
  errors: DcsIssue[],
): number[] {
  const decoded: number[] = [];
  let bad = 0;
  values.forEach((value, index) => {
    const n = typeof value === 'string' ? parseDcsNumber(value) : undefined;
    if (n !== undefined && Number.isInteger(n) && n >= 0) {
      decoded.push(n);
      return;
    }
    bad += 1;
    if (bad <= MAX_VALUE_ERRORS_PER_DATASET) {
      const code = what === 'radius' ? 'TRACE_RADIUS' : 'TRACE_ANGLES';
      const label = what === 'radius' ? dataset.radiusLabel ?? 'R' : 'A';
      errors.push(dcsIssue(code, lines[index] ?? dataset.line, label, `${what} #${index + 1} of the ${dataset.side} trace is "${show(value)}", not a non-negative integer`));
    }
  });
  if (bad > MAX_VALUE_ERRORS_PER_DATASET) {
    const code = what === 'radius' ? 'TRACE_RADIUS' : 'TRACE_ANGLES';
    errors.push(dcsIssue(code, dataset.line, 'TRCFMT', `TRCFMT ${dataset.side}: ${bad - MAX_VALUE_ERRORS_PER_DATASET} more bad ${what} values not listed`));
  }
  return decoded;
}

// One shape per eye: a second dataset with radii for an eye already traced is ambiguous (B covers both).
function checkSides(datasets: readonly Dataset[], errors: DcsIssue[]): void {
  const seen = new Set<'R' | 'L'>();
  for (const dataset of datasets) {
    if (dataset.rawRadii.length === 0) continue;
    const eyes: Array<'R' | 'L'> = dataset.side === 'B' ? ['R', 'L'] : [dataset.side];
    const repeated = eyes.filter((eye) => seen.has(eye));
    if (repeated.length > 0) {
      errors.push(dcsIssue('TRACE_DUPLICATE_SIDE', dataset.line, 'TRCFMT', `a second trace for side ${repeated.join(' and ')}`));
    }
    for (const eye of eyes) seen.add(eye);
  }
}

function show(value: DcsValue | undefined): string {
  if (value === undefined || value === null) return '';
  return isDcsUnknown(value) ? '?' : value;
}
