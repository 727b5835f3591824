// Lays out a graph model (model.js) with dagre, scope by scope from the inside out: a Parallel or
// Map state is a box as large as its branches laid side by side, so the nested scopes never
// overlap. ASL transitions stay inside their scope, so no edge crosses a box.
import { layout as dagreLayout, graphlib } from '../vendor/dagre.js';

const CHAR = 7.2; // px per character of the 13px node font
const NODE_H = 46;
const PAD = 14; // inside a box
const HEADER = 30; // a box's title line
const BRANCH_GAP = 18;
const LABEL_CHARS = 34;

/** Shortens text to `n` characters with an ellipsis. */
export function clip(text, n) {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** A Parallel's or Map's title line, which its status badge shares. */
export function containerTitle(node) {
  return `${node.name} · ${node.type}${node.distributed ? ' (distributed)' : ''}`;
}

function nodeSize(node) {
  // A container's title line also holds its badge ("5/5 ✓ Map Run": about 12 characters).
  const chars = node.scopes.length ? containerTitle(node).length + 12 : Math.max(node.name.length, node.type.length + 4);
  return { width: Math.min(280, Math.max(110, chars * CHAR + 28)), height: NODE_H };
}

/** Positions for a scope: `{width, height, nodes: Map(id -> box), edges: [{...edge, points, labelAt}]}`,
 *  where a box is `{x, y, width, height, node?, pseudo?, inner?: [scope layouts with offsets]}`. */
export function layoutScope(scope) {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 26, ranksep: 34, edgesep: 12, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const boxes = new Map();
  g.setNode(`${scope.id}::start`, { width: 56, height: 26 });
  boxes.set(`${scope.id}::start`, { pseudo: 'Start' });
  if (scope.hasEnd) {
    g.setNode(`${scope.id}::end`, { width: 56, height: 26 });
    boxes.set(`${scope.id}::end`, { pseudo: 'End' });
  }
  for (const node of scope.states) {
    let size = nodeSize(node);
    let inner = null;
    if (node.scopes.length) {
      inner = node.scopes.map(layoutScope);
      const width = inner.reduce((w, l) => w + l.width, 0) + BRANCH_GAP * (inner.length - 1) + 2 * PAD;
      const height = Math.max(0, ...inner.map((l) => l.height)) + HEADER + PAD;
      size = { width: Math.max(size.width, width), height };
    }
    g.setNode(node.name, size);
    boxes.set(node.name, { node, inner });
  }
  scope.edges.forEach((e, i) => {
    const label = e.label ? { width: Math.min(e.label.length, LABEL_CHARS) * 6.2 + 8, height: 16, labelpos: 'c' } : {};
    if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, { ...label, minlen: 1 }, `e${i}`);
  });
  dagreLayout(g);
  for (const [id, box] of boxes) {
    const n = g.node(id);
    Object.assign(box, { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height });
    if (box.inner) {
      // Branches side by side under the box's title line, centred.
      const total = box.inner.reduce((w, l) => w + l.width, 0) + BRANCH_GAP * (box.inner.length - 1);
      let x = box.x + (box.width - total) / 2;
      box.offsets = box.inner.map((l) => {
        const at = { x, y: box.y + HEADER };
        x += l.width + BRANCH_GAP;
        return at;
      });
    }
  }
  const edges = scope.edges.map((e, i) => {
    const laid = g.hasNode(e.from) && g.hasNode(e.to) ? g.edge({ v: e.from, w: e.to, name: `e${i}` }) : null;
    return laid ? { ...e, points: laid.points, labelAt: e.label ? { x: laid.x, y: laid.y } : null } : null;
  }).filter(Boolean);
  const { width, height } = g.graph();
  return { scope, width: width || 80, height: height || 40, boxes, edges };
}
