/** Monitoring (M7.1): the service KPIs and the health of each system's integration. */
export {
  DEGRADED_ERROR_RATE,
  SYSTEM_HEALTHS,
  systemHealth,
  type SystemHealth,
  type SystemTraffic,
} from './kpis.js';
export { serviceKpis, type DailyKpi, type Kpis, type SystemKpi } from './kpis.service.js';
export { registerMonitoringRoutes } from './monitoring.routes.js';
