// Callback tasks: a `.waitForTaskToken` task waits until its token comes back. This panel lists
// the waiting tokens and sends them back with SendTaskSuccess, SendTaskFailure or
// SendTaskHeartbeat, as the system that received the message would.
import { el } from './dom.js';

export class CallbackView {
  /** `send({op, taskToken, output, error, cause})` passes a call to the run worker. */
  constructor(host, send) {
    this.host = host;
    this.send = send;
    this.items = new Map();
  }

  clear() {
    this.items.clear();
    this.host.replaceChildren();
    this.host.hidden = true;
  }

  /** A task is waiting for this token. `suggested`: the output to offer. */
  add({ taskToken, stateName, input }, suggested = {}) {
    this.host.hidden = false;
    const output = el('textarea', { rows: 2, spellcheck: 'false', class: 'token-output', 'aria-label': `Output for ${stateName}` });
    output.value = JSON.stringify(suggested);
    const error = el('input', { placeholder: 'error', 'aria-label': 'Error', value: 'Rejected' });
    const cause = el('input', { placeholder: 'cause', 'aria-label': 'Cause' });
    const note = el('span', { class: 'muted', 'aria-live': 'polite' });
    const item = el('div', { class: 'token', dataset: { state: stateName } },
      el('p', {}, el('strong', { text: stateName }), ' waits for its task token. The message it sent: ',
        el('code', { text: JSON.stringify(input) })),
      el('div', { class: 'row' }, output,
        el('button', { type: 'button', class: 'primary send-success', onclick: () => this.send({ op: 'success', taskToken, output: output.value }) }, 'sendTaskSuccess'),
        error, cause,
        el('button', { type: 'button', onclick: () => this.send({ op: 'failure', taskToken, error: error.value, cause: cause.value }) }, 'sendTaskFailure'),
        el('button', { type: 'button', onclick: () => this.send({ op: 'heartbeat', taskToken }) }, 'sendTaskHeartbeat'), note));
    this.items.set(taskToken, { item, note });
    this.host.append(item);
  }

  /** The worker's answer to a send. */
  sent({ taskToken, op, error, message }) {
    const it = this.items.get(taskToken);
    if (!it) return;
    it.note.textContent = error ? `${error}: ${message}` : `${op} sent`;
    if (!error && op !== 'heartbeat') it.item.classList.add('done');
  }
}
