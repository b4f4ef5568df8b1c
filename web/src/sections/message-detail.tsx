import type { InboxMessage, MessageBody } from '../api-types';
import { Badge } from '../components/badge';
import { JsonView, Panel } from '../components/layout';
import { Loaded } from '../components/problem';
import { formatDateTime } from '../format';
import { useApi } from '../hooks/use-api';

/** Pretty-prints JSON content; anything else (CSV, X12, IDoc) is shown as it came. */
function pretty(body: string, contentType: string): string {
  if (!contentType.includes('json')) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** One inbound message: its envelope, the raw content beside what the mapping made of it. */
export function MessageDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const message = useApi<InboxMessage>(
    `/api/v1/integration/messages/${encodeURIComponent(id)}`,
    {},
    { pollMs: 5_000 },
  );
  // The raw body never changes: fetched once, cut at 256 K characters by the hub.
  const raw = useApi<MessageBody>(`/api/v1/integration/messages/${encodeURIComponent(id)}/body`);
  return (
    <Panel
      focusOnMount
      title={`Message ${id}`}
      actions={
        <button type="button" className="button secondary small" onClick={onClose}>
          Close
        </button>
      }
    >
      <Loaded state={message} what={`message ${id}`}>
        {(m) => (
          <>
            <dl className="facts">
              <div>
                <dt>State</dt>
                <dd>
                  <Badge value={m.status} />
                </dd>
              </div>
              <div>
                <dt>Flow</dt>
                <dd>
                  {m.flowCode} (from {m.systemCode})
                </dd>
              </div>
              <div>
                <dt>Received</dt>
                <dd>
                  {formatDateTime(m.receivedAt)} over {m.transport}
                </dd>
              </div>
              <div>
                <dt>Mapping</dt>
                <dd>{m.mappingCode ? `${m.mappingCode} v${m.mappingVersion ?? '?'}` : '—'}</dd>
              </div>
              <div>
                <dt>Attempts</dt>
                <dd>{m.attempts}</dd>
              </div>
              <div>
                <dt>Idempotency key</dt>
                <dd className="mono break">{m.idempotencyKey}</dd>
              </div>
            </dl>
            {m.error && (
              <p className="problem-inline">
                <code>{m.error.code}</code> {m.error.detail}
              </p>
            )}
            <div className="side-by-side">
              <div>
                <h3 className="subhead">Raw content ({m.contentType})</h3>
                <Loaded state={raw} what="the raw content">
                  {(b) => (
                    <>
                      <JsonView value={pretty(b.body, b.contentType)} />
                      {b.truncated && (
                        <p className="muted">
                          The first {b.body.length.toLocaleString()} of {b.length.toLocaleString()}{' '}
                          characters; SHA-256 of the whole: <span className="mono break">{m.bodySha256}</span>
                          .
                        </p>
                      )}
                    </>
                  )}
                </Loaded>
              </div>
              <div>
                <h3 className="subhead">Mapped form</h3>
                {m.result === null || m.result === undefined ? (
                  <p className="muted">
                    {m.status === 'dead' || m.status === 'failed'
                      ? 'Nothing: the message was not mapped. Fix the mapping or the sender, then retry.'
                      : 'Not mapped yet.'}
                  </p>
                ) : (
                  <JsonView value={m.result} />
                )}
              </div>
            </div>
          </>
        )}
      </Loaded>
    </Panel>
  );
}
