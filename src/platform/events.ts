import type { FastifyBaseLogger } from 'fastify';
import type { DomainEvent, DomainEventType } from './domain-events.ts';

export type { DomainEvent, DomainEventType } from './domain-events.ts';

export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
type Handler<E> = (event: E) => void | Promise<void>;

export interface EventBus {
  /** Publish after the change is committed. Never throws: a failing subscriber is logged. */
  emit(event: DomainEvent): void;
  on<T extends DomainEventType>(type: T, handler: Handler<EventOf<T>>): () => void;
  onAny(handler: Handler<DomainEvent>): () => void;
  /** Resolves when every handler started so far has settled (tests, shutdown). */
  drain(): Promise<void>;
}

export function createEventBus(log?: Pick<FastifyBaseLogger, 'error'>): EventBus {
  const byType = new Map<string, Set<Handler<DomainEvent>>>();
  const any = new Set<Handler<DomainEvent>>();
  const pending = new Set<Promise<void>>();
  // A subscriber may answer many events with one promise (the local fan-out does, per turn): it is
  // watched once.
  const watched = new WeakSet<Promise<void>>();

  const run = (handler: Handler<DomainEvent>, event: DomainEvent) => {
    try {
      const result = handler(event);
      if (result instanceof Promise && !watched.has(result)) {
        watched.add(result);
        const p = result.catch((err) => log?.error({ err, event: event.type }, 'event subscriber failed')).finally(() => pending.delete(p));
        pending.add(p);
      }
    } catch (err) {
      log?.error({ err, event: event.type }, 'event subscriber failed');
    }
  };

  return {
    emit(event) {
      for (const h of byType.get(event.type) ?? []) run(h, event);
      for (const h of any) run(h, event);
    },
    on(type, handler) {
      const set = byType.get(type) ?? new Set();
      byType.set(type, set);
      set.add(handler as Handler<DomainEvent>);
      return () => set.delete(handler as Handler<DomainEvent>);
    },
    onAny(handler) {
      any.add(handler);
      return () => any.delete(handler);
    },
    async drain() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
