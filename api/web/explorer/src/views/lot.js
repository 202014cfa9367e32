// A lot: where it came from (trace-back, a layered graph from raw materials on the left to the lot on the right),
// where it went (the recall scope downstream, with the consignees' table, the spreadsheets and "open a recall"),
// and its events as a timeline.
import { gql, download, servicePath } from "../api.js";
import { may } from "../auth.js";
import { h, clear, stored, table, pagedTable } from "../dom.js";
import { t, enumLabel, num, date, country } from "../i18n.js";
import { drawGraph } from "../graphview.js";
import { lotLink, enterpriseLink, errorBox, loading, section, field } from "../ui.js";
import { go, href } from "../router.js";

const LOT_ONLY = `fragment Lot on Batch { id quantity unit producedAt originCountry product { id name } producer { id name country } }`;
const LOT = `${LOT_ONLY}
fragment Ship on Shipment { id quantity shippedAt direction port declaration from { id name } to { id name } }`;
const HEADER = `query($id: ID!) { batch(id: $id) { ...Lot } } ${LOT_ONLY}`;
const TRACE = `query($id: ID!, $depth: Int!) { traceBack(batchId: $id, maxDepth: $depth) {
  root { ...Lot } custody { ...Ship }
  upstream { depth batch { ...Lot } shipments { ...Ship } }
  edges { input { id } output { id } quantity unit } } } ${LOT}`;
const SCOPE = `query($ids: [ID!]!, $depth: Int!) { recallScope(batchIds: $ids, maxDepth: $depth) {
  sources { id }
  affectedBatches { depth batch { ...Lot } shipments { ...Ship } }
  consignees { enterprise { id name } holdings { batch { id unit } quantity onHand forwarded used unit shipments } }
  edges { input { id } output { id } quantity unit } } } ${LOT}`;
const NEIGHBOURS = `query($id: ID!) { batch(id: $id) {
  inputs(first: 200) { quantity batch { ...Lot shipments(first: 100) { ...Ship } } }
  outputs(first: 200) { quantity batch { ...Lot shipments(first: 100) { ...Ship } } } } } ${LOT}`;
const EVENTS = `query($id: ID!) { batch(id: $id) { ...Lot
  shipments(first: 500) { ...Ship portControlHits { warning { id grade } matchedOn } }
  testReports(first: 200) { id result testedAt lab { id name } recognised }
  massBalanceIssues { enterprise { id name } produced received shipped used unit } } } ${LOT}`;
const OPEN_RECALL = `mutation($ids: [ID!]!, $cls: RecallClass!) { openRecall(batchIds: $ids, recallClass: $cls) { id } }`;

export async function lotView(main, id, params) {
  const tab = params.get("tab") || "trace";
  const depth = clamp(Number(params.get("depth") || (tab === "recall" ? 10 : 5)), 1, 50);
  main.append(loading());
  let lot;
  try {
    lot = (await gql(HEADER, { id })).batch;
  } catch (error) {
    clear(main).append(errorBox(error));
    return;
  }
  clear(main);
  if (!lot) {
    main.append(h("h1", {}, t("lot.title", { id })), h("p", { class: "empty" }, t("common.notFound", { id })));
    return;
  }
  const tabs = [
    ["trace", "lot.tabTrace", "Query.traceBack"],
    ["recall", "lot.tabRecall", "Query.recallScope"],
    ["events", "lot.tabEvents", "Query.batch"],
  ].filter(([, , operation]) => may(operation));
  main.append(
    h("h1", {}, t("lot.title", { id: lot.id })),
    h("dl", { class: "facts" }, field(t("lot.product"), stored(lot.product.name)), field(t("lot.producer"), enterpriseLink(lot.producer)), field(t("lot.producedAt"), date(lot.producedAt)), field(t("common.quantity"), `${num(lot.quantity)} ${lot.unit}`), field(t("lot.origin"), country(lot.originCountry))),
    h("nav", { class: "tabs", "aria-label": t("lot.title", { id: lot.id }) }, tabs.map(([name, key]) => h("a", { href: href("lot", id, { tab: name, depth: name === tab ? depth : null }), "aria-current": name === tab ? "page" : null }, t(key)))),
  );
  const body = h("div", { class: "tab-body" }, loading());
  main.append(body);
  try {
    if (tab === "events") await events(body, id);
    else await graphTab(body, lot, tab, depth);
  } catch (error) {
    clear(body).append(errorBox(error));
  }
}

function clamp(value, low, high) {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, Math.round(value))) : low;
}

function nodeLabel(b) {
  return `${b.id}\n${b.product.name}\n${b.producer.name}${b.originCountry ? ` · ${country(b.originCountry)}` : ""}`;
}

function edgeLabel(e) {
  return e.quantity === null || e.quantity === undefined ? "" : t("lot.edgeQuantity", { q: num(e.quantity), unit: e.unit });
}

async function graphTab(body, lot, tab, depth) {
  const upstream = tab === "trace";
  const lots = new Map(); // id -> {batch, depth, shipments}
  let edges;
  let consignees = [];
  let sources = new Set([lot.id]);
  if (upstream) {
    const data = (await gql(TRACE, { id: lot.id, depth })).traceBack;
    lots.set(data.root.id, { batch: data.root, depth: 0, shipments: data.custody });
    for (const u of data.upstream) lots.set(u.batch.id, { batch: u.batch, depth: u.depth, shipments: u.shipments });
    edges = data.edges;
  } else {
    const data = (await gql(SCOPE, { ids: [lot.id], depth })).recallScope;
    sources = new Set(data.sources.map((s) => s.id));
    for (const a of data.affectedBatches) lots.set(a.batch.id, { batch: a.batch, depth: a.depth, shipments: a.shipments });
    edges = data.edges;
    consignees = data.consignees.flatMap((c) => c.holdings.map((holding) => ({ enterprise: c.enterprise, ...holding })));
  }
  clear(body);
  const edgeId = (e) => `${e.input.id}->${e.output.id}`;
  const toNode = (id) => {
    const l = lots.get(id);
    const classes = [sources.has(id) ? (upstream ? "root" : "source") : "", l.depth === depth ? "expandable" : ""].join(" ");
    return { id, label: nodeLabel(l.batch), classes };
  };
  const toEdge = (e) => ({ id: edgeId(e), source: e.input.id, target: e.output.id, label: edgeLabel(e) });

  const controls = h(
    "form",
    { class: "controls", onsubmit: (e) => (e.preventDefault(), go(href("lot", lot.id, { tab, depth: form.depth.value }))) },
    h("label", { for: "depth" }, t("lot.depth")),
    h("input", { id: "depth", name: "depth", type: "number", min: 1, max: 50, value: depth }),
    h("button", { type: "submit" }, t("lot.depthApply")),
    h("span", { class: "muted", id: "graph-count" }, upstream ? t("lot.upstreamCount", { n: lots.size - 1, e: edges.length }) : t("lot.scopeCount", { n: lots.size, c: new Set(consignees.map((c) => c.enterprise.id)).size })),
  );
  const form = controls;
  const canvas = h("div", { class: "graph", id: "lot-graph" });
  const detail = h("aside", { class: "detail", "aria-live": "polite" }, h("p", { class: "muted" }, t("lot.selectHint")));
  const list = h("div", { class: "node-list" });
  const layout = h("div", { class: upstream ? "graph-layout" : "graph-layout with-table" }, h("div", { class: "graph-column" }, canvas, detail), upstream ? null : consigneePanel(lot, depth, consignees));
  body.append(controls, h("p", { class: "legend" }, h("span", { class: "key root" }), upstream ? t("lot.legendRoot") : t("lot.legendSource")), layout, section(t("lot.nodeList"), list));

  const graph = drawGraph(canvas, {
    nodes: [...lots.keys()].map(toNode),
    edges: edges.map(toEdge),
    label: t("lot.graphLabel"),
    anchor: upstream ? "sinks" : "sources", // upstream: the lot asked about on the right
    onSelect: (id) => select(id),
    onOpen: (id) => go(href("lot", id, { tab })),
  });
  drawList();

  function drawList() {
    const rows = [...lots.values()].sort((a, b) => a.depth - b.depth || (a.batch.id < b.batch.id ? -1 : 1));
    clear(list).append(
      pagedTable(
        [
          { label: t("lot.depthCol"), cell: (l) => String(l.depth), num: true },
          { label: t("lot.batch"), cell: (l) => h("button", { type: "button", class: "link", "data-lot": l.batch.id, onclick: () => select(l.batch.id, true) }, l.batch.id) },
          { label: t("lot.product"), cell: (l) => stored(l.batch.product.name) },
          { label: t("lot.producer"), cell: (l) => enterpriseLink(l.batch.producer) },
          { label: t("lot.origin"), cell: (l) => country(l.batch.originCountry) },
        ],
        rows,
        { pageSize: 50, moreLabel: (n) => t("common.more", { n }), className: "grid nodes" },
      ),
    );
  }

  function select(id, fromList = false) {
    const l = lots.get(id);
    if (!l) return;
    graph.cy.$(":selected").unselect();
    const node = graph.cy.getElementById(id);
    node.select();
    if (fromList) graph.cy.animate({ center: { eles: node }, duration: 200 });
    clear(detail).append(
      h("h2", {}, l.batch.id),
      h("dl", { class: "facts" }, field(t("lot.product"), stored(l.batch.product.name)), field(t("lot.producer"), enterpriseLink(l.batch.producer)), field(t("lot.producedAt"), date(l.batch.producedAt)), field(t("lot.origin"), country(l.batch.originCountry)), field(t("lot.depthCol"), String(l.depth))),
      h("p", { class: "actions" }, h("a", { href: href("lot", id, { tab }), class: "button" }, t("lot.openLot")), " ", h("button", { type: "button", onclick: () => expand(id) }, upstream ? t("lot.expand") : t("lot.expandDown"))),
      h("h3", {}, t("lot.shipments")),
      l.shipments.length ? shipmentTable(l.shipments) : h("p", { class: "muted" }, t("lot.noShipments")),
    );
  }

  async function expand(id) {
    const data = (await gql(NEIGHBOURS, { id })).batch;
    const from = lots.get(id);
    const next = upstream ? data.inputs : data.outputs;
    const added = { nodes: [], edges: [] };
    for (const use of next) {
      if (!lots.has(use.batch.id)) {
        lots.set(use.batch.id, { batch: use.batch, depth: from.depth + 1, shipments: use.batch.shipments });
        added.nodes.push(toNode(use.batch.id));
      }
      const e = upstream ? { input: use.batch, output: from.batch, quantity: use.quantity, unit: use.batch.unit } : { input: from.batch, output: use.batch, quantity: use.quantity, unit: from.batch.unit };
      added.edges.push(toEdge(e));
    }
    graph.add(added);
    graph.cy.getElementById(id).removeClass("expandable");
    graph.relayout();
    drawList();
  }
}

// The shipments of a lot, one line each (the side panel is too narrow for a table of seven columns).
function shipmentTable(shipments) {
  return h(
    "ul",
    { class: "shipments" },
    shipments.map((s) =>
      h(
        "li",
        { class: "shipment" },
        h("time", { datetime: s.shippedAt }, date(s.shippedAt)),
        " · ",
        enterpriseLink(s.from),
        " → ",
        enterpriseLink(s.to),
        h("div", { class: "muted" }, [`${t("common.quantity")} ${num(s.quantity)}`, enumLabel("direction", s.direction), s.port ? `${t("lot.port")} ${s.port}` : null, s.declaration ? `${t("lot.declaration")} ${s.declaration}` : null].filter(Boolean).join(" · ")),
      ),
    ),
  );
}

function consigneePanel(lot, depth, rows) {
  const panel = h("section", { class: "panel consignees", "aria-labelledby": "consignees-title" }, h("h2", { id: "consignees-title" }, t("lot.consignees")));
  const actions = h("div", { class: "actions" });
  if (may("GET /recall-scope.{extension}")) {
    const query = `batch=${encodeURIComponent(lot.id)}&maxDepth=${depth}`;
    const link = (ext, key) =>
      h("a", { href: servicePath(`/recall-scope.${ext}?${query}`), class: "button download", "data-ext": ext, onclick: (e) => (e.preventDefault(), save(e.currentTarget, servicePath(`/recall-scope.${ext}?${query}`), `recall-scope-${lot.id}.${ext}`)) }, t(key));
    actions.append(h("span", {}, t("lot.download"), ": "), link("csv", "lot.downloadCsv"), " ", link("xlsx", "lot.downloadXlsx"));
  }
  if (may("Mutation.openRecall")) {
    const select = h("select", { id: "recall-class" }, ["I", "II", "III"].map((c) => h("option", { value: c }, enumLabel("recallClass", c))));
    const status = h("span", { role: "status" });
    actions.append(
      h(
        "form",
        {
          class: "open-recall",
          onsubmit: async (e) => {
            e.preventDefault();
            try {
              const recall = (await gql(OPEN_RECALL, { ids: [lot.id], cls: select.value })).openRecall;
              status.textContent = t("lot.recallOpened", { id: recall.id });
              go(href("recall", recall.id));
            } catch (error) {
              status.replaceChildren(errorBox(error));
            }
          },
        },
        h("label", { for: "recall-class" }, t("lot.recallClass")),
        select,
        h("button", { type: "submit", id: "open-recall" }, t("lot.openRecall")),
        status,
      ),
    );
  }
  panel.append(
    actions,
    pagedTable(
      [
        { label: t("lot.to"), cell: (r) => enterpriseLink(r.enterprise) },
        { label: t("lot.batch"), cell: (r) => lotLink(r.batch.id) },
        { label: t("lot.received"), cell: (r) => num(r.quantity), num: true },
        { label: t("lot.onHand"), cell: (r) => num(r.onHand), num: true },
        { label: t("common.unit"), cell: (r) => r.unit },
      ],
      rows,
      { pageSize: 50, moreLabel: (n) => t("common.more", { n }), className: "grid consignee-table" },
    ),
  );
  return panel;
}

async function save(link, url, name) {
  link.setAttribute("aria-busy", "true");
  try {
    const saved = await download(url, name);
    link.dataset.saved = `${saved.name} ${saved.size}`;
  } catch (error) {
    link.after(errorBox(error));
  } finally {
    link.removeAttribute("aria-busy");
  }
}

async function events(body, id) {
  const b = (await gql(EVENTS, { id })).batch;
  const items = [
    { at: b.producedAt, kind: "produced", text: t("events.produced"), who: enterpriseLink(b.producer) },
    ...b.shipments.map((s) => ({ at: s.shippedAt, kind: "shipped", text: t("events.shipped"), who: [enterpriseLink(s.from), " → ", enterpriseLink(s.to)], extra: [enumLabel("direction", s.direction), s.port, s.declaration, `${num(s.quantity)} ${b.unit}`].filter(Boolean).join(" · "), hits: s.portControlHits })),
    ...b.testReports.map((r) => ({ at: r.testedAt, kind: r.result === "FAIL" ? "failed" : "tested", text: t("events.tested"), who: stored(r.lab.name), extra: `${enumLabel("testResult", r.result)} · ${r.id}` })),
  ].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  clear(body).append(
    h("h2", {}, t("events.title")),
    items.length
      ? h(
          "ol",
          { class: "timeline", id: "lot-events" },
          items.map((item) =>
            h(
              "li",
              { class: `event ${item.kind}` },
              h("time", { datetime: item.at }, date(item.at)),
              h("div", {}, h("strong", {}, item.text), " ", item.who, item.extra ? h("div", { class: "muted" }, item.extra) : null, (item.hits || []).map((hit) => h("div", { class: "hit" }, h("a", { href: href("warning", hit.warning.id) }, t("events.portHit", { id: hit.warning.id })), " ", enumLabel("warningGrade", hit.warning.grade)))),
            ),
          ),
        )
      : h("p", { class: "empty" }, t("events.none")),
    b.massBalanceIssues.length ? section(t("events.massBalance"), table([{ label: t("lot.to"), cell: (m) => enterpriseLink(m.enterprise) }, { label: t("lot.received"), cell: (m) => num(m.received), num: true }, { label: t("lot.forwarded"), cell: (m) => num(m.shipped), num: true }, { label: t("lot.used"), cell: (m) => num(m.used), num: true }], b.massBalanceIssues)) : null,
  );
}
