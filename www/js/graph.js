// The state machine drawn as SVG: a node per state (Parallel and Map as boxes around their
// branches), edges with Choice labels, dashed Catch edges; pan (drag), zoom (wheel, buttons,
// + and - keys), a status per state during and after a run, and the path taken.
import { svg } from './dom.js';
import { layoutScope, clip, containerTitle } from './layout.js';

const STATUS_WORDS = {
  running: 'running', succeeded: 'succeeded', failed: 'failed', caught: 'caught', retried: 'retried',
  waiting: 'waiting',
};

/** A graph view in `host` (an <svg>); `onSelect(name)` runs when a state is clicked or chosen. */
export class GraphView {
  constructor(host, onSelect) {
    this.host = host;
    this.onSelect = onSelect;
    this.view = { x: 0, y: 0, k: 1 };
    this.nodes = new Map(); // state name -> <g>
    this.edges = []; // {el, from, to}
    this.root = svg('g', { class: 'viewport' });
    host.append(defs(), this.root);
    this.size = { width: 0, height: 0 };
    this.bindPanZoom();
    new ResizeObserver(() => this.fit()).observe(host);
    setInterval(() => this.tickCountdowns(), 250);
  }

  /** Draws a model (model.js); keeps the view when only statuses change. */
  draw(model) {
    this.root.replaceChildren();
    this.nodes.clear();
    this.edges = [];
    let laid;
    try {
      laid = layoutScope(model);
    } catch (e) {
      this.root.append(svg('text', { x: 10, y: 20, class: 'note', text: `The graph cannot be drawn: ${e.message}` }));
      return;
    }
    this.size = { width: laid.width, height: laid.height };
    this.drawScope(laid, { x: 0, y: 0 }, this.root);
    this.fit();
  }

  drawScope(laid, at, parent) {
    const edgeLayer = svg('g', { class: 'edges' });
    const nodeLayer = svg('g', { class: 'nodes' });
    parent.append(edgeLayer, nodeLayer);
    for (const e of laid.edges) {
      const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${(p.x + at.x).toFixed(1)},${(p.y + at.y).toFixed(1)}`).join(' ');
      const path = svg('path', { d, class: `edge kind-${e.kind}`, 'marker-end': 'url(#arrow)' });
      const g = svg('g', { class: 'edge-group', dataset: { from: e.from, to: e.to } }, path);
      if (e.labelAt) {
        const text = clip(e.label, 34);
        const w = text.length * 6.2 + 8;
        g.append(svg('g', { class: `edge-label kind-${e.kind}`, transform: `translate(${e.labelAt.x + at.x},${e.labelAt.y + at.y})` },
          svg('title', { text: e.label }),
          svg('rect', { x: -w / 2, y: -9, width: w, height: 18, rx: 4 }),
          svg('text', { x: 0, y: 4, 'text-anchor': 'middle', text })));
      }
      edgeLayer.append(g);
      this.edges.push({ el: g, from: e.from, to: e.to });
    }
    for (const [id, box] of laid.boxes) {
      const x = box.x + at.x;
      const y = box.y + at.y;
      if (box.pseudo) {
        nodeLayer.append(svg('g', { class: 'pseudo', transform: `translate(${x},${y})` },
          svg('rect', { width: box.width, height: box.height, rx: box.height / 2 }),
          svg('text', { x: box.width / 2, y: box.height / 2 + 4, 'text-anchor': 'middle', text: box.pseudo })));
        continue;
      }
      const { node } = box;
      const g = svg('g', {
        class: `state type-${node.type}${box.inner ? ' container' : ''}`, transform: `translate(${x},${y})`,
        tabindex: 0, role: 'button', 'aria-label': `${node.name}, ${node.type} state`, dataset: { state: id },
      });
      g.append(svg('title', { text: `${node.name} (${node.type}${node.distributed ? ', distributed' : ''})` }));
      g.append(svg('rect', { class: 'body', width: box.width, height: box.height, rx: 6 }));
      const title = box.inner ? containerTitle(node) : node.name;
      const name = svg('text', { class: 'name', x: 10, y: 19, text: clip(title, Math.floor((box.width - 16) / 7.2)) });
      // A container's badge shares its title's line: setStatus clips the title to make room.
      if (box.inner) Object.assign(name.dataset, { full: title, room: box.width - 16 });
      g.append(name);
      if (!box.inner) g.append(svg('text', { class: 'type', x: 10, y: 36, text: node.type }));
      g.append(svg('text', { class: 'badge', x: box.width - 8, y: box.inner ? 19 : 36, 'text-anchor': 'end' }));
      g.addEventListener('click', (ev) => { ev.stopPropagation(); this.onSelect(id); });
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); this.onSelect(id); }
      });
      nodeLayer.append(g);
      this.nodes.set(id, g);
      if (box.inner) {
        box.inner.forEach((inner, i) => {
          const o = box.offsets[i];
          const frame = svg('g', { class: 'branch' });
          frame.append(svg('rect', { class: 'branch-frame', x: o.x + at.x, y: o.y + at.y, width: inner.width, height: inner.height, rx: 4 }));
          g.after(frame);
          this.drawScope(inner, { x: o.x + at.x, y: o.y + at.y }, frame);
        });
      }
    }
  }

  /** Shows each state's status (history.js `analyse`), the edges taken, and the selection. */
  setStatus(analysis) {
    const states = analysis?.states ?? new Map();
    for (const [name, g] of this.nodes) {
      const s = states.get(name);
      const status = s ? s.status : 'none';
      g.classList.remove(...[...g.classList].filter((c) => c.startsWith('st-')));
      g.classList.add(`st-${status}`);
      g.dataset.status = status;
      g.dataset.waitUntil = s?.waitUntil ?? '';
      const badge = g.querySelector('.badge');
      badge.textContent = s ? badgeText(s) : '';
      const title = g.querySelector('.name');
      if (title.dataset.full) {
        const used = badge.textContent ? (badge.getComputedTextLength() || badge.textContent.length * 6.6) + 8 : 0;
        title.textContent = clip(title.dataset.full, Math.floor((Number(title.dataset.room) - used) / 7.2));
      }
      g.setAttribute('aria-label', `${name}, ${g.querySelector('title').textContent}${s ? `, ${STATUS_WORDS[status] ?? status} ${badgeText(s)}` : ', not run'}`);
    }
    const taken = analysis?.taken ?? new Set();
    for (const e of this.edges) e.el.classList.toggle('taken', taken.has(`${e.from}\u0000${e.to}`));
  }

  select(name) {
    for (const [n, g] of this.nodes) g.classList.toggle('selected', n === name);
  }

  tickCountdowns() {
    const now = Date.now();
    for (const g of this.nodes.values()) {
      const until = Number(g.dataset.waitUntil);
      if (!until || g.dataset.status !== 'running') continue;
      g.querySelector('.badge').textContent = `⏳ ${Math.max(0, Math.ceil((until - now) / 1000))} s`;
    }
  }

  // --- pan and zoom
  apply() {
    const { x, y, k } = this.view;
    this.root.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`);
  }

  /** The whole graph when it stays readable; else its top at a readable scale (pan for the rest). */
  fit() {
    const r = this.host.getBoundingClientRect();
    const w = r.width || 600;
    const h = r.height || 400;
    const W = this.size.width || 1;
    const H = this.size.height || 1;
    let k = Math.min(1.2, (w - 20) / W, (h - 20) / H);
    if (k >= 0.55) {
      this.view = { k, x: (w - W * k) / 2, y: Math.max(10, (h - H * k) / 2) };
    } else {
      k = Math.min(0.8, Math.max(0.55, (w - 20) / W));
      this.view = { k, x: W * k < w ? (w - W * k) / 2 : 10, y: 10 };
    }
    this.apply();
  }

  zoom(factor, cx, cy) {
    const r = this.host.getBoundingClientRect();
    cx ??= r.width / 2;
    cy ??= r.height / 2;
    const k = Math.min(4, Math.max(0.05, this.view.k * factor));
    const f = k / this.view.k;
    this.view = { k, x: cx - (cx - this.view.x) * f, y: cy - (cy - this.view.y) * f };
    this.apply();
  }

  /** Centres a state in the view. */
  reveal(name) {
    const g = this.nodes.get(name);
    if (!g) return;
    const box = g.getBBox();
    const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform'));
    const r = this.host.getBoundingClientRect();
    const cx = (+m[1] + box.width / 2) * this.view.k + this.view.x;
    const cy = (+m[2] + box.height / 2) * this.view.k + this.view.y;
    if (cx < 0 || cy < 0 || cx > r.width || cy > r.height) {
      this.view.x += r.width / 2 - cx;
      this.view.y += r.height / 2 - cy;
      this.apply();
    }
  }

  bindPanZoom() {
    const host = this.host;
    // Ctrl+wheel (and a trackpad's pinch) zooms; the wheel alone pans.
    host.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const r = host.getBoundingClientRect();
      if (ev.ctrlKey || ev.metaKey) this.zoom(Math.exp(-ev.deltaY * 0.002), ev.clientX - r.left, ev.clientY - r.top);
      else {
        this.view.x -= ev.deltaX;
        this.view.y -= ev.deltaY;
        this.apply();
      }
    }, { passive: false });
    let drag = null;
    host.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0 || ev.target.closest('.state')) return;
      drag = { x: ev.clientX, y: ev.clientY, vx: this.view.x, vy: this.view.y };
      host.setPointerCapture(ev.pointerId);
      host.classList.add('panning');
    });
    host.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      this.view.x = drag.vx + ev.clientX - drag.x;
      this.view.y = drag.vy + ev.clientY - drag.y;
      this.apply();
    });
    const end = () => { drag = null; host.classList.remove('panning'); };
    host.addEventListener('pointerup', end);
    host.addEventListener('pointercancel', end);
    host.addEventListener('keydown', (ev) => {
      const step = 40;
      const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (ev.key === '+' || ev.key === '=') this.zoom(1.2);
      else if (ev.key === '-') this.zoom(1 / 1.2);
      else if (ev.key === '0') this.fit();
      else if (moves[ev.key] && ev.target === host) {
        this.view.x += moves[ev.key][0];
        this.view.y += moves[ev.key][1];
        this.apply();
      } else return;
      ev.preventDefault();
    });
  }
}

/** The counts shown on a node: visits, Map iterations, retries. */
export function badgeText(s) {
  const parts = [];
  if (s.iterations) {
    const it = s.iterations;
    parts.push(`${it.succeeded}/${it.total} ✓${it.failed ? ` ${it.failed} ✗` : ''}`);
  } else if (s.entered > 1) parts.push(`×${s.entered}`);
  if (s.retried) parts.push(`↻${s.retried}`);
  if (s.mapRun) parts.push('Map Run');
  return parts.join(' ');
}

function defs() {
  return svg('defs', {},
    svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' })));
}
