import type { LabConfig } from '../lab-config/lab-config.ts';
import { buildImportColumns, type ImportColumns } from './import-batch.ts';
import { prepareImportLine, prepareTypedLine, type PreparedOrder } from './import-line.ts';
import type { SourceLine } from './line-reader.ts';

// A chunk of source lines → the columns of one import batch and the chunk's bad lines. Pure and
// made of plain data both ways, so it runs in the importing thread or in a worker alike.

/** What checking a line needs to know about its lab; the same for every chunk of one import. */
export interface ChunkContext {
  config: LabConfig;
  nowMs: number;
  /** The organization's machines: a scan may only name one of them (a Set crosses to a worker as one). */
  equipment: ReadonlySet<string>;
}

export interface LineError {
  line: number;
  code: string;
  message: string;
}

export interface PreparedChunk {
  /** Null when no line of the chunk was valid. */
  columns: ImportColumns | null;
  errors: LineError[];
  /** Source lines in the chunk, bad ones included. */
  lines: number;
}

/** Checks every line by the lab's rules and builds the batch of the valid ones. */
export function prepareChunk(chunk: readonly SourceLine[], ctx: ChunkContext): PreparedChunk {
  const now = new Date(ctx.nowMs);
  const valid: Array<{ prepared: PreparedOrder }> = [];
  const errors: LineError[] = [];
  for (const source of chunk) {
    let value = source.value;
    if (source.error) {
      errors.push({ line: source.line, code: 'MALFORMED_LINE', message: source.error });
      continue;
    }
    if (source.text !== undefined) {
      try {
        value = JSON.parse(source.text);
      } catch (err) {
        errors.push({ line: source.line, code: 'MALFORMED_LINE', message: `not valid JSON: ${(err as Error).message}` });
        continue;
      }
    }
    const prepared = source.typed ? prepareTypedLine(source.typed, ctx.config, now, ctx.equipment) : prepareImportLine(value, ctx.config, now, ctx.equipment);
    if (prepared.ok) valid.push({ prepared: prepared.value });
    else errors.push({ line: source.line, code: prepared.code, message: prepared.message });
  }
  return { columns: valid.length ? buildImportColumns(valid) : null, errors, lines: chunk.length };
}
