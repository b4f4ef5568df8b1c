import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { DemandType, Location, ReservationInput, ReservationResult, StockRow } from '../api-types';
import { Field, NumberField } from '../components/field';
import { SubmitAction } from '../components/form-action';
import { Reasons } from '../components/layout';
import { formatNumber } from '../format';
import { useAction } from '../hooks/use-api';

/**
 * POST /api/v1/reservations for the part shown: the locations offered are those with free
 * stock; the hub decides (and may preempt weaker reservations), and its reasons are shown.
 */
export function ReserveForm({
  partNumber,
  stock,
  locations,
  onReserved,
}: {
  partNumber: string;
  stock: StockRow[];
  locations: Location[];
  onReserved: () => void;
}) {
  const free = stock.filter((r) => r.status === 'available' && r.available > 0);
  const nameOf = new Map(locations.map((l) => [l.code, l.name]));
  const [locationCode, setLocationCode] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [demandType, setDemandType] = useState<DemandType>('field_service');
  const [priority, setPriority] = useState('5');
  const [demandRef, setDemandRef] = useState('');
  const reserve = useAction((input: ReservationInput) =>
    request<ReservationResult>('/api/v1/reservations', { method: 'POST', body: input }),
  );
  const chosen = locationCode || free[0]?.locationCode || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await reserve.run({
      partNumber,
      locationCode: chosen,
      quantity: Number(quantity),
      demandType,
      priority: Number(priority),
      demandRef: demandRef.trim(),
    });
    if (done) {
      setDemandRef('');
      onReserved();
    }
  };

  if (free.length === 0)
    return <p className="muted">No location holds free stock of {partNumber} to reserve.</p>;

  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)}>
      <Field label="Location">
        {(props) => (
          <select {...props} value={chosen} onChange={(e) => setLocationCode(e.target.value)}>
            {free.map((r) => (
              <option key={r.locationCode} value={r.locationCode}>
                {r.locationCode} — {nameOf.get(r.locationCode) ?? ''} ({formatNumber(r.available)} free)
              </option>
            ))}
          </select>
        )}
      </Field>
      <NumberField label="Quantity" min="0" value={quantity} onChange={setQuantity} />
      <Field label="Demand type">
        {(props) => (
          <select {...props} value={demandType} onChange={(e) => setDemandType(e.target.value as DemandType)}>
            <option value="field_service">Field service job</option>
            <option value="internal_transfer">Internal transfer</option>
          </select>
        )}
      </Field>
      <NumberField
        label="Priority"
        hint="0 to 1000; higher outranks lower."
        min="0"
        max="1000"
        step="1"
        value={priority}
        onChange={setPriority}
      />
      <Field label="Demand reference" hint="The work order or transfer order the parts are for.">
        {(props) => (
          <input
            {...props}
            type="text"
            required
            maxLength={200}
            placeholder="WO-12345"
            value={demandRef}
            onChange={(e) => setDemandRef(e.target.value)}
          />
        )}
      </Field>
      <SubmitAction
        action={reserve}
        label="Reserve"
        pendingLabel="Reserving…"
        failure="The reservation was not made"
        done={({ reservation, reasons, preempted }) => (
          <div className="success" role="status">
            <p className="strong">
              Reserved {formatNumber(reservation.quantity)} × {reservation.partNumber} at{' '}
              {reservation.locationCode} for {reservation.demandRef} ({reservation.id}).
            </p>
            <Reasons reasons={reasons} />
            {preempted.length > 0 && (
              <p>
                It took stock from weaker reservations:{' '}
                {preempted.map((p) => `${p.demandRef} (${formatNumber(p.quantity)})`).join(', ')}.
              </p>
            )}
          </div>
        )}
      />
    </form>
  );
}
