import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { LabConfig } from '../lab-config/lab-config.ts';
import { parseBound } from '../../platform/local-time.ts';
import { deriveRoute } from './order-route.ts';
import { ROUTE_EMPTY, RX_INVALID, RX_OUT_OF_RANGE, UNKNOWN_VOCABULARY } from './orders.errors.ts';
import type { CreateOrder } from './orders.schema.ts';
import { rxIssuesStatus, validateRx, type NormalizedRx } from './rx-validation.ts';

// Everything an order must satisfy before it exists, as one pure check shared by every way an
// order arrives (API, import, DCS file, LIMS): vocabularies, prescription, route. The caller owns
// identity (order number, customer) and persistence.

export interface OrderDraft {
  customerId: string | null;
  patientRef: string | null;
  rx: NormalizedRx;
  lensType: string;
  lensMaterial: string;
  coating: string;
  frameType: string | null;
  priority: 'regular' | 'hot';
  dueDate: Date | null;
  price: number | null;
  route: string[];
}

export type Intake = { ok: true; draft: OrderDraft } | { ok: false; error: AppError };

export function checkOrderInput(input: CreateOrder, config: Pick<LabConfig, 'vocabularies' | 'rxBounds' | 'stations' | 'routeRules' | 'timezone'>, pathPrefix = 'body'): Intake {
  const vocabIssues: ErrorDetail[] = [];
  for (const field of ['lensType', 'lensMaterial', 'coating'] as const) {
    const accepted = config.vocabularies[field];
    if (!accepted.includes(input[field])) {
      vocabIssues.push({ path: `${pathPrefix}.${field}`, message: `must be one of ${accepted.join(', ')} (got ${JSON.stringify(input[field])})`, code: 'unknown_value' });
    }
  }
  if (vocabIssues.length) return { ok: false, error: UNKNOWN_VOCABULARY.withDetails(vocabIssues, vocabIssues.map((d) => `${d.path} ${d.message}`).join('; ')) };

  const rx = validateRx(input.rx, config.rxBounds);
  if (!rx.ok) {
    const details = rx.issues.map((i) => ({ path: `${pathPrefix}.${i.path}`, message: i.message, code: i.code }));
    const summary = details.map((d) => d.message).join('; ');
    return { ok: false, error: rxIssuesStatus(rx.issues) === 422 ? RX_OUT_OF_RANGE.withDetails(details, summary) : RX_INVALID.withDetails(details, summary) };
  }

  const route = deriveRoute(input, config.stations, config.routeRules);
  if (route.length === 0) return { ok: false, error: ROUTE_EMPTY(`${input.lensType} ${input.lensMaterial} ${input.coating}`) };

  return {
    ok: true,
    draft: {
      customerId: input.customerId ?? null,
      patientRef: input.patientRef ?? null,
      rx: rx.value,
      lensType: input.lensType,
      lensMaterial: input.lensMaterial,
      coating: input.coating,
      frameType: input.frameType ?? null,
      priority: input.priority ?? 'regular',
      dueDate: input.dueDate ? parseDueDate(input.dueDate, config.timezone) : null,
      price: input.price ?? null,
      route,
    },
  };
}

/** A date-only due date means "by the end of that day" in the lab's time zone. */
export const parseDueDate = (value: string, timeZone: string): Date => parseBound(value, timeZone, 'to');

export { AppError };
