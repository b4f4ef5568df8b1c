import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, send, toApiError } from '../api';
import type { ImportJob, Items } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { Field } from '../components/field';
import { EmptyState, Loaded, ProblemMessage } from '../components/problem';
import { ProgressBar } from '../components/progress';
import { formatDateTime, formatNumber } from '../format';
import { useApi } from '../hooks/use-api';
import { useSession } from '../session';

type Line = { type: 'progress' | 'done'; job: ImportJob } | { type: 'error'; code: string; detail: string };

/** Reads an NDJSON response line by line as it streams in. */
async function* ndjson(res: Response): AsyncGenerator<Line> {
  const reader = res.body?.getReader();
  if (!reader) return;
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (text) yield JSON.parse(text) as Line;
    }
  }
}

/** Import jobs with their progress (polled quickly while one runs), and a CSV upload for editors. */
export function Imports() {
  const { can } = useSession();
  const [fast, setFast] = useState(false);
  const jobs = useApi<Items<ImportJob>>('/api/v1/imports', { limit: 20 }, { pollMs: fast ? 2_000 : 15_000 });
  const running = jobs.data?.items.some((j) => j.state === 'running') ?? false;
  useEffect(() => setFast(running), [running]);
  return (
    <>
      {can('part:write') && <UploadForm onFinished={jobs.reload} />}
      <Loaded state={jobs} what="the imports">
        {(page) => (
          <DataTable
            caption="Import jobs, newest first"
            captionHidden
            rows={page.items}
            rowKey={(j) => j.id}
            empty={
              <EmptyState title="No imports yet">
                Parts and cross-references arrive in bulk as CSV files, from here or with{' '}
                <code>sparehub import</code>.
              </EmptyState>
            }
            columns={[
              { id: 'file', header: 'File', rowHeader: true, cell: (j) => j.fileName ?? j.id },
              {
                id: 'kind',
                header: 'Kind',
                cell: (j) => (j.kind === 'xrefs' ? 'Cross-references' : 'Parts'),
              },
              {
                id: 'state',
                header: 'State',
                cell: (j) =>
                  j.state === 'running' ? (
                    <ProgressBar label={`${formatNumber(j.rows)} rows read`} />
                  ) : (
                    <Badge value={j.state} />
                  ),
              },
              { id: 'rows', header: 'Rows', align: 'end', cell: (j) => formatNumber(j.rows) },
              { id: 'created', header: 'Created', align: 'end', cell: (j) => formatNumber(j.created) },
              { id: 'unchanged', header: 'Unchanged', align: 'end', cell: (j) => formatNumber(j.unchanged) },
              { id: 'rejected', header: 'Rejected', align: 'end', cell: (j) => formatNumber(j.rejected) },
              { id: 'conflicts', header: 'Conflicts', align: 'end', cell: (j) => formatNumber(j.conflicts) },
              { id: 'started', header: 'Started', cell: (j) => formatDateTime(j.startedAt) },
              {
                id: 'error',
                header: 'Problem',
                className: 'wrap',
                cell: (j) => (j.error ? `${j.error.code}: ${j.error.detail}` : '—'),
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

function UploadForm({ onFinished }: { onFinished: () => void }) {
  const [kind, setKind] = useState<'parts' | 'xrefs'>('parts');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ job?: ImportJob; size: number }>();
  const [finished, setFinished] = useState<ImportJob>();
  const [error, setError] = useState<ApiError>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(undefined);
    setFinished(undefined);
    setProgress({ size: file.size });
    try {
      const res = await send(`/api/v1/imports/${kind}`, {
        method: 'POST',
        query: { fileName: file.name },
        body: file,
        contentType: 'text/csv',
        accept: 'application/x-ndjson',
      });
      for await (const line of ndjson(res)) {
        if (line.type === 'error') throw new ApiError(200, line.code, 'The import stopped', line.detail);
        if (line.type === 'done') setFinished(line.job);
        else setProgress({ job: line.job, size: file.size });
      }
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setProgress(undefined);
      onFinished();
    }
  };

  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="upload-title">
      <h3 id="upload-title" className="subhead full">
        Import a CSV file
      </h3>
      <Field label="Contents">
        {(props) => (
          <select {...props} value={kind} onChange={(e) => setKind(e.target.value as 'parts' | 'xrefs')}>
            <option value="parts">Parts</option>
            <option value="xrefs">Cross-references</option>
          </select>
        )}
      </Field>
      <Field label="CSV file" hint="With a header row; bad rows are kept aside, good rows land in batches.">
        {(props) => (
          <input
            {...props}
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={!file || progress !== undefined}>
          Import
        </button>
      </div>
      <div className="full" aria-live="polite">
        {progress && (
          <ProgressBar
            label={`Importing ${file?.name ?? ''}: ${formatNumber(progress.job?.rows ?? 0)} rows`}
            value={progress.job?.bytesRead ?? 0}
            max={progress.size}
          />
        )}
        {error && <ProblemMessage error={error} context="The import failed" />}
        {finished && (
          <p className="success" role="status">
            Imported {finished.fileName}: {formatNumber(finished.created)} created,{' '}
            {formatNumber(finished.unchanged)} unchanged, {formatNumber(finished.rejected)} rejected,{' '}
            {formatNumber(finished.conflicts)} conflicts.
          </p>
        )}
      </div>
    </form>
  );
}
