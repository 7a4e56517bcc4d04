// Silences from the anomalies page: the ones in force with who made them and why, and for
// operators a form to make one (matchers, end time, comment) and a button to end one now.
// "Silence this" on an anomaly row opens the form prefilled with its device and rule. The API
// checks everything again (matchers, a regex that compiles, the 90-day limit) and its refusal is
// shown as it says it.
import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import { HOUR_MS } from '../../../common/time-units.js';

export type MatcherField = 'DEVICE' | 'SITE' | 'ROLE' | 'RULE' | 'SEVERITY';
export interface MatcherDraft { field: MatcherField; value: string; regex: boolean }
interface SilenceRow { id: string; matchers: MatcherDraft[]; endsAt: number; comment: string; createdBy: string }

const FIELDS: MatcherField[] = ['DEVICE', 'SITE', 'ROLE', 'RULE', 'SEVERITY'];
const SILENCES_QUERY = '{ silences { id matchers { field value regex } endsAt comment createdBy } }';
const CREATE_SILENCE = 'mutation CreateSilence($input: SilenceInput!) { createSilence(input: $input) { id } }';
const EXPIRE_SILENCE = 'mutation ExpireSilence($id: ID!) { expireSilence(id: $id) { id } }';
const DEFAULT_HOURS = 2;

/** A datetime-local input's value for an instant, in the browser's time zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function SilencesPanel(props: { mayEdit: boolean; prefill: MatcherDraft[] | null; onPrefillUsed: () => void; onChanged: () => void }) {
  const client = useClient();
  const [silences, setSilences] = useState<SilenceRow[]>([]);
  const [open, setOpen] = useState(false);
  const [matchers, setMatchers] = useState<MatcherDraft[]>([{ field: 'DEVICE', value: '', regex: false }]);
  const [endsAt, setEndsAt] = useState(localInput(Date.now() + DEFAULT_HOURS * HOUR_MS));
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');

  const reload = async () => {
    const r = await client.query<{ silences: SilenceRow[] }>(SILENCES_QUERY, {}, { requestPolicy: 'network-only' }).toPromise();
    if (r.data) setSilences(r.data.silences);
  };
  useEffect(() => {
    void reload();
  }, [client]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!props.prefill) return;
    setMatchers(props.prefill);
    setEndsAt(localInput(Date.now() + DEFAULT_HOURS * HOUR_MS));
    setOpen(true);
    props.onPrefillUsed();
  }, [props.prefill]); // eslint-disable-line react-hooks/exhaustive-deps

  const setMatcher = (i: number, change: Partial<MatcherDraft>) => setMatchers((list) => list.map((m, j) => (j === i ? { ...m, ...change } : m)));
  const submit = async () => {
    setError('');
    const end = new Date(endsAt).getTime();
    if (!Number.isFinite(end)) return setError('Give an end time.');
    const input = { matchers: matchers.filter((m) => m.value.trim()).map((m) => ({ field: m.field, value: m.value.trim(), regex: m.regex })), endsAt: end, comment };
    const r = await client.mutation(CREATE_SILENCE, { input }).toPromise();
    if (r.error) return setError(`Not silenced: ${r.error.graphQLErrors[0]?.message ?? r.error.message}`);
    setOpen(false);
    setComment('');
    await reload();
    props.onChanged();
  };
  const expire = async (id: string) => {
    setError('');
    const r = await client.mutation(EXPIRE_SILENCE, { id }).toPromise();
    if (r.error) return setError(`Not expired: ${r.error.graphQLErrors[0]?.message ?? r.error.message}`);
    await reload();
    props.onChanged();
  };

  return (
    <section className="silences" data-testid="silences-panel">
      <h2>
        Silences in force <span className="dim">{silences.length}</span>
        {props.mayEdit && !open ? (
          <button type="button" data-testid="silence-new" onClick={() => setOpen(true)}>New silence</button>
        ) : null}
      </h2>
      {error ? <p className="error" data-testid="silence-error">{error}</p> : null}
      {open ? (
        <form className="silence-form" data-testid="silence-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
          {matchers.map((m, i) => (
            <div className="matcher" key={i} data-testid="silence-matcher">
              <select aria-label="field" value={m.field} onChange={(e) => setMatcher(i, { field: e.target.value as MatcherField })}>
                {FIELDS.map((f) => <option key={f} value={f}>{f.toLowerCase()}</option>)}
              </select>
              <input aria-label="value" data-testid="silence-matcher-value" value={m.value} onChange={(e) => setMatcher(i, { value: e.target.value })} placeholder={m.regex ? 'ams1-.*' : 'value'} />
              <label className="dim">
                <input type="checkbox" checked={m.regex} onChange={(e) => setMatcher(i, { regex: e.target.checked })} /> regex
              </label>
              {matchers.length > 1 ? <button type="button" onClick={() => setMatchers((list) => list.filter((_, j) => j !== i))}>Remove</button> : null}
            </div>
          ))}
          <button type="button" onClick={() => setMatchers((list) => [...list, { field: 'SITE', value: '', regex: false }])}>Add matcher</button>
          <label>
            Until <input type="datetime-local" data-testid="silence-ends" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} required />
          </label>
          <label>
            Comment <input data-testid="silence-comment" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="why, e.g. CHG-1042" required />
          </label>
          <button type="submit" data-testid="silence-submit">Silence</button>
          <button type="button" onClick={() => setOpen(false)}>Cancel</button>
        </form>
      ) : null}
      {silences.length > 0 ? (
        <ul className="silence-list">
          {silences.map((s) => (
            <li key={s.id} data-testid="silence-item" data-silence-id={s.id}>
              <span className="mono">{s.matchers.map((m) => `${m.field.toLowerCase()}${m.regex ? '~' : '='}${m.value}`).join(' ')}</span>{' '}
              until {new Date(s.endsAt).toLocaleString('en-GB')}: {s.comment} <span className="dim">({s.createdBy})</span>
              {props.mayEdit ? <button type="button" data-testid="silence-expire" onClick={() => void expire(s.id)}>Expire</button> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
