import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HubMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  reservations: Counter<'outcome'>;
  movements: Counter<'type'>;
}

export function createMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sparehub_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'sparehub_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    reservations: new Counter({
      name: 'sparehub_reservations_total',
      help: 'Reservation requests by outcome (granted, preempting, refused)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    movements: new Counter({
      name: 'sparehub_stock_movements_total',
      help: 'Stock movements posted by type',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}
