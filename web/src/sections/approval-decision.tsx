import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { ApprovalQueueItem, WorkOrder } from '../api-types';
import {
  ApproveRejectButtons,
  DecisionActions,
  ReasonField,
  submittedDecision,
  type Decision,
} from '../components/form-action';
import { formatNumber, humanize } from '../format';
import { useAction } from '../hooks/use-api';
import { useSession } from '../session';

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
    if (await decide.run(submittedDecision(event))) onDone();
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
      <ReasonField
        label="Reason"
        hint="Recorded in the audit trail with your decision."
        value={reason}
        onChange={setReason}
      />
      <DecisionActions error={decide.error} failure="The decision was not recorded" onCancel={onCancel}>
        <ApproveRejectButtons disabled={!allowed || decide.pending || !reason.trim()} />
      </DecisionActions>
    </form>
  );
}
