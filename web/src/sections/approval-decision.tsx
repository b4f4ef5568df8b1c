import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { ApprovalQueueItem, WorkOrder } from '../api-types';
import { Field } from '../components/field';
import { ProblemMessage } from '../components/problem';
import { formatNumber, humanize } from '../format';
import { useAction } from '../hooks/use-api';
import { useSession } from '../session';

type Decision = 'approve' | 'reject';

/**
 * Approve or reject one waiting work order, with the reason the hub records. A manager-level
 * approval needs workorder:approve_manager; without it the form says so instead of failing.
 */
export function ApprovalDecision({
  item,
  onDone,
  onCancel,
}: {
  item: ApprovalQueueItem;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { can } = useSession();
  const [reason, setReason] = useState('');
  const decide = useAction((d: Decision) =>
    request<WorkOrder>(`/api/v1/work-orders/${encodeURIComponent(item.workOrder)}/approval`, {
      method: 'POST',
      body: { decision: d, reason: reason.trim() },
    }),
  );
  const allowed = item.level !== 'manager' || can('workorder:approve_manager');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // Which of the two submit buttons was pressed.
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const decision: Decision =
      submitter instanceof HTMLButtonElement && submitter.value === 'reject' ? 'reject' : 'approve';
    if (await decide.run(decision)) onDone();
  };

  return (
    <form className="decision" onSubmit={(e) => void submit(e)} aria-labelledby="decision-title">
      <h3 id="decision-title">Decision on {item.workOrder}</h3>
      <p className="muted">
        {humanize(item.level)} approval · parts value {formatNumber(item.value)}. Approving sends its held
        requisitions to the ERP; rejecting releases its reservations.
      </p>
      {!allowed && (
        <p className="warn-text">
          A manager must decide this one: your role lacks workorder:approve_manager.
        </p>
      )}
      <Field label="Reason" hint="Recorded in the audit trail with your decision.">
        {(props) => (
          <textarea
            {...props}
            autoFocus
            required
            maxLength={500}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      {decide.error && <ProblemMessage error={decide.error} context="The decision was not recorded" />}
      <div className="form-actions">
        <button
          type="submit"
          className="button primary"
          name="decision"
          value="approve"
          disabled={!allowed || decide.pending || !reason.trim()}
        >
          Approve
        </button>
        <button
          type="submit"
          className="button danger"
          name="decision"
          value="reject"
          disabled={!allowed || decide.pending || !reason.trim()}
        >
          Reject
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
