import type { Tenant } from '../../../test/support/app.ts';

// Test factories for this module. A new organization starts with the five default stations
// (seeded at signup by the stations module), so machines can be registered at once.

let serial = 0;

export interface EquipmentPayload {
  id: string;
  name: string;
  serialNumber: string;
  station: string;
  status: string;
  statusSince: string;
  [key: string]: unknown;
}

/** A machine registered through the API by the tenant's admin. */
export async function givenEquipment(tenant: Tenant, body: Record<string, unknown> = {}): Promise<EquipmentPayload> {
  const res = await tenant.call({
    method: 'POST',
    url: '/api/equipment',
    payload: { name: 'Generator 1', model: 'Schneider HSC', serialNumber: `SN-${++serial}-${Date.now()}`, station: 'surfacing', ...body },
  });
  if (res.statusCode !== 201) throw new Error(`equipment create failed: ${res.statusCode} ${res.body}`);
  return res.json().data;
}
