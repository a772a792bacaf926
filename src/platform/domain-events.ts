import type { Role } from './roles.ts';

// Every event a service publishes, in one place so a subscriber can see what exists. Each carries
// the organization first (tenancy is structural: the realtime gateway routes on it) and the time
// the fact happened (`at`, ISO-8601), which for imported history is in the past. Events are
// published after the change is committed.

interface Base {
  orgId: string;
  at: string;
}

/** What an ECP may see of an order event: the customer it belongs to. */
interface OrderRef {
  orderId: string;
  orderNumber: string;
  customerId: string | null;
}

export type DomainEvent =
  | (Base & { type: 'organization.updated'; changes: string[] })
  | (Base & { type: 'user.created'; userId: string; role: Role })
  | (Base & { type: 'user.updated'; userId: string; role: Role; status: string })
  | (Base & { type: 'credential.revoked'; sessionId: string | null; apiKeyId: string | null })
  | (Base & { type: 'station.updated'; station: string })
  | (Base & OrderRef & { type: 'order.created'; status: string; route: string[]; priority: string; source: string })
  | (Base & OrderRef & { type: 'order.status_changed'; from: string; to: string; currentStation: string | null; reason: string | null })
  | (Base & OrderRef & { type: 'scan.recorded'; station: string; event: 'in' | 'out' | 'reject'; currentStation: string | null })
  | (Base & OrderRef & { type: 'quality.issue_recorded'; issueId: string; station: string; issueType: string; remake: boolean })
  | (Base & OrderRef & { type: 'lims.synced'; limsJobId: string | null; limsStatus: string | null; direction: 'inbound' | 'outbound'; result: string })
  | (Base & { type: 'orders.imported'; imported: number; duplicates: number; errors: number })
  | (Base & { type: 'equipment.status_changed'; equipmentId: string; station: string; from: string; to: string; eventType: string | null })
  | (Base & { type: 'equipment.event_recorded'; equipmentId: string; station: string; eventType: string; code: string | null })
  | (Base & { type: 'telemetry.received'; readings: number; equipmentIds: string[]; fromAt: string; toAt: string })
  // Analytic results pushed to dashboards (realtime: anomaly_alert, bottleneck_alert, metric_update).
  // The object is the one the matching REST endpoint returns (CONTRACT §6), so its shape lives there.
  | (Base & { type: 'alert.raised'; alert: Record<string, unknown> })
  | (Base & { type: 'bottleneck.detected'; bottleneck: Record<string, unknown> })
  | (Base & { type: 'metrics.updated'; metrics: Record<string, unknown> });

export type DomainEventType = DomainEvent['type'];
