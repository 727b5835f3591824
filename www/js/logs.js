// The Log records view: exactly what CloudWatch Logs would hold for the execution (one JSON
// record per line, as Step Functions writes them), and the GetLogEvents calls that fetched them
// with nextForwardToken, as a CloudWatch reader polls a log stream.
import { el } from './dom.js';

const MAX_SHOWN = 2000;

export class LogsView {
  constructor(panel) {
    this.panel = panel;
    this.records = [];
    this.calls = el('ol', { class: 'poll-log', 'aria-label': 'GetLogEvents calls' });
    this.list = el('ol', { class: 'records', 'aria-label': 'Log records' });
    this.head = el('p', { class: 'muted' });
    panel.append(this.head,
      el('details', { class: 'polls' }, el('summary', { text: 'GetLogEvents calls (polled with nextForwardToken)' }), this.calls),
      this.list);
    this.clear();
  }

  clear(level) {
    this.records = [];
    this.calls.replaceChildren();
    this.list.replaceChildren();
    this.level = level;
    this.head.textContent = level === 'OFF'
      ? 'Log level OFF: Step Functions writes no records (choose a level in Settings).'
      : 'No records yet.';
  }

  /** Records that one GetLogEvents call returned. */
  add({ records, nextToken, nextForwardToken, empty }) {
    const calls = this.calls;
    if (empty) calls.append(el('li', { class: 'muted', text: `${empty} call${empty > 1 ? 's' : ''} returned nothing new` }));
    calls.append(el('li', {}, el('code', { text: `getLogEvents({nextToken: ${nextToken ? JSON.stringify(nextToken) : 'undefined'}})` }),
      ` → ${records.length} record${records.length === 1 ? '' : 's'}, nextForwardToken `, el('code', { text: JSON.stringify(nextForwardToken) })));
    for (const r of records) {
      this.records.push(r);
      if (this.records.length <= MAX_SHOWN) this.list.append(el('li', { dataset: { type: r.type } }, el('code', { text: JSON.stringify(r) })));
    }
    const extra = this.records.length > MAX_SHOWN ? ` (the first ${MAX_SHOWN} shown)` : '';
    this.head.textContent = `${this.records.length} log record${this.records.length === 1 ? '' : 's'} at level ${this.level ?? 'ALL'}${extra}`;
  }

  /** Replayed records (from an AWS log export). */
  setRecords(records) {
    this.clear('ALL');
    this.add({ records, nextToken: undefined, nextForwardToken: '(replay)' });
  }
}
