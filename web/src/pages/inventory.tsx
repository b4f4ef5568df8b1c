import { useState, type FormEvent } from 'react';
import type { ApiError } from '../api';
import type { Items, Location, Resolution, StockRow } from '../api-types';
import { Field } from '../components/field';
import { LiveStatus, PageHeader, Panel } from '../components/layout';
import { EmptyState, Loaded, ProblemMessage } from '../components/problem';
import { StockTree } from '../components/stock-tree';
import { SupersessionChain } from '../components/supersession-chain';
import { humanize } from '../format';
import { useApi } from '../hooks/use-api';
import { replaceParams, useHashRoute } from '../router';
import { MovementLedger } from '../sections/movement-ledger';
import { ReserveForm } from '../sections/reserve-form';
import { useSession } from '../session';

interface Search {
  number: string;
  scheme: string;
}

/** Find a part by any number it is known by, see where its stock is, reserve it, read its ledger. */
export function InventoryPage() {
  const route = useHashRoute();
  const initial = { number: route.params.get('number') ?? '', scheme: route.params.get('scheme') ?? '' };
  const [draft, setDraft] = useState(initial.number);
  const [search, setSearch] = useState<Search>(initial);
  const resolution = useApi<Resolution>(search.number ? '/api/v1/parts/resolve' : null, {
    number: search.number,
    scheme: search.scheme,
  });
  const locations = useApi<Items<Location>>('/api/v1/locations');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { number: draft.trim(), scheme: '' };
    setSearch(next);
    replaceParams('inventory', { number: next.number });
  };
  const pickScheme = (scheme: string) => {
    setSearch((s) => ({ ...s, scheme }));
    replaceParams('inventory', { number: search.number, scheme });
  };

  return (
    <>
      <PageHeader
        title="Inventory"
        lead="Find a part by its hub number or any number it is known by (OEM, ERP material, supplier), then see its stock across the network."
      />
      <form className="search-bar" role="search" onSubmit={submit}>
        <Field
          label="Part or cross-reference number"
          hint="For example SP-100004, or an OEM number such as AC-7710."
        >
          {(props) => (
            <input
              {...props}
              type="search"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <button type="submit" className="button primary" disabled={!draft.trim()}>
          Find part
        </button>
      </form>

      {!search.number ? (
        <EmptyState title="Search for a part to begin">
          Type any number the part is known by. The hub resolves cross-references and supersessions to the
          part valid now.
        </EmptyState>
      ) : resolution.error && !resolution.data ? (
        <ResolveProblem error={resolution.error} onPickScheme={pickScheme} onRetry={resolution.reload} />
      ) : (
        <Loaded state={resolution} what="the part">
          {(r) => (
            <PartView key={r.current.partNumber} resolution={r} locations={locations.data?.items ?? []} />
          )}
        </Loaded>
      )}
    </>
  );
}

/** A number that names parts in two schemes: let the user say which scheme they meant. */
function ResolveProblem({
  error,
  onPickScheme,
  onRetry,
}: {
  error: ApiError;
  onPickScheme: (scheme: string) => void;
  onRetry: () => void;
}) {
  const candidates = error.extensions.candidates;
  if (error.code === 'NUMBER_AMBIGUOUS' && Array.isArray(candidates)) {
    return (
      <div className="problem" role="alert">
        <p className="problem-title">{error.title}</p>
        <p>{error.detail}. Choose the numbering scheme you meant:</p>
        <ul className="choice-list">
          {(candidates as { scheme: string; partNumber: string }[]).map((c) => (
            <li key={c.scheme}>
              <button type="button" className="button secondary" onClick={() => onPickScheme(c.scheme)}>
                {c.scheme}: {c.partNumber}
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (error.code === 'NUMBER_NOT_FOUND')
    return (
      <EmptyState title="No part carries this number">
        {error.detail}. Check the number, or ask master data to add it as a cross-reference of the right part.
      </EmptyState>
    );
  return <ProblemMessage error={error} context="Could not look up the number" onRetry={onRetry} />;
}

function PartView({ resolution, locations }: { resolution: Resolution; locations: Location[] }) {
  const { can } = useSession();
  const chain = [...new Set([resolution.part.partNumber, ...resolution.path.map((s) => s.to)])];
  const [shown, setShown] = useState(resolution.current.partNumber);
  const stock = useApi<Items<StockRow>>(
    '/api/v1/stock',
    { partNumber: shown, limit: 500 },
    { pollMs: 10_000 },
  );
  const part = resolution.current;

  return (
    <>
      <Panel title={`${part.partNumber} — ${part.description}`}>
        <dl className="facts">
          <div>
            <dt>You searched</dt>
            <dd>
              {resolution.number}{' '}
              <span className="muted">
                ({resolution.scheme === 'INTERNAL' ? 'hub number' : `${resolution.scheme} number`}
                {resolution.normalization.length ? `, read as ${resolution.normalized}` : ''})
              </span>
            </dd>
          </div>
          <div>
            <dt>Part found</dt>
            <dd>{resolution.part.partNumber}</dd>
          </div>
          <div>
            <dt>Valid now</dt>
            <dd className="strong">{part.partNumber}</dd>
          </div>
          <div>
            <dt>Unit</dt>
            <dd>
              {part.baseUom}
              {part.wholeUnits ? ', whole units' : ''}
            </dd>
          </div>
          <div>
            <dt>Tracking</dt>
            <dd>{humanize(part.tracking)}</dd>
          </div>
        </dl>
        <h3 className="subhead">Supersession</h3>
        {resolution.path.length ? (
          <>
            <SupersessionChain resolution={resolution} />
            <p className="muted small">{resolution.explanation}</p>
          </>
        ) : (
          <p className="muted">No supersession: {part.partNumber} is the part valid now.</p>
        )}
      </Panel>

      <Panel
        title="Stock by location"
        actions={
          <>
            {chain.length > 1 && (
              <Field label="Stock of">
                {(props) => (
                  <select {...props} value={shown} onChange={(e) => setShown(e.target.value)}>
                    {chain.map((pn) => (
                      <option key={pn} value={pn}>
                        {pn}
                        {pn === resolution.current.partNumber ? ' (valid now)' : ''}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            <LiveStatus updatedAt={stock.updatedAt} onRefresh={stock.reload} />
          </>
        }
      >
        <Loaded state={stock} what="the stock">
          {(s) =>
            s.items.length ? (
              <StockTree partNumber={shown} stock={s.items} locations={locations} />
            ) : (
              <EmptyState title={`No stock of ${shown} anywhere your role can see`}>
                Receipts posted by the warehouse or ERP make it appear here.
              </EmptyState>
            )
          }
        </Loaded>
      </Panel>

      {can('reservation:create') && (
        <Panel title="Reserve stock">
          <ReserveForm
            key={shown}
            partNumber={shown}
            stock={stock.data?.items ?? []}
            locations={locations}
            onReserved={stock.reload}
          />
        </Panel>
      )}

      <Panel title="Movement ledger">
        <MovementLedger key={shown} partNumber={shown} locations={locations} />
      </Panel>
    </>
  );
}
