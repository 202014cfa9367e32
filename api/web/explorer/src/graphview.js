// The graph drawing: Cytoscape.js (canvas, so thousands of nodes pan and zoom smoothly) with positions from
// layout.js. Labels hide when zoomed far out (min-zoomed-font-size), which keeps a 2 000-node trace fluid.
import cytoscape from "cytoscape";
import { layered } from "./layout.js";

const STYLE = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: 210,
      height: 58,
      "background-color": "#eef3f8",
      "border-width": 1.5,
      "border-color": "#4a6785",
      label: "data(label)",
      "text-wrap": "wrap",
      "text-max-width": 200,
      "text-valign": "center",
      "font-size": 10.5,
      color: "#1b2733",
      "min-zoomed-font-size": 7,
    },
  },
  { selector: "node.root", style: { "background-color": "#fde2e1", "border-color": "#b3261e", "border-width": 3 } },
  { selector: "node.source", style: { "background-color": "#fde2e1", "border-color": "#b3261e", "border-width": 3 } },
  { selector: "node.enterprise", style: { shape: "ellipse", width: 170, height: 60 } },
  { selector: "node.blacklisted", style: { "background-color": "#3d3d3d", color: "#ffffff", "border-color": "#000" } },
  { selector: "node.expandable", style: { "border-style": "dashed" } },
  { selector: "node:selected", style: { "border-color": "#0b57d0", "border-width": 4, "overlay-opacity": 0 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "curve-style": "bezier",
      "line-color": "#8295a8",
      "target-arrow-color": "#8295a8",
      "target-arrow-shape": "triangle",
      label: "data(label)",
      "font-size": 10,
      color: "#33414e",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "text-background-padding": 2,
      "min-zoomed-font-size": 8,
    },
  },
  { selector: ".faded", style: { opacity: 0.18 } },
  { selector: "edge.lit", style: { "line-color": "#b3261e", "target-arrow-color": "#b3261e", width: 4, opacity: 1 } },
  { selector: "node.lit", style: { "border-color": "#b3261e", "border-width": 4, opacity: 1 } },
];

// A large graph (a trace of thousands of lots) draws what can be read at its scale: the lot's id on the node,
// straight edges without labels (the quantities and the rest are in the panel a click opens). Measuring and
// drawing thousands of wrapped labels and curved, labelled edges is what made a 2 000-lot graph slow to appear.
const LARGE = 500;
const LARGE_STYLE = [
  { selector: "node", style: { label: "data(id)", "text-wrap": "none", "font-size": 12, "min-zoomed-font-size": 9 } },
  { selector: "edge", style: { label: "", "curve-style": "haystack", "haystack-radius": 0, width: 1 } },
];

// nodes: [{id, label, classes}], edges: [{id, source, target, label}]
export function drawGraph(container, { nodes, edges, onSelect, onOpen, label, anchor = "sources" }) {
  const started = performance.now();
  const positions = layered(nodes, edges, { anchor });
  const laidOut = performance.now();
  const elements = [
    ...nodes.map((n) => ({ group: "nodes", data: { id: n.id, label: n.label }, classes: n.classes || "", position: positions.get(n.id) })),
    ...edges.map((e) => ({ group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label || "" }, classes: e.classes || "" })),
  ];
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", label);
  container.tabIndex = 0;
  const cy = cytoscape({
    container,
    elements,
    style: nodes.length > LARGE ? [...STYLE, ...LARGE_STYLE] : STYLE,
    layout: { name: "preset", fit: true, padding: 24 },
    minZoom: 0.02,
    maxZoom: 3,
    boxSelectionEnabled: false,
    textureOnViewport: nodes.length > 800,
    hideEdgesOnViewport: nodes.length > 800,
    pixelRatio: 1,
  });
  const created = performance.now();
  cy.on("tap", "node", (event) => onSelect && onSelect(event.target.id()));
  cy.on("dbltap", "node", (event) => onOpen && onOpen(event.target.id()));
  // Keyboard: + and - zoom, 0 fits, arrows pan (the node list beside the graph reaches every node by Tab).
  container.addEventListener("keydown", (event) => {
    const pan = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] }[event.key];
    if (pan) cy.panBy({ x: pan[0], y: pan[1] });
    else if (event.key === "+" || event.key === "=") cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: center(cy) });
    else if (event.key === "-") cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: center(cy) });
    else if (event.key === "0") cy.fit(undefined, 24);
    else return;
    event.preventDefault();
  });
  const timing = { nodes: nodes.length, edges: edges.length, layoutMs: laidOut - started, createdMs: created - started, interactiveMs: null };
  // Interactive: the first frame drawn with every element (cytoscape renders on the next animation frame).
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      timing.interactiveMs = performance.now() - started;
      timing.sinceNavigationMs = performance.now(); // from the page's start: loading, fetching, drawing
      window.explorer.lastGraph = timing;
      console.info(`graph ${timing.nodes} nodes, ${timing.edges} edges: layout ${timing.layoutMs.toFixed(0)} ms, interactive ${timing.interactiveMs.toFixed(0)} ms`);
    }),
  );
  window.explorer.cy = cy;
  return { cy, timing, add: (more) => addElements(cy, more), relayout: () => relayout(cy, anchor) };
}

function center(cy) {
  return { x: cy.width() / 2, y: cy.height() / 2 };
}

// Expanding a node: the new elements are added, then the whole graph is laid out again with the same layers.
function addElements(cy, { nodes, edges }) {
  const known = new Set(cy.nodes().map((n) => n.id()));
  const fresh = nodes.filter((n) => !known.has(n.id));
  cy.add(fresh.map((n) => ({ group: "nodes", data: { id: n.id, label: n.label }, classes: n.classes || "" })));
  const knownEdges = new Set(cy.edges().map((e) => e.id()));
  cy.add(edges.filter((e) => !knownEdges.has(e.id)).map((e) => ({ group: "edges", data: { ...e } })));
  return fresh.length;
}

function relayout(cy, anchor) {
  const nodes = cy.nodes().map((n) => ({ id: n.id() }));
  const edges = cy.edges().map((e) => ({ source: e.source().id(), target: e.target().id() }));
  const positions = layered(nodes, edges, { anchor });
  cy.nodes().forEach((n) => n.position(positions.get(n.id())));
  cy.fit(undefined, 24);
}

// Light up a set of node and edge ids; everything else fades. Empty: all back to normal.
export function highlight(cy, nodeIds, edgeIds) {
  cy.batch(() => {
    cy.elements().removeClass("lit faded");
    if (!nodeIds || !nodeIds.length) return;
    const nodeSet = new Set(nodeIds);
    const edgeSet = new Set(edgeIds);
    cy.elements().forEach((el) => {
      const on = el.isNode() ? nodeSet.has(el.id()) : edgeSet.has(el.id());
      el.addClass(on ? "lit" : "faded");
    });
  });
}
