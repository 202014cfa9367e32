// Contagion evidence drawn: every path from a blacklisted source to an exposed enterprise, its ties as edges
// (kind and weight), laid out from the sources (left) onwards; choosing a path lights it up.
import { h, clear, stored } from "../dom.js";
import { t, enumLabel, num } from "../i18n.js";
import { drawGraph, highlight } from "../graphview.js";
import { enterpriseLink } from "../ui.js";
import { go, href } from "../router.js";

export const PATH_FIELDS = `score source { id name } hops { kind weight via from { id name blacklisted } to { id name blacklisted } }`;

const hopId = (hop) => `${hop.from.id}->${hop.to.id}`;

// exposures: [{enterprise, score, action, evidence: [path]}]
export function pathGraph(container, exposures) {
  const nodes = new Map();
  const edges = new Map();
  for (const exposure of exposures) {
    for (const path of exposure.evidence) {
      for (const hop of path.hops) {
        for (const e of [hop.from, hop.to]) {
          if (!nodes.has(e.id)) nodes.set(e.id, { id: e.id, label: `${e.name}\n${e.id}`, classes: `enterprise${e.blacklisted ? " blacklisted" : ""}` });
        }
        if (!edges.has(hopId(hop))) {
          edges.set(hopId(hop), { id: hopId(hop), source: hop.from.id, target: hop.to.id, label: `${enumLabel("tieKind", hop.kind)} ${num(hop.weight)}` });
        }
      }
    }
  }
  clear(container);
  return drawGraph(container, {
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    label: t("contagion.graphLabel"),
    onOpen: (id) => go(href("enterprise", id)),
    onSelect: () => {},
  });
}

export function lightPath(graph, path) {
  if (!path) return highlight(graph.cy, [], []);
  const nodeIds = [path.source.id, ...path.hops.map((hop) => hop.to.id)];
  highlight(graph.cy, nodeIds, path.hops.map(hopId));
}

// One line per path: source → … → end, with the score; a button lights it up in the graph.
export function pathList(paths, onChoose) {
  return h(
    "ol",
    { class: "paths" },
    paths.map((path, i) =>
      h(
        "li",
        {},
        h("button", { type: "button", class: "link path", "data-path": i, onclick: () => onChoose(path) }, `${t("contagion.path")} ${i + 1} · ${t("enterprise.score")} ${num(path.score, 4)}`),
        " ",
        enterpriseLink(path.source),
        path.hops.map((hop) => [" —", enumLabel("tieKind", hop.kind), ` ${num(hop.weight)}`, hop.via ? [" (", stored(hop.via), ")"] : null, "→ ", enterpriseLink(hop.to)]),
      ),
    ),
  );
}
