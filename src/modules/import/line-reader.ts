import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

// Streams an import body line by line (constant memory): NDJSON as-is, CSV with its header row
// turned into objects. Line numbers are the file's, from 1.

export interface SourceLine {
  line: number;
  /** An NDJSON line not parsed yet: whoever checks it parses it (maybe in a worker thread). */
  text?: string;
  value?: unknown;
  /** Already in the import shape (typed by our own code): the schema check is skipped, the lab's rules are not. */
  typed?: import('./import.schema.ts').ImportLine;
  /** Why the line could not even be read as a record. */
  error?: string;
}

export async function* readNdjson(input: Readable): AsyncGenerator<SourceLine> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    yield { line, text };
  }
}

/** RFC 4180 fields of one record; a quoted field may span lines (the caller joins them). */
export function splitCsvRecord(text: string): { fields: string[]; complete: boolean } {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return { fields, complete: !quoted };
}

// Columns whose cells are numbers; everything else stays text. `scans` holds a JSON array.
const NUMERIC = /^(price|rx\.(od|os)\.(sphere|cylinder|axis|add)|rx\.pd|rx\.pd\.(od|os))$/;

/** A CSV row as the same object an NDJSON line would be: dotted headers become nesting. */
export function csvRowToObject(headers: readonly string[], fields: readonly string[]): { value?: Record<string, unknown>; error?: string } {
  if (fields.length !== headers.length) return { error: `has ${fields.length} fields; the header has ${headers.length}` };
  const out: Record<string, unknown> = {};
  for (let i = 0; i < headers.length; i++) {
    const raw = fields[i]!.trim();
    if (raw === '') continue;
    const path = headers[i]!.trim();
    let value: unknown = raw;
    if (NUMERIC.test(path)) {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { error: `column ${path}: ${JSON.stringify(raw)} is not a number` };
      value = n;
    } else if (path === 'scans') {
      try {
        value = JSON.parse(raw);
      } catch {
        return { error: 'column scans: not a JSON array' };
      }
    }
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return { value: out };
}

export async function* readCsv(input: Readable): AsyncGenerator<SourceLine> {
  let line = 0;
  let headers: string[] | undefined;
  let pending = '';
  let startLine = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (!pending && !text.trim()) continue;
    if (!pending) startLine = line;
    pending = pending ? `${pending}\n${text}` : text;
    const { fields, complete } = splitCsvRecord(pending);
    if (!complete) continue;
    pending = '';
    if (!headers) {
      headers = fields.map((h) => h.trim());
      continue;
    }
    const row = csvRowToObject(headers, fields);
    yield row.error ? { line: startLine, error: row.error } : { line: startLine, value: row.value };
  }
  if (pending) yield { line: startLine, error: 'unterminated quoted field at end of file' };
}
