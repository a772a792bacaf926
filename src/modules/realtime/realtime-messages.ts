import type { DomainEventType, EventOf } from '../../platform/events.ts';
import type { OrgMessage } from '../../platform/fanout.ts';
import { LAB_ROLES, type Role } from '../../platform/roles.ts';

// Which domain events become which real-time messages (CONTRACT §7). One line per event type: the
// gateway subscribes to exactly the keys of this table, so a new analytic that emits an event is
// pushed to dashboards by adding its line here.
//
// `audience` decides who may receive it inside the organization:
//   'order' — news about one order: the lab roles, and the ECP whose customer account owns the order
//             (the same orders GET /api/orders shows it, timeline included).
//   'lab'   — lab-wide operations (defects, machines, alerts, KPIs): lab roles only, never an ECP.

type Audience = 'order' | 'lab';

interface Rule<T extends DomainEventType> {
  message: string;
  audience: Audience;
  payload: (event: EventOf<T>) => Record<string, unknown>;
}

type Rules = { [T in DomainEventType]?: Rule<T> };

export const REALTIME_RULES = {
  'order.created': {
    message: 'order_created',
    audience: 'order',
    payload: (e) => ({ orderId: e.orderId, orderNumber: e.orderNumber, status: e.status, priority: e.priority, source: e.source, route: e.route, at: e.at }),
  },
  'order.status_changed': {
    message: 'order_status',
    audience: 'order',
    // `status` repeats `to` under the seed's field name, for dashboards written against it.
    payload: (e) => ({ orderId: e.orderId, orderNumber: e.orderNumber, from: e.from, to: e.to, status: e.to, currentStation: e.currentStation, reason: e.reason, at: e.at }),
  },
  'scan.recorded': {
    message: 'scan',
    audience: 'order',
    payload: (e) => ({ orderId: e.orderId, orderNumber: e.orderNumber, station: e.station, event: e.event, currentStation: e.currentStation, at: e.at }),
  },
  'lims.synced': {
    message: 'lims_sync',
    audience: 'order',
    payload: (e) => ({ orderId: e.orderId, orderNumber: e.orderNumber, jobId: e.limsJobId, limsStatus: e.limsStatus, direction: e.direction, result: e.result, at: e.at }),
  },
  'quality.issue_recorded': {
    message: 'quality_issue',
    audience: 'lab',
    payload: (e) => ({ issueId: e.issueId, orderId: e.orderId, orderNumber: e.orderNumber, station: e.station, issueType: e.issueType, remake: e.remake, at: e.at }),
  },
  'equipment.status_changed': {
    message: 'equipment_status',
    audience: 'lab',
    payload: (e) => ({ equipmentId: e.equipmentId, station: e.station, from: e.from, to: e.to, status: e.to, eventType: e.eventType, at: e.at }),
  },
  'alert.raised': { message: 'anomaly_alert', audience: 'lab', payload: (e) => ({ ...e.alert, at: e.at }) },
  'bottleneck.detected': { message: 'bottleneck_alert', audience: 'lab', payload: (e) => ({ ...e.bottleneck, at: e.at }) },
  'metrics.updated': { message: 'metric_update', audience: 'lab', payload: (e) => ({ ...e.metrics, at: e.at }) },
} satisfies Rules;

export type RealtimeEventType = keyof typeof REALTIME_RULES;
export const REALTIME_EVENT_TYPES = Object.keys(REALTIME_RULES) as RealtimeEventType[];

const rules = REALTIME_RULES as Rules;
const rulesList = Object.values(rules) as Array<Rule<DomainEventType>>;

/** Every message type a lab role can receive; an ECP receives the 'order' ones. */
export const MESSAGE_TYPES: readonly string[] = rulesList.map((r) => r.message);
const ORDER_MESSAGE_TYPES: readonly string[] = rulesList.filter((r) => r.audience === 'order').map((r) => r.message);

/** The message types a role may receive (the welcome's `features`, and what `subscribe` accepts). */
export function messageTypesFor(role: Role): readonly string[] {
  return (LAB_ROLES as readonly string[]).includes(role) ? MESSAGE_TYPES : role === 'ecp' ? ORDER_MESSAGE_TYPES : [];
}

/** The message an event becomes, or undefined for events that are not pushed. */
export function toOrgMessage<T extends DomainEventType>(event: EventOf<T>, timestamp: string): OrgMessage | undefined {
  const rule = rules[event.type] as Rule<T> | undefined;
  if (!rule) return undefined;
  const customerId = rule.audience === 'order' && 'customerId' in event ? event.customerId : null;
  return { type: rule.message, customerId, payload: rule.payload(event), timestamp };
}
