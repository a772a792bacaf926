import type { FastifyInstance } from 'fastify';
import { VALIDATION_FAILED } from '../../platform/errors.ts';
import type { Order } from '../orders/orders.schema.ts';
import type { NormalizedEyeRx } from '../orders/rx-validation.ts';
import { dcsToOrderInput, orderToDcs, type DcsEyeRx, type DcsOrderInput } from './dcs-order-mapping.ts';
import { formatDcs } from './dcs-serializer.ts';

export const DCS_CONTENT_TYPE = 'text/x-vca-dcs';

/**
 * Lets `POST /api/orders` take a DCS job: the file becomes the same JSON body a client would send,
 * then goes through the same schema and rules. A file that cannot be read → 400 naming each line.
 */
export function acceptDcsOrders(app: FastifyInstance): void {
  app.addContentTypeParser(DCS_CONTENT_TYPE, { parseAs: 'string' }, (_req, text, done) => {
    const mapped = dcsToOrderInput(text as string);
    if (mapped.ok) return done(null, mapped.order);
    const details = mapped.errors.map((e) => ({ path: e.line ? `line ${e.line}` : e.labels.join('/') || 'body', message: e.message, code: e.code }));
    done(VALIDATION_FAILED.withDetails(details, `DCS job cannot be read: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`), undefined);
  });
}

// Prism base in degrees as DCS writes it (PRVA): 0° points to the wearer's left as seen by the
// lab, so base in is 0° for the right eye and 180° for the left; up 90°, down 270°.
function baseDegrees(base: string | number, eye: 'od' | 'os'): number {
  if (typeof base === 'number') return base;
  if (base === 'up') return 90;
  if (base === 'down') return 270;
  const inward = eye === 'od' ? 0 : 180;
  return base === 'in' ? inward : (inward + 180) % 360;
}

function toDcsEye(eye: NormalizedEyeRx, side: 'od' | 'os'): DcsEyeRx {
  let x = 0;
  let y = 0;
  for (const p of eye.prism) {
    const rad = (baseDegrees(p.base, side) * Math.PI) / 180;
    x += p.amount * Math.cos(rad);
    y += p.amount * Math.sin(rad);
  }
  const amount = Math.round(Math.hypot(x, y) * 100) / 100;
  return {
    sphere: eye.sphere,
    ...(eye.cylinder ? { cylinder: eye.cylinder, axis: eye.axis ?? undefined } : {}),
    ...(eye.add ? { add: eye.add } : {}),
    ...(amount > 0 ? { prism: { amount, base: Math.round(((Math.atan2(y, x) * 180) / Math.PI + 360) % 360) } } : {}),
  };
}

/** An order as a DCS job file (CRLF records). */
export function orderAsDcs(order: Order): string {
  const rx = order.rx as { od: NormalizedEyeRx; os: NormalizedEyeRx; pd: number | { od: number; os: number } };
  const input: DcsOrderInput = {
    orderNumber: order.orderNumber,
    rx: { od: toDcsEye(rx.od, 'od'), os: toDcsEye(rx.os, 'os'), pd: rx.pd },
    lensType: order.lensType as DcsOrderInput['lensType'],
    lensMaterial: order.lensMaterial as DcsOrderInput['lensMaterial'],
    coating: order.coating as DcsOrderInput['coating'],
  };
  return formatDcs(orderToDcs(input));
}
