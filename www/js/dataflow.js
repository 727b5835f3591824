// The Input and output view of the selected state, step by step as the console's tab and the
// TestState API show it: the state's recorded input is replayed through TestState (the same data
// flow code the executor runs), with a Task's recorded result as the mock; failures show the
// retry attempts and the catch decision. Map iterations and Parallel branches open one by one.
import { el, pretty } from './dom.js';
import { detailsOf } from './history.js';

const STEPS = [
  ['input', 'Input'], ['afterInputPath', 'After InputPath'], ['afterParameters', 'After Parameters'],
  ['afterArguments', 'After Arguments'], ['afterItemsPath', 'After ItemsPath'], ['afterItemSelector', 'After ItemSelector'],
  ['result', 'Result'], ['afterResultSelector', 'After ResultSelector'], ['afterResultPath', 'After ResultPath'],
];
const TESTABLE = new Set(['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice', 'Parallel', 'Map']);

export class DataFlowView {
  /** `tools.call` answers TestState; `onScope(path)` opens a branch or iteration. */
  constructor(panel, { tools, onScope }) {
    this.panel = panel;
    this.tools = tools;
    this.onScope = onScope;
    this.clear();
  }

  clear(text = 'Select a state in the graph or a row of the events to see its data flow.') {
    this.panel.replaceChildren(el('p', { class: 'muted', text }));
  }

  /** Shows state `name` of `definition` (JSON text) with its visits from the HistoryReader. */
  async show({ name, node, definition, visits, events, variables, pick, childResults }) {
    this.childResults = childResults;
    this.token = {};
    const token = this.token;
    const title = el('h3', {}, `${name} `, el('span', { class: 'muted', text: node ? `${node.type} state` : '' }));
    if (!visits?.length) {
      this.panel.replaceChildren(title, el('p', { class: 'muted', text: 'Not run in this execution.' }));
      return;
    }
    let index = Math.max(0, visits.findIndex((v) => v.events.includes(pick)));
    const chooser = el('select', { 'aria-label': 'Visit' },
      ...visits.map((v, i) => el('option', { value: i, text: `visit ${i + 1} of ${visits.length}${v.path ? ` (${v.path.slice(1)})` : ''}` })));
    chooser.value = String(index);
    const body = el('div', { class: 'flow' });
    chooser.addEventListener('change', () => { index = +chooser.value; this.render(body, token, { name, node, definition, visit: visits[index], events, variables: variables?.(visits[index]) }); });
    this.panel.replaceChildren(title, visits.length > 1 ? el('label', { class: 'inline' }, 'Visit ', chooser) : '', body);
    if (node?.scopes?.length) this.panel.append(this.scopesList(name, node, events));
    await this.render(body, token, { name, node, definition, visit: visits[index], events, variables: variables?.(visits[index]) });
  }

  scopesList(name, node, events) {
    const paths = [...new Set(events.paths)].filter((p) => p.endsWith(']') && p.slice(p.lastIndexOf('/') + 1).startsWith(`${name}[`));
    const what = node.type === 'Map' ? 'Iterations' : 'Branches';
    if (!paths.length) {
      const note = node.distributed ? 'A Distributed Map runs its iterations as child executions of a Map Run: their histories are not in this one (as on AWS).' : 'None ran.';
      return el('p', { class: 'muted', text: `${what}: ${note}` });
    }
    return el('div', { class: 'scopes' }, el('h4', { text: `${what} (${paths.length})` }),
      el('ul', { class: 'chips' }, ...paths.slice(0, 500).map((p) => el('li', {}, el('button', {
        type: 'button', onclick: () => this.onScope(p),
      }, p.slice(p.lastIndexOf('/') + 1))))));
  }

  async render(body, token, { name, node, definition, visit, events, variables }) {
    const failures = (visit.failures ?? []).map((id) => events.byId.get(id)).filter(Boolean);
    const rows = el('dl', { class: 'steps' });
    const add = (label, text) => rows.append(el('dt', { text: label }), el('dd', {}, el('pre', { text: pretty(text) })));
    body.replaceChildren(el('p', { class: 'muted', text: 'Replaying the recorded input through TestState…' }));
    if (!TESTABLE.has(node?.type)) {
      add('Input', visit.input ?? '');
      if (visit.output !== undefined) add('Output', visit.output);
      body.replaceChildren(rows);
      return;
    }
    const request = { definition, stateName: name, inspectionLevel: 'DEBUG' };
    if (visit.input !== undefined) request.input = visit.input;
    if (variables) request.variables = variables;
    if (node.type === 'Task' || node.type === 'Parallel' || node.type === 'Map') {
      const result = visit.result ?? (node.type === 'Task' ? undefined : this.childResults?.(visit));
      if (result !== undefined) request.mock = { result };
      else if (failures.length) {
        const d = detailsOf(failures.at(-1));
        request.mock = { errorOutput: { error: d.error ?? '', cause: d.cause ?? '' } };
        request.stateConfiguration = { retrierRetryCount: Math.max(0, failures.length - 1) };
      } else if (node.type !== 'Task') {
        // A Distributed Map's iterations are child executions, not in this history.
        add('Input', visit.input ?? '');
        if (visit.output !== undefined) add('Output', visit.output);
        body.replaceChildren(el('p', { class: 'muted', text: 'The results of its branches or iterations are not in this history, so TestState cannot replay it.' }), rows);
        return;
      }
    }
    let answer;
    try {
      answer = await this.tools.call({ cmd: 'testState', request });
    } catch (e) {
      answer = { status: 'ERROR', error: e.name, cause: e.message };
    }
    if (token !== this.token) return;
    const data = answer.inspectionData ?? {};
    for (const [key, label] of STEPS) if (data[key] !== undefined) add(label, data[key]);
    if (answer.output !== undefined) add('Output', answer.output);
    if (data.variables !== undefined) add('Variables assigned', data.variables);
    if (visit.output !== undefined && answer.output !== undefined && !sameJson(visit.output, answer.output)) {
      add('Output recorded in the history', visit.output);
    }
    const extra = [];
    failures.forEach((f, i) => {
      const d = detailsOf(f);
      const more = i < failures.length - 1 ? 'retried' : answer.status === 'CAUGHT_ERROR' ? `caught: next state ${answer.nextState}` : answer.status === 'RETRIABLE' ? 'retriable' : 'not caught';
      extra.push(el('li', {}, `attempt ${i + 1}: `, el('code', { text: `${d.error ?? ''}` }), ` ${d.cause ?? ''} → ${more}`));
    });
    if (data.errorDetails) extra.push(el('li', { text: `TestState errorDetails: ${JSON.stringify(data.errorDetails)}` }));
    const head = el('p', {}, 'TestState: ', el('strong', { text: answer.status ?? '' }),
      answer.nextState ? ` → next state ${answer.nextState}` : '', answer.error ? ` · ${answer.error}: ${answer.cause ?? ''}` : '');
    body.replaceChildren(head, rows, extra.length ? el('div', {}, el('h4', { text: 'Errors, retries and catch' }), el('ol', {}, ...extra)) : '');
  }
}

function sameJson(a, b) {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}
