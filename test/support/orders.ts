import type { Tenant } from './app.ts';

/** A valid order body (a progressive AR job), with overrides. */
export function orderBody(overrides: Record<string, unknown> = {}) {
  return {
    rx: { od: { sphere: -2.25, cylinder: -0.75, axis: 90, add: 2 }, os: { sphere: -2, cylinder: -0.5, axis: 85, add: 2 }, pd: 63 },
    lensType: 'progressive',
    lensMaterial: 'polycarbonate',
    coating: 'anti_reflective',
    priority: 'regular',
    price: 189.5,
    ...overrides,
  };
}

export async function createOrder(tenant: Tenant, overrides: Record<string, unknown> = {}) {
  const res = await tenant.call({ method: 'POST', url: '/api/orders', payload: orderBody(overrides) });
  if (res.statusCode !== 201) throw new Error(`order create failed: ${res.statusCode} ${res.body}`);
  return res.json().data as { id: string; orderNumber: string; route: string[]; status: string; currentStation: string };
}

export async function scan(tenant: Tenant, order: string, station: string, event: 'in' | 'out' | 'reject', extra: Record<string, unknown> = {}) {
  return tenant.call({ method: 'POST', url: '/api/scans', payload: { order, station, event, ...extra } });
}
