// A layered left-to-right layout (Sugiyama's scheme, kept small): layers by the longest path, from the sources
// (a recall scope: the recalled lot on the left) or back from the sinks (a trace-back: the lot asked about on the
// right, each input one column before the first lot it goes into); the order within each layer by barycentre
// sweeps, which uncross most edges of supply chains. Linear in nodes + edges per sweep:
// a 2 000-lot trace takes milliseconds, where the general layered layouts (dagre, ELK) took seconds to minutes
// (bench/RESULTS.md).

const SWEEPS = 4;

// nodes: [{id}], edges: [{source, target}] -> Map id -> {x, y}; anchor "sources" or "sinks"
export function layered(nodes, edges, { dx = 250, dy = 78, anchor = "sources" } = {}) {
  const layer = anchor === "sinks" ? fromSinks(nodes, edges) : longestPath(nodes, edges);
  const before = new Map(nodes.map((n) => [n.id, []])); // neighbours in lower layers
  const after = new Map(nodes.map((n) => [n.id, []])); // neighbours in higher layers
  for (const e of edges) {
    if (!layer.has(e.source) || !layer.has(e.target) || e.source === e.target) continue;
    const [lo, hi] = layer.get(e.source) <= layer.get(e.target) ? [e.source, e.target] : [e.target, e.source];
    if (layer.get(lo) === layer.get(hi)) continue;
    before.get(hi).push(lo);
    after.get(lo).push(hi);
  }
  const layers = [];
  for (const n of nodes) {
    const l = layer.get(n.id);
    (layers[l] ||= []).push(n.id);
  }
  const rows = layers.filter(Boolean);
  const index = new Map();
  const renumber = (row) => row.forEach((id, i) => index.set(id, i / Math.max(1, row.length - 1)));
  rows.forEach(renumber);
  const sortBy = (row, neighbours) => {
    const key = new Map();
    for (const id of row) {
      const ns = neighbours.get(id);
      key.set(id, ns.length ? ns.reduce((s, n) => s + index.get(n), 0) / ns.length : index.get(id));
    }
    row.sort((a, b) => key.get(a) - key.get(b) || index.get(a) - index.get(b));
    renumber(row);
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let i = 1; i < rows.length; i++) sortBy(rows[i], before);
    for (let i = rows.length - 2; i >= 0; i--) sortBy(rows[i], after);
  }
  const positions = new Map();
  rows.forEach((row, column) => {
    const offset = ((row.length - 1) * dy) / 2;
    row.forEach((id, i) => positions.set(id, { x: column * dx, y: i * dy - offset }));
  });
  return positions;
}

// Layers counted back from the nodes without successors, then turned so that they end there.
function fromSinks(nodes, edges) {
  const reversed = longestPath(nodes, edges.map((e) => ({ source: e.target, target: e.source })));
  const top = Math.max(0, ...reversed.values());
  return new Map([...reversed].map(([id, l]) => [id, top - l]));
}

// The longest path from a node without predecessors (Kahn's order; nodes on a cycle go first).
function longestPath(nodes, edges) {
  const layer = new Map();
  const ids = new Set(nodes.map((n) => n.id));
  const incoming = new Map(nodes.map((n) => [n.id, 0]));
  const out = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) continue;
    out.get(e.source).push(e.target);
    incoming.set(e.target, incoming.get(e.target) + 1);
  }
  const queue = nodes.filter((n) => incoming.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const next of out.get(id)) {
      layer.set(next, Math.max(layer.get(next) ?? 0, layer.get(id) + 1));
      incoming.set(next, incoming.get(next) - 1);
      if (incoming.get(next) === 0) queue.push(next);
    }
  }
  for (const n of nodes) if (!layer.has(n.id)) layer.set(n.id, 0); // on a cycle: placed first
  return layer;
}
