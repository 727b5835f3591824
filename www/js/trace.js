// The Events view: the execution's history as a table (id, time since the start, type, state,
// details), filtered by state, by event type and by branch or Map iteration. Clicking a row (or
// Enter on it) selects its state.
import { el, duration } from './dom.js';
import { detailsOf } from './history.js';

const PAGE = 500;

export class TraceView {
  constructor(panel, { onSelectState, onScope }) {
    this.panel = panel;
    this.onSelectState = onSelectState;
    this.onScope = onScope;
    this.events = [];
    this.info = new Map();
    this.total = 0;
    this.limit = PAGE;
    this.stateFilter = el('select', { 'aria-label': 'Filter by state', onchange: () => this.render() }, el('option', { value: '', text: 'all states' }));
    this.typeFilter = el('input', { type: 'search', placeholder: 'type contains…', 'aria-label': 'Filter by event type', oninput: () => this.render() });
    this.scopeFilter = el('select', { 'aria-label': 'Branch or Map iteration', onchange: () => { this.onScope?.(this.scopeFilter.value); this.render(); } },
      el('option', { value: '', text: 'all branches and iterations' }));
    this.note = el('span', { class: 'muted' });
    this.body = el('tbody');
    this.more = el('button', { type: 'button', hidden: true, onclick: () => { this.limit += PAGE; this.render(); } }, 'Show more');
    this.gone = el('p', { class: 'warn', id: 'history-unavailable', hidden: true });
    panel.append(this.gone,
      el('div', { class: 'filters' }, el('label', { class: 'inline' }, 'State ', this.stateFilter),
        el('label', { class: 'inline' }, 'Type ', this.typeFilter), el('label', { class: 'inline' }, 'Scope ', this.scopeFilter), this.note),
      el('div', { class: 'table-wrap' }, el('table', { class: 'trace' },
        el('thead', {}, el('tr', {}, ...['id', 'time', 'type', 'state', 'details'].map((h) => el('th', { scope: 'col', text: h })))),
        this.body)),
      this.more);
  }

  /** Shows these events (`info`: HistoryReader's id -> {state, path}); `total`: how many there are in all. */
  set(events, info, total = events.length) {
    this.events = events;
    this.info = info;
    this.total = total;
    this.limit = PAGE;
    this.refreshOptions();
    this.render();
  }

  /** More events of the same execution. */
  append(events, total) {
    this.events.push(...events);
    this.total = total;
    this.refreshOptions();
    this.render();
  }

  refreshOptions() {
    const fill = (select, values, label) => {
      const have = new Set([...select.options].map((o) => o.value));
      for (const v of values) if (!have.has(v)) select.append(el('option', { value: v, text: label(v) }));
    };
    const states = new Set();
    const scopes = new Set();
    for (const e of this.events) {
      const i = this.info.get(e.id);
      if (i?.state) states.add(i.state);
      if (i?.path) scopes.add(i.path);
    }
    fill(this.stateFilter, [...states].sort(), (v) => v);
    fill(this.scopeFilter, [...scopes].sort(), (v) => v.slice(1).replaceAll('/', ' › '));
  }

  /** The rest of the history cannot be read (it went past the simulator's history budget). */
  unavailable(name, message) {
    this.gone.replaceChildren(el('strong', { text: `${name}: ` }), message);
    this.gone.hidden = false;
  }

  clear() {
    this.gone.hidden = true;
    this.events = [];
    this.info = new Map();
    this.total = 0;
    for (const s of [this.stateFilter, this.scopeFilter]) while (s.options.length > 1) s.lastChild.remove();
    this.render();
  }

  /** Filters to one state (from the graph). */
  showState(name) {
    if (![...this.stateFilter.options].some((o) => o.value === name)) this.stateFilter.append(el('option', { value: name, text: name }));
    this.stateFilter.value = name;
    this.render();
  }

  render() {
    const state = this.stateFilter.value;
    const type = this.typeFilter.value.trim().toLowerCase();
    const scope = this.scopeFilter.value;
    const start = this.events.length ? +new Date(this.events[0].timestamp) : 0;
    const rows = [];
    let matched = 0;
    for (const e of this.events) {
      const i = this.info.get(e.id) ?? {};
      if (state && i.state !== state) continue;
      if (type && !String(e.type).toLowerCase().includes(type)) continue;
      if (scope && !(i.path === scope || i.path?.startsWith(`${scope}/`))) continue;
      matched++;
      if (rows.length >= this.limit) continue;
      const details = detailsOf(e);
      const tr = el('tr', { tabindex: 0, dataset: { type: e.type, state: i.state ?? '' }, class: /Failed|TimedOut|Aborted/.test(e.type) ? 'bad' : '' },
        el('td', { class: 'num', text: e.id }),
        el('td', { class: 'num', text: `+${duration(+new Date(e.timestamp) - start)}` }),
        el('td', { text: e.type }),
        el('td', { text: i.state ?? '' }, i.path ? el('span', { class: 'muted', text: ` ${i.path.slice(1)}` }) : null),
        el('td', { class: 'details' }, el('code', { text: Object.keys(details).length ? JSON.stringify(details) : '' })));
      const pick = () => { if (i.state) this.onSelectState(i.state, e.id); };
      tr.addEventListener('click', pick);
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') pick(); });
      rows.push(tr);
    }
    this.body.replaceChildren(...rows);
    this.more.hidden = matched <= this.limit;
    const missing = this.total > this.events.length ? `; the page keeps the first ${this.events.length} of ${this.total} events` : '';
    this.note.textContent = `${Math.min(matched, this.limit)} of ${matched} matching events shown${missing}`;
  }
}
