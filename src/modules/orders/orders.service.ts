import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import { decodeCursor, type Paged } from '../../platform/http.ts';
import { localDay, parseBound } from '../../platform/local-time.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import { addDailyProductDeltas, markStateDaysDirty, type DailyProductDelta } from '../rollups/rollups.repository.ts';
import { isUniqueViolation } from '../users/users.service.ts';
import { actorOf } from './actor.ts';
import { checkOrderInput } from './order-intake.ts';
import { checkTransition, routeHasQualityCheck, statusColumns, type OrderStatus } from './order-status.ts';
import { currentStationOf } from './order-tracking.ts';
import { ILLEGAL_TRANSITION, NOT_SHIPPABLE, NOT_YOUR_CUSTOMER, ORDER_NOT_FOUND, ORDER_NUMBER_TAKEN } from './orders.errors.ts';
import { toOrder, type OrderRow, type OrdersRepository } from './orders.repository.ts';
import type { CreateOrder, ListOrdersQuery, Order, ShipOrder, TimelineEntry, UpdateStatus } from './orders.schema.ts';

/** Work that must commit with a new order (e.g. the LIMS submission outbox). */
export type OrderCreatedHook = (tx: Db, orgId: string, order: OrderRow) => Promise<void>;

export interface CreateOptions {
  source?: 'api' | 'dcs' | 'lims';
  /** When the lab received it; defaults to now. */
  receivedAt?: Date;
  limsJobId?: string | null;
}

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(deps: { db: Db; repo: OrdersRepository; labConfig: LabConfigCache; events: EventBus; clock: Clock; onCreated?: OrderCreatedHook[] }) {
  const { db, repo, labConfig, events, clock } = deps;

  /** An ECP acts only for its own customer account; everyone else for the whole lab. */
  const ecpCustomer = (auth: AuthContext): string | undefined => (auth.role === 'ecp' ? (auth.customerId ?? '\u0000none') : undefined);

  async function findVisible(auth: AuthContext, ref: string, tx: Db = db, lock = false): Promise<OrderRow> {
    const row = lock ? await repo.lockByRef(tx, auth.orgId, ref) : await repo.findByRef(auth.orgId, ref, tx);
    const customer = ecpCustomer(auth);
    if (!row || (customer !== undefined && row.customerId !== customer)) throw ORDER_NOT_FOUND(ref);
    return row;
  }

  const orderRef = (row: OrderRow) => ({ orderId: row.id, orderNumber: row.orderNumber, customerId: row.customerId });

  function productDelta(row: OrderRow, day: string, fields: Omit<DailyProductDelta, 'day' | 'lensType' | 'lensMaterial' | 'coating'>): DailyProductDelta {
    return { day, lensType: row.lensType, lensMaterial: row.lensMaterial, coating: row.coating, ...fields };
  }

  /**
   * The rollup and timeline consequences of a status change, shared by PATCH, ship and LIMS. Runs
   * inside the caller's transaction, so the lab's time zone is passed in: reading the config here
   * could query outside the transaction, which deadlocks PGlite's single connection.
   */
  async function recordStatusChange(tx: Db, auth: AuthContext | null, orgId: string, timezone: string, before: OrderRow, after: OrderRow, at: Date, note: string | null, data?: unknown) {
    const actor = actorOf(auth);
    await repo.insertEvents(tx, orgId, [{ orderId: after.id, at, type: 'status_changed', fromStatus: before.status, toStatus: after.status, actorType: actor.actorType, actorId: actor.actorId, note, data }]);
    const day = localDay(at, timezone);
    if (after.status === 'shipped') {
      const onTime = after.dueDate ? (at <= after.dueDate ? 1 : 0) : 0;
      await addDailyProductDeltas(tx, orgId, [
        productDelta(after, day, {
          shipped: 1,
          shippedWithDueDate: after.dueDate ? 1 : 0,
          shippedOnTime: onTime,
          turnaroundHoursSum: (at.getTime() - after.receivedAt.getTime()) / 3_600_000,
          revenueShipped: after.price ?? 0,
        }),
      ]);
    }
    if (after.status === 'completed') await addDailyProductDeltas(tx, orgId, [productDelta(after, day, { completed: 1 })]);
    if (after.status === 'cancelled') await addDailyProductDeltas(tx, orgId, [productDelta(after, day, { cancelled: 1 })]);
    await markStateDaysDirty(tx, orgId, [day]);
  }

  function emitStatusChange(orgId: string, before: OrderRow, after: OrderRow, at: Date, reason: string | null) {
    events.emit({ type: 'order.status_changed', orgId, at: at.toISOString(), ...orderRef(after), from: before.status, to: after.status, currentStation: after.currentStation, reason });
  }

  return {
    recordStatusChange,
    emitStatusChange,
    findVisible,

    async create(auth: AuthContext, input: CreateOrder, opts: CreateOptions = {}): Promise<Order> {
      const customer = ecpCustomer(auth);
      if (customer !== undefined) {
        if (input.customerId !== undefined && input.customerId !== auth.customerId) throw NOT_YOUR_CUSTOMER(auth.customerId ?? 'none');
        input = { ...input, customerId: customer };
      }
      const config = await labConfig.get(auth.orgId);
      const intake = checkOrderInput(input, config);
      if (!intake.ok) throw intake.error;
      const { draft } = intake;
      const now = clock.now();
      const receivedAt = opts.receivedAt ?? now;
      const actor = actorOf(auth);
      const orderNumber = input.orderNumber ?? generateOrderNumber(localDay(receivedAt, config.timezone));
      try {
        const row = await db.transaction(async (tx) => {
          const created = await repo.insert(tx, {
            organizationId: auth.orgId,
            orderNumber,
            ...draft,
            rx: draft.rx,
            status: 'pending',
            currentStation: draft.route[0]!,
            source: opts.source ?? 'api',
            limsJobId: opts.limsJobId ?? null,
            createdByUserId: auth.userId,
            createdByApiKeyId: auth.apiKeyId,
            receivedAt,
            createdAt: now,
            updatedAt: now,
          });
          await repo.insertEvents(tx, auth.orgId, [{ orderId: created.id, at: receivedAt, type: 'created', toStatus: 'pending', actorType: actor.actorType, actorId: actor.actorId, data: { source: created.source, route: created.route } }]);
          const day = localDay(receivedAt, config.timezone);
          await addDailyProductDeltas(tx, auth.orgId, [productDelta(created, day, { received: 1, revenueReceived: created.price ?? 0 })]);
          await markStateDaysDirty(tx, auth.orgId, [day]);
          for (const hook of deps.onCreated ?? []) await hook(tx, auth.orgId, created);
          return created;
        });
        events.emit({ type: 'order.created', orgId: auth.orgId, at: receivedAt.toISOString(), ...orderRef(row), status: row.status, route: row.route, priority: row.priority, source: row.source });
        return toOrder(row);
      } catch (err) {
        throw isUniqueViolation(err) ? ORDER_NUMBER_TAKEN(orderNumber) : err;
      }
    },

    async list(auth: AuthContext, query: ListOrdersQuery): Promise<Paged<Order>> {
      const { timezone } = await labConfig.get(auth.orgId);
      const customer = ecpCustomer(auth);
      return repo.list(
        auth.orgId,
        {
          status: query.status,
          station: query.station,
          from: query.from ? parseBound(query.from, timezone, 'from') : undefined,
          to: query.to ? parseBound(query.to, timezone, 'to') : undefined,
          search: query.search,
          customerId: customer ?? query.customerId,
        },
        { limit: query.limit, after: decodeCursor(query.cursor) },
      );
    },

    async get(auth: AuthContext, ref: string): Promise<Order & { timeline: TimelineEntry[] }> {
      const row = await findVisible(auth, ref);
      return { ...toOrder(row), timeline: await repo.timeline(auth.orgId, row.id) };
    },

    async updateStatus(auth: AuthContext, ref: string, input: UpdateStatus): Promise<Order> {
      const now = clock.now();
      const { timezone } = await labConfig.get(auth.orgId);
      const { before, after } = await db.transaction(async (tx) => {
        const before = await findVisible(auth, ref, tx, true);
        const from = before.status as OrderStatus;
        const reason = checkTransition(from, input.status, { routeHasQualityCheck: routeHasQualityCheck(before.route), heldFrom: (before.heldFrom as OrderStatus | null) ?? null });
        if (reason) throw ILLEGAL_TRANSITION(reason);
        const after = await repo.update(tx, auth.orgId, before.id, { ...statusColumns(from, input.status, now), updatedAt: now });
        await recordStatusChange(tx, auth, auth.orgId, timezone, before, after, now, input.note ?? null);
        return { before, after };
      });
      emitStatusChange(auth.orgId, before, after, now, input.note ?? null);
      return toOrder(after);
    },

    async ship(auth: AuthContext, ref: string, input: ShipOrder): Promise<Order> {
      const now = clock.now();
      const { timezone } = await labConfig.get(auth.orgId);
      const actor = actorOf(auth);
      const { before, after } = await db.transaction(async (tx) => {
        const before = await findVisible(auth, ref, tx, true);
        const transition = checkTransition(before.status as OrderStatus, 'shipped', { routeHasQualityCheck: routeHasQualityCheck(before.route) });
        if (transition) throw ILLEGAL_TRANSITION(transition);
        const tracked = before.lastScanAt !== null;
        const last = before.route.length - 1;
        const inLastStation = before.routePosition === last && before.routeInside;
        if (tracked && before.routePosition < before.route.length && !inLastStation) {
          const next = currentStationOf(before.route, before.routePosition);
          throw NOT_SHIPPABLE(before.orderNumber, `its route is not complete (next: ${before.routeInside ? "'out'" : "'in'"} at ${next})`);
        }
        if (inLastStation) {
          // Shipping is the 'out' of the last station: record it, so the route and rollups close.
          await repo.insertScans(tx, auth.orgId, [{ orderId: before.id, station: before.route[last]!, event: 'out', at: now, operator: null, equipmentId: null, reason: 'shipped', source: 'ship', recordedBy: actor.recordedBy }]);
        }
        const after = await repo.update(tx, auth.orgId, before.id, {
          status: 'shipped',
          shippedAt: now,
          trackingNumber: input.trackingNumber,
          carrier: input.carrier ?? null,
          currentStation: null,
          ...(tracked ? { routePosition: before.route.length, routeInside: false, lastScanAt: now } : {}),
          updatedAt: now,
        });
        await recordStatusChange(tx, auth, auth.orgId, timezone, before, after, now, null, { trackingNumber: input.trackingNumber, carrier: input.carrier ?? null });
        return { before, after };
      });
      emitStatusChange(auth.orgId, before, after, now, null);
      return toOrder(after);
    },
  };
}

/** "20261125-7KQ2MX": the receiving day, then 30 random bits (a clash retries as a 409 for the caller). */
export function generateOrderNumber(day: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U to misread
  const bytes = randomBytes(6);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b & 31];
  return `${day.replaceAll('-', '')}-${suffix}`;
}
