// Replay what happened on AWS: the JSON of `aws stepfunctions get-execution-history` (or the SDK's
// GetExecutionHistory), or an Express machine's CloudWatch log export (`aws logs
// filter-log-events` / `get-log-events` output, a JSON array of records, or one record a line),
// read into history events for the same graph and trace views.
import { el } from './dom.js';

/** Reads pasted text: `{events, records}` (records only for a log export); throws on anything else. */
export function parseReplay(text) {
  const trimmed = String(text ?? '').trim();
  if (!trimmed) throw new Error('Paste the JSON of get-execution-history or of a CloudWatch log export.');
  let doc;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    // One JSON record a line (a log export), possibly with a timestamp before each.
    const lines = trimmed.split('\n').map((l) => l.slice(l.indexOf('{'))).filter((l) => l.startsWith('{'));
    doc = lines.map((l, i) => {
      try {
        return JSON.parse(l);
      } catch (e) {
        throw new Error(`line ${i + 1} is not JSON: ${e.message}`);
      }
    });
  }
  const list = Array.isArray(doc) ? doc : Array.isArray(doc?.events) ? doc.events : null;
  if (!list || !list.length) throw new Error('No events found: expected {"events": [...]} or a list of log records.');
  const items = list.map((item) => (typeof item?.message === 'string' ? safeParse(item.message) : item));
  if (items.every((r) => r && typeof r === 'object' && 'event_timestamp' in r)) {
    const records = items;
    const events = records.map(recordToEvent).sort((a, b) => a.id - b.id);
    return { events, records };
  }
  if (items.every((e) => e && typeof e === 'object' && 'type' in e && 'id' in e)) {
    return { events: items.map(normaliseEvent).sort((a, b) => a.id - b.id), records: null };
  }
  throw new Error('These are neither history events (with id and type) nor Step Functions log records.');
}

function safeParse(s) {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** AWS CLI timestamps are ISO text or epoch seconds; the SDK gives Dates. */
function timeOf(t) {
  if (typeof t === 'number') return new Date(t < 1e11 ? t * 1000 : t);
  const d = new Date(t);
  return Number.isFinite(+d) ? d : new Date(0);
}

function normaliseEvent(e) {
  return { ...e, id: Number(e.id), previousEventId: Number(e.previousEventId ?? 0), timestamp: timeOf(e.timestamp) };
}

/** A log record as a history event: its details go under a `...EventDetails` key. */
export function recordToEvent(r) {
  return {
    id: Number(r.id), previousEventId: Number(r.previous_event_id ?? 0), type: String(r.type),
    timestamp: timeOf(Number(r.event_timestamp)), recordEventDetails: r.details ?? {},
  };
}

/** The Replay panel: a text area (paste or drop a file) and a button. `onReplay({events, records})`. */
export class ReplayView {
  constructor(panel, onReplay) {
    this.area = el('textarea', { id: 'replay-text', rows: 10, spellcheck: 'false', 'aria-label': 'AWS execution history or log export (JSON)',
      placeholder: 'aws stepfunctions get-execution-history --execution-arn … > history.json\nPaste it here, or drop the file. The definition comes from the editor.' });
    this.message = el('p', { class: 'error-text', 'aria-live': 'polite' });
    const file = el('input', { type: 'file', accept: '.json,.txt,.log,application/json', 'aria-label': 'Open a history file' });
    file.addEventListener('change', async () => {
      if (file.files?.[0]) this.area.value = await file.files[0].text();
      file.value = '';
    });
    this.area.addEventListener('dragover', (ev) => ev.preventDefault());
    this.area.addEventListener('drop', async (ev) => {
      ev.preventDefault();
      const f = ev.dataTransfer?.files?.[0];
      if (f) this.area.value = await f.text();
    });
    const go = el('button', { type: 'button', id: 'replay-go', class: 'primary' }, 'Replay in the graph and trace');
    go.addEventListener('click', () => {
      try {
        const parsed = parseReplay(this.area.value);
        this.message.textContent = '';
        onReplay(parsed);
      } catch (e) {
        this.message.textContent = e.message;
      }
    });
    panel.append(
      el('p', { class: 'muted' }, 'Put the machine\'s definition in the editor, then paste the JSON of ', el('code', { text: 'aws stepfunctions get-execution-history' }),
        ' (or an Express machine\'s CloudWatch log export) here.'),
      this.area, el('div', { class: 'row' }, go, file), this.message);
  }

  set(text) {
    this.area.value = text;
  }
}
