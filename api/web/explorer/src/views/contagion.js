// Contagion: the blacklisted sources and every enterprise their risk reaches above a score, drawn as one graph of
// evidence paths; choosing an exposure lights up the paths behind its score.
import { gql } from "../api.js";
import { h, clear, pagedTable, stored } from "../dom.js";
import { t, enumLabel, num } from "../i18n.js";
import { highlight } from "../graphview.js";
import { creditBadge, enterpriseLink, errorBox, loading, section } from "../ui.js";
import { go, href } from "../router.js";
import { PATH_FIELDS, pathGraph, pathList } from "./paths.js";

const CONTAGION = `query($minScore: Float!, $maxHops: Int!) { contagion(minScore: $minScore, maxHops: $maxHops) {
  score action enterprise { id name creditGrade } evidence { ${PATH_FIELDS} } } }`;

export async function contagionView(main, params) {
  const minScore = Math.min(1, Math.max(0, Number(params.get("minScore") ?? 0.3) || 0));
  const maxHops = Math.min(6, Math.max(1, Number(params.get("maxHops") ?? 3) || 3));
  const form = h(
    "form",
    { class: "controls", onsubmit: (e) => (e.preventDefault(), go(href("contagion", null, { minScore: form.minScore.value, maxHops: form.maxHops.value }))) },
    h("label", { for: "min-score" }, t("contagion.minScore")),
    h("input", { id: "min-score", name: "minScore", type: "number", min: 0, max: 1, step: 0.05, value: minScore }),
    h("label", { for: "max-hops" }, t("contagion.maxHops")),
    h("input", { id: "max-hops", name: "maxHops", type: "number", min: 1, max: 6, value: maxHops }),
    h("button", { type: "submit" }, t("contagion.apply")),
  );
  main.append(h("h1", {}, t("contagion.title")), form);
  const body = h("div", {}, loading());
  main.append(body);
  let exposures;
  try {
    exposures = (await gql(CONTAGION, { minScore, maxHops })).contagion;
  } catch (error) {
    clear(body).append(errorBox(error));
    return;
  }
  const sources = new Map();
  for (const x of exposures) for (const p of x.evidence) sources.set(p.source.id, p.source);
  const canvas = h("div", { class: "graph", id: "contagion-graph" });
  const paths = h("div", { class: "detail", "aria-live": "polite" });
  clear(body).append(
    section(t("contagion.sources"), h("ul", { class: "inline", id: "contagion-sources" }, [...sources.values()].map((s) => h("li", {}, enterpriseLink(s))))),
    h("div", { class: "graph-layout with-table" }, h("div", { class: "graph-column" }, canvas, paths), section(t("contagion.exposures", { n: exposures.length }), table())),
  );
  const graph = pathGraph(canvas, exposures);

  function choose(exposure, row) {
    body.querySelectorAll("tr.chosen").forEach((r) => r.classList.remove("chosen"));
    row && row.classList.add("chosen");
    const nodeIds = new Set();
    const edgeIds = new Set();
    for (const path of exposure.evidence) {
      nodeIds.add(path.source.id);
      for (const hop of path.hops) {
        nodeIds.add(hop.to.id);
        edgeIds.add(`${hop.from.id}->${hop.to.id}`);
      }
    }
    highlight(graph.cy, [...nodeIds], [...edgeIds]);
    clear(paths).append(h("h2", {}, stored(exposure.enterprise.name)), pathList(exposure.evidence, (path) => highlight(graph.cy, [path.source.id, ...path.hops.map((hop) => hop.to.id)], path.hops.map((hop) => `${hop.from.id}->${hop.to.id}`))));
  }

  function table() {
    return pagedTable(
      [
        { label: t("common.name"), cell: (x) => h("button", { type: "button", class: "link exposure", "data-enterprise": x.enterprise.id, onclick: (e) => choose(x, e.currentTarget.closest("tr")) }, stored(x.enterprise.name)) },
        { label: t("enterprise.score"), cell: (x) => num(x.score, 4), num: true },
        { label: t("enterprise.action"), cell: (x) => enumLabel("contagionAction", x.action) },
        { label: t("enterprise.grade"), cell: (x) => creditBadge(x.enterprise.creditGrade) },
        { label: t("common.open"), cell: (x) => h("a", { href: href("enterprise", x.enterprise.id), "aria-label": `${t("common.open")} ${x.enterprise.id}` }, "→") },
      ],
      exposures,
      { pageSize: 50, moreLabel: (n) => t("common.more", { n }), className: "grid exposures" },
    );
  }
}
