import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { InboxMessage, IntegrationError, Items, RetryOutcome } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { DecisionActions, ReasonField } from '../components/form-action';
import { Reasons } from '../components/layout';
import { EmptyState, Loaded, ProblemMessage } from '../components/problem';
import { formatAgo, formatDateTime, humanize } from '../format';
import { useAction, type ApiState } from '../hooks/use-api';
import { useSession } from '../session';

type Outcome = { id: string; text: string };

/** Sends a dead message (inbound) or delivery (outbound) through again. */
function retry(entry: IntegrationError): Promise<RetryOutcome> {
  const path =
    entry.kind === 'inbound'
      ? `/api/v1/integration/messages/${encodeURIComponent(entry.id)}/retry`
      : `/api/v1/integration/deliveries/${encodeURIComponent(entry.id)}/retry`;
  return request<RetryOutcome>(path, { method: 'POST' });
}

/**
 * The error log, most urgent business impact first (a blocked service job before a sync lag),
 * with Retry for both directions and Discard (with a reason) for inbound messages.
 */
export function DeadLetters({
  state,
  onChanged,
  onView,
}: {
  state: ApiState<Items<IntegrationError>>;
  onChanged: () => void;
  onView: (messageId: string) => void;
}) {
  const { can } = useSession();
  const operate = can('integration:operate');
  const [outcome, setOutcome] = useState<Outcome>();
  const [discarding, setDiscarding] = useState<IntegrationError>();
  const retrying = useAction(retry);

  const onRetry = async (entry: IntegrationError) => {
    setOutcome(undefined);
    const result = await retrying.run(entry);
    if (!result) return;
    // Only a message's outcome can carry an error: a delivery is only queued again.
    const failure = 'error' in result ? result.error : undefined;
    const text =
      entry.kind === 'inbound'
        ? `Message ${entry.id} retried: now ${humanize(result.status).toLowerCase()}${failure ? ` (${failure.code}: ${failure.detail})` : ''}.`
        : `Delivery ${entry.id} queued again: now ${humanize(result.status).toLowerCase()}.`;
    setOutcome({ id: entry.id, text });
    onChanged();
  };

  return (
    <>
      <div aria-live="polite" className="form-outcome">
        {retrying.error && <ProblemMessage error={retrying.error} context="The retry failed" />}
        {outcome && (
          <p className="success" role="status">
            {outcome.text}
          </p>
        )}
      </div>
      <Loaded state={state} what="the error log">
        {(log) => (
          <DataTable
            caption="Dead and failed messages, most urgent business impact first"
            captionHidden
            rows={log.items}
            rowKey={(e) => `${e.kind}-${e.id}`}
            empty={
              <EmptyState title="No dead letters">
                Every message got through. Messages that cannot be read, mapped or delivered land here, most
                urgent first.
              </EmptyState>
            }
            columns={[
              {
                id: 'impact',
                header: 'Impact',
                sortValue: (e) => e.rank,
                cell: (e) => (
                  <>
                    <Badge value={e.impact} />
                    <span className="cell-sub">rank {e.rank}</span>
                  </>
                ),
              },
              {
                id: 'message',
                header: 'Message',
                rowHeader: true,
                sortValue: (e) => e.flowCode,
                cell: (e) => (
                  <>
                    {e.kind === 'inbound' ? (
                      <button
                        type="button"
                        className="link-button mono"
                        onClick={() => onView(e.id)}
                        aria-label={`View message ${e.id}`}
                      >
                        {e.id}
                      </button>
                    ) : (
                      <span className="mono">{e.id}</span>
                    )}
                    <span className="cell-sub">
                      {e.flowCode} {e.kind === 'inbound' ? 'from' : 'to'} {e.systemCode} ·{' '}
                      <Badge value={e.status} />
                    </span>
                  </>
                ),
              },
              {
                id: 'error',
                header: 'Error',
                className: 'wrap',
                sortValue: (e) => e.code,
                cell: (e) => (
                  <>
                    <code>{e.code}</code>
                    <span className="cell-sub clamp" title={e.detail}>
                      {e.detail}
                    </span>
                    <details className="reasons-details">
                      <summary>Why this rank</summary>
                      <Reasons reasons={e.reasons} />
                    </details>
                  </>
                ),
              },
              {
                id: 'age',
                header: 'Since',
                sortValue: (e) => e.createdAt,
                cell: (e) => (
                  <>
                    <span title={formatDateTime(e.createdAt)}>{formatAgo(e.createdAt)}</span>
                    <span className="cell-sub">
                      {e.attempts} {e.attempts === 1 ? 'attempt' : 'attempts'}
                    </span>
                  </>
                ),
              },
              ...(operate
                ? [
                    {
                      id: 'actions',
                      header: 'Actions',
                      cell: (e: IntegrationError) => (
                        <div className="row-actions">
                          <button
                            type="button"
                            className="button secondary small"
                            aria-label={`Retry ${e.id}`}
                            disabled={retrying.pending}
                            onClick={() => void onRetry(e)}
                          >
                            Retry
                          </button>
                          {e.kind === 'inbound' && e.status === 'dead' && (
                            <button
                              type="button"
                              className="button secondary small"
                              aria-label={`Discard ${e.id}`}
                              onClick={() => setDiscarding(e)}
                            >
                              Discard…
                            </button>
                          )}
                        </div>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Loaded>
      {discarding && (
        <DiscardForm
          key={discarding.id}
          entry={discarding}
          onCancel={() => setDiscarding(undefined)}
          onDone={(text) => {
            setDiscarding(undefined);
            setOutcome({ id: discarding.id, text });
            onChanged();
          }}
        />
      )}
    </>
  );
}

function DiscardForm({
  entry,
  onCancel,
  onDone,
}: {
  entry: IntegrationError;
  onCancel: () => void;
  onDone: (text: string) => void;
}) {
  const [reason, setReason] = useState('');
  const discard = useAction((why: string) =>
    request<InboxMessage>(`/api/v1/integration/messages/${encodeURIComponent(entry.id)}/discard`, {
      method: 'POST',
      body: { reason: why },
    }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await discard.run(reason.trim());
    if (done) onDone(`Message ${entry.id} discarded; the raw message is kept.`);
  };
  return (
    <form className="decision" onSubmit={(e) => void submit(e)} aria-labelledby="discard-title">
      <h3 id="discard-title">Discard {entry.id}</h3>
      <p className="muted">
        Give up on this message from {entry.systemCode}. Nothing is applied; the decision and its reason are
        audited.
      </p>
      <ReasonField
        label="Reason for discarding"
        hint="At least 3 characters, e.g. “ERP resent the event in full”."
        minLength={3}
        value={reason}
        onChange={setReason}
      />
      <DecisionActions error={discard.error} failure="The message was not discarded" onCancel={onCancel}>
        <button
          type="submit"
          className="button danger"
          disabled={discard.pending || reason.trim().length < 3}
        >
          Discard message
        </button>
      </DecisionActions>
    </form>
  );
}
