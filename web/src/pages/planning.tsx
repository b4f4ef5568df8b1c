import { useState, type FormEvent } from 'react';
import type { Items, Location, PartForecast } from '../api-types';
import { Field } from '../components/field';
import { PageHeader, Panel, Reasons } from '../components/layout';
import { LineChart, type ReferenceLine } from '../components/line-chart';
import { EmptyState, Loaded } from '../components/problem';
import { formatNumber, formatPercent, humanize } from '../format';
import { useApi } from '../hooks/use-api';
import { replaceParams, useHashRoute } from '../router';
import { Overrides } from '../sections/overrides';
import { PlanningRunForm } from '../sections/planning-run';
import { useSession } from '../session';

type Granularity = 'month' | 'week';

interface ForecastQuery {
  partNumber: string;
  locationCode: string;
  granularity: Granularity;
  horizon: number;
  leadTime: number;
}

/** The periods after `last`: months as YYYY-MM, weeks as the date of their first day. */
export function nextPeriods(last: string, granularity: Granularity, count: number): string[] {
  if (granularity === 'month') {
    const [y = 0, m = 1] = last.split('-').map(Number);
    return Array.from({ length: count }, (_, k) => {
      const d = new Date(Date.UTC(y, m - 1 + k + 1, 1));
      return d.toISOString().slice(0, 7);
    });
  }
  const start = new Date(`${last.slice(0, 10)}T00:00:00Z`).getTime();
  return Array.from({ length: count }, (_, k) =>
    new Date(start + (k + 1) * 7 * 86_400_000).toISOString().slice(0, 10),
  );
}

/** A part's demand, its forecast and stocking levels with the reasons, overrides, and planning runs. */
export function PlanningPage() {
  const route = useHashRoute();
  const { can } = useSession();
  const locations = useApi<Items<Location>>('/api/v1/locations');
  const fromUrl: ForecastQuery = {
    partNumber: route.params.get('part') ?? '',
    locationCode: route.params.get('location') ?? '',
    granularity: route.params.get('granularity') === 'week' ? 'week' : 'month',
    horizon: Number(route.params.get('horizon') ?? 12) || 12,
    leadTime: Number(route.params.get('leadTime') ?? 1) || 1,
  };
  const [draft, setDraft] = useState(fromUrl);
  const [query, setQuery] = useState(fromUrl);
  const forecast = useApi<PartForecast>(query.partNumber ? '/api/v1/planning/forecast' : null, { ...query });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { ...draft, partNumber: draft.partNumber.trim() };
    setQuery(next);
    replaceParams('planning', {
      part: next.partNumber,
      location: next.locationCode,
      granularity: next.granularity,
      horizon: String(next.horizon),
      leadTime: String(next.leadTime),
    });
  };

  const locationOptions = locations.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Planning"
        lead="A part's demand history, the forecast its demand pattern calls for, the stock to hold for its service target — and why."
      />
      <form className="search-bar wrap-fields" onSubmit={submit} aria-label="Forecast a part">
        <Field label="Part number">
          {(props) => (
            <input
              {...props}
              type="text"
              required
              value={draft.partNumber}
              placeholder="SP-100004"
              onChange={(e) => setDraft({ ...draft, partNumber: e.target.value })}
            />
          )}
        </Field>
        <Field label="Location">
          {(props) => (
            <select
              {...props}
              value={draft.locationCode}
              onChange={(e) => setDraft({ ...draft, locationCode: e.target.value })}
            >
              <option value="">Whole network</option>
              {locationOptions.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.code} — {l.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Periods">
          {(props) => (
            <select
              {...props}
              value={draft.granularity}
              onChange={(e) => setDraft({ ...draft, granularity: e.target.value as Granularity })}
            >
              <option value="month">Months</option>
              <option value="week">Weeks</option>
            </select>
          )}
        </Field>
        <Field label="Horizon (periods)">
          {(props) => (
            <input
              {...props}
              type="number"
              min="1"
              max="104"
              value={draft.horizon}
              onChange={(e) => setDraft({ ...draft, horizon: Number(e.target.value) })}
            />
          )}
        </Field>
        <Field label="Lead time (periods)">
          {(props) => (
            <input
              {...props}
              type="number"
              min="0.1"
              max="104"
              step="any"
              value={draft.leadTime}
              onChange={(e) => setDraft({ ...draft, leadTime: Number(e.target.value) })}
            />
          )}
        </Field>
        <button type="submit" className="button primary" disabled={!draft.partNumber.trim()}>
          Show forecast
        </button>
      </form>

      {!query.partNumber ? (
        <EmptyState title="Choose a part to forecast">
          Enter a part number, and a location to plan for one stocking point or leave the whole network.
        </EmptyState>
      ) : (
        <Loaded state={forecast} what="the forecast">
          {(f) => <ForecastView forecast={f} query={query} onOverridden={forecast.reload} />}
        </Loaded>
      )}

      {can('planning:write') && (
        <Panel title="Plan a stocking location">
          <PlanningRunForm locations={locationOptions} />
        </Panel>
      )}
    </>
  );
}

function ForecastView({
  forecast,
  query,
  onOverridden,
}: {
  forecast: PartForecast;
  query: ForecastQuery;
  onOverridden: () => void;
}) {
  const { history, stocking } = forecast;
  const periods = history.periods.map((p) => p.period);
  const future = history.to ? nextPeriods(history.to, query.granularity, forecast.forecast.length) : [];
  const labels = [...periods, ...future];
  const pad = (n: number) => Array.from({ length: n }, (): number | null => null);
  const lastDemand = history.series[history.series.length - 1] ?? null;
  // The forecast line starts at the last actual period so the two read as one story.
  const forecastLine = [...pad(periods.length - 1), lastDemand, ...forecast.forecast];
  const overridden = forecast.overrides.some((o) => o.kind === 'forecast');
  const references: ReferenceLine[] = stocking
    ? [
        { label: 'Safety stock', value: stocking.safetyStock, color: '#b91c1c' },
        { label: 'Reorder point', value: stocking.reorderPoint, color: '#6d28d9' },
      ]
    : [];
  const where = history.locationCode ?? 'the whole network';

  return (
    <>
      <Panel title={`Demand and forecast of ${history.partNumber} at ${where}`}>
        {history.series.length === 0 ? (
          <EmptyState title="No demand history for this part here">
            Demand comes from issues the hub recorded and from imported history (POST
            /api/v1/planning/demand-history).
          </EmptyState>
        ) : (
          <LineChart
            title={`Demand history and forecast of ${history.partNumber} per ${query.granularity}`}
            labels={labels}
            height={280}
            format={formatNumber}
            yLabel="Units"
            referenceLines={references}
            series={[
              { name: 'Demand', values: [...history.series, ...pad(future.length)], color: '#2563eb' },
              {
                name: overridden ? 'Forecast (overridden)' : 'Forecast',
                values: forecastLine,
                color: '#d97706',
                dashed: true,
              },
              ...(overridden
                ? [
                    {
                      name: 'Statistical forecast',
                      values: [...pad(periods.length), ...forecast.statisticalForecast],
                      color: '#4b5563',
                      dashed: true,
                    },
                  ]
                : []),
            ]}
          />
        )}
        {history.predecessors.length > 0 && (
          <p className="muted small">
            Includes the demand of {history.predecessors.join(', ')}, which it supersedes.
          </p>
        )}
      </Panel>
      <div className="grid-2-wide">
        <Panel title="Method and stocking levels">
          <dl className="facts">
            <div>
              <dt>Demand class</dt>
              <dd>{forecast.classification ? humanize(forecast.classification.class) : '—'}</dd>
            </div>
            <div>
              <dt>Method</dt>
              <dd className="mono">{forecast.method ?? '—'}</dd>
            </div>
            <div>
              <dt>Service target</dt>
              <dd>
                {humanize(forecast.target.target.kind)} {formatPercent(forecast.target.target.value, 0)}
              </dd>
            </div>
            <div>
              <dt>Safety stock</dt>
              <dd>
                {formatNumber(stocking?.safetyStock)}
                {forecast.statisticalSafetyStock !== null &&
                stocking &&
                forecast.statisticalSafetyStock !== stocking.safetyStock
                  ? ` (statistical ${formatNumber(forecast.statisticalSafetyStock)})`
                  : ''}
              </dd>
            </div>
            <div>
              <dt>Reorder point</dt>
              <dd>{formatNumber(stocking?.reorderPointUnits)}</dd>
            </div>
            <div>
              <dt>Order up to</dt>
              <dd>{formatNumber(stocking?.orderUpTo)}</dd>
            </div>
            <div>
              <dt>Expected fill rate</dt>
              <dd>{formatPercent(stocking?.fillRate)}</dd>
            </div>
          </dl>
          <h3 className="subhead">Why</h3>
          <Reasons reasons={forecast.reasons} />
        </Panel>
        <Panel title="Overrides">
          <Overrides
            partNumber={history.partNumber}
            locationCode={query.locationCode}
            onChanged={onOverridden}
          />
        </Panel>
      </div>
    </>
  );
}
