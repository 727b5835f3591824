// The Result strip: the execution's ARN as soon as it is known, its status, output or error and
// cause, duration, billingDetails, and what it would cost on AWS as Express and as Standard.
import { el, pretty, duration } from './dom.js';
import { PRICES, PRICES_SOURCE, expressCost, standardCost, usd } from './prices.js';

export class ResultView {
  constructor(host) {
    this.host = host;
    this.clear();
  }

  clear(text = 'Run the machine to see its result here.') {
    this.host.replaceChildren(el('p', { class: 'muted', text }));
    this.host.dataset.status = '';
  }

  /** A run that has started: what is known so far. */
  started({ executionArn, mode, type }) {
    this.host.dataset.status = 'RUNNING';
    const call = mode === 'async' ? 'StartExecution' : 'StartSyncExecution';
    this.host.replaceChildren(
      el('p', {}, el('span', { class: 'status-word', text: 'RUNNING' }), ` ${type} · ${call} answered `,
        el('code', { id: 'execution-arn', text: executionArn ?? '(the ARN comes with the result)' })));
  }

  /** The console's StartSyncExecution gave up at 60 s; the execution goes on. */
  consoleTimeout(message) {
    this.host.append(el('p', { class: 'warn', id: 'console-timeout' }, el('strong', { text: 'TimeoutError: ' }), message));
  }

  /** The end: a StartSyncExecution-shaped result (or DescribeExecution after a console timeout);
   *  `transitions` null when they are not known (the history could not be read). */
  done(r, { type, region, transitions, afterConsoleTimeout }) {
    this.host.dataset.status = r.status;
    const ms = r.stopDate && r.startDate ? +new Date(r.stopDate) - +new Date(r.startDate) : NaN;
    const facts = el('p', { class: 'facts' });
    const fact = (k, ...v) => facts.append(el('span', { class: 'fact' }, el('span', { class: 'k', text: `${k}: ` }), ...v));
    fact('status', el('span', { class: 'status-word', id: 'result-status', text: r.status }));
    if (Number.isFinite(ms)) fact('duration', duration(ms));
    if (r.executionArn) fact('executionArn', el('code', { text: r.executionArn, title: r.executionArn }));
    if (r.billingDetails) {
      const b = r.billingDetails;
      fact('billingDetails', el('span', { title: JSON.stringify(b), text: `${b.billedMemoryUsedInMB} MB, ${b.billedDurationInMilliseconds} ms` }));
    }
    fact('state transitions', transitions === null ? 'not known (its history could not be read)' : String(transitions));
    const cost = el('p', { class: 'cost' });
    const parts = [];
    // After a console timeout DescribeExecution has no billingDetails: bill the duration as AWS
    // does (rounded up to 100 ms), with the smallest memory chunk, 64 MB.
    const billing = r.billingDetails ?? (type === 'EXPRESS' && Number.isFinite(ms)
      ? { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil(ms / 100) * 100), estimated: true } : null);
    const ex = expressCost(region, billing);
    const st = transitions === null ? null : standardCost(region, transitions);
    const where = PRICES[region]?.name ?? region;
    if (ex) {
      parts.push(`As Express in ${where}: ${usd(ex.total)} (1 request ${usd(ex.request)} + ${ex.gbSeconds.toFixed(4)} GB-s ${usd(ex.duration)}${billing.estimated ? ', 64 MB assumed' : ''})`);
    } else if (type === 'EXPRESS') {
      parts.push(`Express prices for ${where} are not in the table`);
    }
    if (st) parts.push(`as Standard: ${usd(st.total)} (${transitions} transitions)`);
    else if (transitions === null) parts.push('as Standard: not known (its transitions are counted from its history)');
    cost.textContent = parts.join(' · ');
    cost.title = `Estimated from ${PRICES_SOURCE}; free tiers left out.`;
    const body = r.status === 'SUCCEEDED'
      ? el('pre', { class: 'output', id: 'result-output', text: pretty(r.output ?? '') })
      : el('pre', { class: 'output failed', id: 'result-output', text: pretty(JSON.stringify({ error: r.error ?? '', cause: r.cause ?? '' })) });
    const note = afterConsoleTimeout
      ? el('p', { class: 'muted', text: 'The console stopped waiting at 60 s; this is the end the execution reached afterwards (DescribeExecution).' })
      : null;
    const keep = this.host.querySelector('#console-timeout');
    this.host.replaceChildren(...[keep, note, facts, cost, body].filter(Boolean));
  }

  /** An API error before or instead of a run (InvalidDefinition, InvalidExecutionInput, ...). */
  error(name, message, diagnostics) {
    this.host.dataset.status = 'ERROR';
    const list = (diagnostics ?? []).map((d) => el('li', { text: `${d.code}: ${d.message}${d.location ? ` (${d.location})` : ''}` }));
    this.host.replaceChildren(
      el('p', {}, el('span', { class: 'status-word', id: 'result-status', text: name })),
      el('pre', { class: 'output failed', id: 'result-output', text: message }),
      list.length ? el('ul', {}, ...list) : '');
  }

  stopped() {
    this.host.dataset.status = 'STOPPED';
    this.host.append(el('p', { class: 'warn', id: 'stopped', text: 'Stopped from the page: the run worker was terminated.' }));
  }
}
