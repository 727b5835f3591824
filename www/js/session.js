// One run (or one replay) as the page sees it: the events that came, the page's own reader of
// them (which state and branch each event belongs to, the visits of each state), the worker's
// statuses over all events, and the log records. The views read from here.
import { HistoryReader, placesOf } from './history.js';

export class Session {
  /** `model`: the graph model of the definition that ran. */
  constructor(model, { type, mode, region }) {
    this.places = placesOf(model);
    this.reader = new HistoryReader(this.places);
    this.events = [];
    this.byId = new Map();
    this.total = 0;
    this.snapshot = null; // the worker's statuses over every event
    this.type = type;
    this.mode = mode;
    this.region = region;
    this.result = null;
    this.running = true;
    this.historyGone = false; // its history went past the budget: not read whole
  }

  /** Events as they arrive (ascending ids). */
  addEvents(events, total, snapshot) {
    for (const e of events) {
      this.events.push(e);
      this.byId.set(e.id, e);
    }
    this.reader.add(events);
    this.total = Math.max(total ?? 0, this.events.length);
    if (snapshot) this.snapshot = snapshot;
  }

  /** Statuses for the whole execution, or only for one branch or iteration (`scope`, a path). */
  statuses(scope) {
    if (!scope) return this.snapshot ?? this.reader.snapshot();
    const sub = new HistoryReader(this.places);
    sub.info = new Map(this.reader.info);
    sub.add(this.events.filter((e) => {
      const p = this.reader.info.get(e.id)?.path ?? '';
      return p === scope || p.startsWith(`${scope}/`);
    }));
    return sub.snapshot();
  }

  /** The state transitions so far (Standard bills them). */
  get transitions() {
    return this.snapshot?.transitions ?? this.reader.transitions;
  }

  /** What the data-flow view needs to look events up. */
  get lookup() {
    return { byId: this.byId, paths: this.reader.paths };
  }

  /** The visits of a state (in event order). */
  visits(name) {
    return this.reader.states.get(name)?.visits ?? [];
  }

  /** A Parallel's or Map's result as its branches or iterations gave it (JSON text of the array of
   *  their outputs), rebuilt from the last StateExited event of each; undefined when they are not in
   *  this history (a Distributed Map's iterations run as child executions). */
  childResults(name, visit) {
    const prefix = `${visit.path}/${name}[`;
    const outputs = new Map();
    const last = visit.exitedId ?? Infinity;
    for (const e of this.events) {
      if (e.id <= visit.enteredId || e.id > last || !String(e.type).endsWith('StateExited')) continue;
      const p = this.reader.info.get(e.id)?.path ?? '';
      if (!p.startsWith(prefix) || p.indexOf('/', prefix.length) !== -1) continue;
      const d = e.stateExitedEventDetails ?? e.recordEventDetails ?? {};
      outputs.set(Number(p.slice(prefix.length, -1)), d.output);
    }
    if (!outputs.size) return undefined;
    const list = [...outputs.keys()].sort((a, b) => a - b).map((i) => outputs.get(i) ?? 'null');
    return `[${list.join(',')}]`;
  }

  /** Visits before `visit` in its scope or the scopes around it, in order: to rebuild variables. */
  visitsBefore(visit, limit = 300) {
    const inScope = (p) => visit.path === p || visit.path.startsWith(`${p}/`) || p === '';
    const all = [];
    for (const [name, s] of this.reader.states) {
      for (const v of s.visits) if (v.enteredId < visit.enteredId && inScope(v.path) && v.exitedId) all.push({ name, visit: v });
    }
    all.sort((a, b) => a.visit.enteredId - b.visit.enteredId);
    return all.slice(-limit);
  }
}
