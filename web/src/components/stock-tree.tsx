import { Fragment } from 'react';
import { LOCATION_TYPES, type Location, type StockRow } from '../api-types';
import { formatNumber, humanize, locationTypeGroup } from '../format';
import { Badge } from './badge';

interface Totals {
  onHand: number;
  reserved: number;
  available: number;
}

function sum(rows: StockRow[]): Totals {
  return rows.reduce(
    (t, r) => ({
      onHand: t.onHand + r.onHand,
      reserved: t.reserved + r.reserved,
      available: t.available + r.available,
    }),
    { onHand: 0, reserved: 0, available: 0 },
  );
}

function TotalCells({ totals }: { totals: Totals }) {
  return (
    <>
      <td className="num">{formatNumber(totals.onHand)}</td>
      <td className="num">{formatNumber(totals.reserved)}</td>
      <td className="num">{formatNumber(totals.available)}</td>
    </>
  );
}

/**
 * A part's stock as the network holds it: region, then location type, then each location and
 * status, with subtotals on every level. Locations without stock of the part are left out.
 */
export function StockTree({
  partNumber,
  stock,
  locations,
}: {
  partNumber: string;
  stock: StockRow[];
  locations: Location[];
}) {
  const byCode = new Map(locations.map((l) => [l.code, l]));
  const regionOf = (r: StockRow) => byCode.get(r.locationCode)?.region ?? 'Unknown region';
  const regions = [...new Set(stock.map(regionOf))].sort();
  return (
    <div className="table-scroll">
      <table className="data-table stock-tree">
        <caption className="visually-hidden">
          Stock of {partNumber} by region, location type, location and status
        </caption>
        <thead>
          <tr>
            <th scope="col">Location</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              On hand
            </th>
            <th scope="col" className="num">
              Reserved
            </th>
            <th scope="col" className="num">
              Available
            </th>
          </tr>
        </thead>
        {regions.map((region) => {
          const inRegion = stock.filter((r) => regionOf(r) === region);
          const types = LOCATION_TYPES.filter((t) =>
            inRegion.some((r) => byCode.get(r.locationCode)?.type === t),
          );
          const untyped = inRegion.filter((r) => !byCode.has(r.locationCode));
          return (
            <tbody key={region}>
              <tr className="tree-region">
                <th scope="rowgroup" colSpan={2}>
                  {humanize(region.toLowerCase())} region
                </th>
                <TotalCells totals={sum(inRegion)} />
              </tr>
              {types.map((type) => {
                const ofType = inRegion.filter((r) => byCode.get(r.locationCode)?.type === type);
                const codes = [...new Set(ofType.map((r) => r.locationCode))].sort();
                return (
                  <Fragment key={type}>
                    <tr className="tree-type">
                      <th scope="rowgroup" colSpan={2}>
                        {locationTypeGroup(type)}
                      </th>
                      <TotalCells totals={sum(ofType)} />
                    </tr>
                    {codes.map((code) => (
                      <LocationRows
                        key={code}
                        location={byCode.get(code)}
                        code={code}
                        rows={ofType.filter((r) => r.locationCode === code)}
                      />
                    ))}
                  </Fragment>
                );
              })}
              {[...new Set(untyped.map((r) => r.locationCode))].map((code) => (
                <LocationRows
                  key={code}
                  location={undefined}
                  code={code}
                  rows={untyped.filter((r) => r.locationCode === code)}
                />
              ))}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

function LocationRows({
  location,
  code,
  rows,
}: {
  location: Location | undefined;
  code: string;
  rows: StockRow[];
}) {
  return (
    <>
      {rows.map((r, k) => (
        <tr key={r.status} className="tree-location">
          {k === 0 && (
            <th scope="row" rowSpan={rows.length}>
              <span className="loc-code">{code}</span>
              {location && <span className="loc-name">{location.name}</span>}
            </th>
          )}
          <td>
            <Badge value={r.status} tone={r.status === 'available' ? 'good' : 'neutral'} />
          </td>
          <td className="num">{formatNumber(r.onHand)}</td>
          <td className="num">{formatNumber(r.reserved)}</td>
          <td className="num">{formatNumber(r.available)}</td>
        </tr>
      ))}
    </>
  );
}
