// The page's side of the two workers: the run worker (one execution at a time; Stop terminates it
// and starts a fresh one) and the tool worker (validation and TestState, answered by id).

/** Starts a module worker and resolves with it and its first message once it says it is ready. */
function spawn(file) {
  const worker = new Worker(new URL(file, import.meta.url), { type: 'module' });
  const ready = new Promise((resolve, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(e.message || `${file} failed to start`)), { once: true });
    worker.addEventListener('message', ({ data }) => resolve(data), { once: true });
  });
  return { worker, ready };
}

/** The run worker: `start(req, onMessage)`, `send(msg)`, `stop()`. */
export class Runner {
  constructor() {
    this.boot();
  }

  boot() {
    const { worker, ready } = spawn('./run-worker.js');
    this.worker = worker;
    this.ready = ready;
    worker.onerror = (e) => {
      // A Rust panic (RuntimeError: unreachable) leaves the module unusable: start afresh.
      e.preventDefault();
      const tell = this.onMessage;
      this.worker.terminate();
      this.onMessage = null;
      this.boot();
      tell?.({ kind: 'error', name: 'WorkerError', message: `The simulator failed inside the run worker (${e.message || 'no message'}); a new worker has taken its place.` });
    };
  }

  async start(req, onMessage) {
    await this.ready;
    this.onMessage = onMessage;
    this.worker.onmessage = ({ data }) => onMessage(data);
    this.worker.postMessage({ cmd: 'run', req });
  }

  send(msg) {
    this.worker.postMessage(msg);
  }

  /** Ends the run whatever it is doing; a new worker takes its place. */
  stop() {
    this.worker.terminate();
    this.onMessage = null;
    this.boot();
    return this.ready;
  }
}

/** The tool worker: `call(message)` resolves with the result or rejects with {name, message}. */
export class Tools {
  constructor() {
    this.next = 1;
    this.pending = new Map();
    this.boot();
  }

  boot() {
    const { worker, ready } = spawn('./tool-worker.js');
    this.worker = worker;
    this.ready = ready;
    worker.onmessage = ({ data }) => {
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      clearTimeout(p.timer);
      if (data.error) p.reject(data.error);
      else p.resolve(data.result);
    };
  }

  /** One request; a request that takes over 10 s restarts the worker and rejects. */
  async call(message) {
    await this.ready;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.worker.terminate();
        for (const p of this.pending.values()) p.reject({ name: 'Timeout', message: 'the tool worker was restarted' });
        this.pending.clear();
        this.boot();
        reject({ name: 'Timeout', message: 'no answer in 10 s' });
      }, 10_000);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, ...message });
    });
  }
}
