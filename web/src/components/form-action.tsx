import type { FormEvent, ReactNode } from 'react';
import type { ApiError } from '../api';
import { Field } from './field';
import { ProblemMessage } from './problem';

/** Where a form's command stands: running, failed with the hub's problem, or done with a result. */
interface ActionState<O> {
  pending: boolean;
  error: ApiError | undefined;
  result: O | undefined;
}

/**
 * A form's one submit button, relabelled and disabled while the command runs, and under it,
 * announced politely, the hub's problem or what `done` makes of the result.
 */
export function SubmitAction<O>({
  action,
  label,
  pendingLabel,
  failure,
  full = false,
  done,
}: {
  action: ActionState<O>;
  label: string;
  pendingLabel: string;
  /** What did not happen, before the hub's title: "The override was not saved". */
  failure: string;
  /** The button row spans the whole form grid rather than sitting beside the last field. */
  full?: boolean;
  done: (result: O) => ReactNode;
}) {
  return (
    <>
      <div className={full ? 'form-actions full' : 'form-actions'}>
        <button type="submit" className="button primary" disabled={action.pending}>
          {action.pending ? pendingLabel : label}
        </button>
      </div>
      <div className="form-outcome" aria-live="polite">
        {action.error && <ProblemMessage error={action.error} context={failure} />}
        {action.result !== undefined && done(action.result)}
      </div>
    </>
  );
}

/** The reason a decision is recorded with in the audit trail: required, at most 500 characters. */
export function ReasonField({
  label,
  hint,
  minLength,
  value,
  onChange,
}: {
  label: string;
  hint: string;
  minLength?: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      {(props) => (
        <textarea
          {...props}
          autoFocus
          required
          minLength={minLength}
          maxLength={500}
          rows={2}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/**
 * The end of a decision form: the hub's problem if the last try failed, then the form's submit
 * buttons and Cancel.
 */
export function DecisionActions({
  error,
  failure,
  onCancel,
  children,
}: {
  error: ApiError | undefined;
  /** What did not happen, before the hub's title: "The decision was not recorded". */
  failure: string;
  onCancel: () => void;
  /** The submit buttons. */
  children: ReactNode;
}) {
  return (
    <>
      {error && <ProblemMessage error={error} context={failure} />}
      <div className="form-actions">
        {children}
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

export type Decision = 'approve' | 'reject';

/** Approve and Reject as the two submit buttons of one form; `submittedDecision` tells which was pressed. */
export function ApproveRejectButtons({ disabled }: { disabled: boolean }) {
  return (
    <>
      <button type="submit" name="decision" value="approve" className="button primary" disabled={disabled}>
        Approve
      </button>
      <button type="submit" name="decision" value="reject" className="button danger" disabled={disabled}>
        Reject
      </button>
    </>
  );
}

/** Which of `ApproveRejectButtons` submitted the form. */
export function submittedDecision(event: FormEvent): Decision {
  const submitter = (event.nativeEvent as SubmitEvent).submitter;
  return submitter instanceof HTMLButtonElement && submitter.value === 'reject' ? 'reject' : 'approve';
}
