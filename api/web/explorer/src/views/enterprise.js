// An enterprise: its grade and how it got there (a timeline of credit events), its listings, its ties, and its
// exposure to blacklisted enterprises with each evidence path drawn. Each panel asks for its own part, so a part
// the caller's role may not read leaves the others standing.
import { gql } from "../api.js";
import { h, clear, stored, table } from "../dom.js";
import { t, enumLabel, num, date, country } from "../i18n.js";
import { creditBadge, enterpriseLink, errorBox, loading, section, field, lotLink } from "../ui.js";
import { PATH_FIELDS, pathGraph, pathList, lightPath } from "./paths.js";

const FACTS = `query($id: ID!) { enterprise(id: $id) { id name uscc roles country region creditGrade standingGrade declaredGrade blacklisted } }`;
const HISTORY = `query($id: ID!) { enterprise(id: $id) { creditHistory(first: 50) { seq fromGrade toGrade kind reason effectiveAt decidedBy } } }`;
const LISTINGS = `query($id: ID!) { enterprise(id: $id) { blacklistEntries(first: 50) { id reason listedAt expiresAt serious inForce } } }`;
const TIES = `query($id: ID!) { enterprise(id: $id) { ties(first: 100) { kind weight via enterprise { id name blacklisted creditGrade } } } }`;
const EXPOSURE = `query($id: ID!) { enterprise(id: $id) { id name exposure { score action evidence { ${PATH_FIELDS} } } } }`;
const LOTS = `query($id: ID!) { enterprise(id: $id) { batches(first: 100) { id producedAt product { name } } } }`;

export async function enterpriseView(main, id) {
  main.append(loading());
  let e;
  try {
    e = (await gql(FACTS, { id })).enterprise;
  } catch (error) {
    clear(main).append(errorBox(error));
    return;
  }
  clear(main);
  if (!e) {
    main.append(h("h1", {}, t("enterprise.title")), h("p", { class: "empty" }, t("common.notFound", { id })));
    return;
  }
  main.append(
    h("h1", {}, stored(e.name), " ", creditBadge(e.creditGrade), e.blacklisted ? h("span", { class: "badge blacklisted" }, t("enterprise.blacklisted")) : null),
    h(
      "dl",
      { class: "facts" },
      field(t("common.id"), e.id),
      field(t("enterprise.uscc"), e.uscc),
      field(t("enterprise.roles"), e.roles.map((r) => enumLabel("entRole", r)).join(t("common.separator"))),
      field(t("common.country"), country(e.country)),
      field(t("enterprise.region"), e.region ? stored(e.region) : ""),
      field(t("enterprise.standing"), enumLabel("creditGrade", e.standingGrade)),
      field(t("enterprise.declared"), enumLabel("creditGrade", e.declaredGrade)),
    ),
  );
  const panels = {
    history: section(t("enterprise.history"), loading()),
    listings: section(t("enterprise.listings"), loading()),
    exposure: section(t("enterprise.exposure"), loading()),
    ties: section(t("enterprise.ties"), loading()),
    lots: section(t("enterprise.batches"), loading()),
  };
  main.append(h("div", { class: "panels" }, Object.values(panels)));
  const fill = async (panel, query, draw) => {
    const heading = panel.querySelector("h2");
    try {
      const data = (await gql(query, { id })).enterprise;
      clear(panel).append(heading, ...[draw(data)].flat());
    } catch (error) {
      clear(panel).append(heading, errorBox(error));
    }
  };
  await Promise.all([
    fill(panels.history, HISTORY, (d) =>
      d.creditHistory.length
        ? h(
            "ol",
            { class: "timeline", id: "credit-history" },
            d.creditHistory.map((ev) => h("li", { class: "event" }, h("time", { datetime: ev.effectiveAt }, date(ev.effectiveAt)), h("div", {}, h("strong", {}, enumLabel("creditEventKind", ev.kind)), " ", creditBadge(ev.fromGrade), " → ", creditBadge(ev.toGrade), h("div", { class: "muted" }, stored(ev.reason), " · ", stored(ev.decidedBy))))),
          )
        : h("p", { class: "empty" }, t("enterprise.historyNone")),
    ),
    fill(panels.listings, LISTINGS, (d) =>
      d.blacklistEntries.length
        ? table(
            [
              { label: t("common.id"), cell: (b) => b.id },
              { label: t("enterprise.reason"), cell: (b) => stored(b.reason) },
              { label: t("enterprise.listedAt"), cell: (b) => date(b.listedAt) },
              { label: t("enterprise.expiresAt"), cell: (b) => date(b.expiresAt) },
              { label: t("enterprise.serious"), cell: (b) => (b.serious ? t("common.yes") : t("common.no")) },
              { label: t("enterprise.inForce"), cell: (b) => (b.inForce ? t("common.yes") : t("common.no")) },
            ],
            d.blacklistEntries,
          )
        : h("p", { class: "empty" }, t("enterprise.listingsNone")),
    ),
    fill(panels.ties, TIES, (d) =>
      d.ties.length
        ? table(
            [
              { label: t("common.name"), cell: (tie) => enterpriseLink(tie.enterprise) },
              { label: t("enterprise.tieKind"), cell: (tie) => enumLabel("tieKind", tie.kind) },
              { label: t("enterprise.weight"), cell: (tie) => num(tie.weight), num: true },
              { label: t("enterprise.via"), cell: (tie) => (tie.via ? stored(tie.via) : "") },
              { label: t("enterprise.grade"), cell: (tie) => creditBadge(tie.enterprise.creditGrade) },
            ],
            d.ties,
            { className: "grid ties" },
          )
        : h("p", { class: "empty" }, t("enterprise.tiesNone")),
    ),
    fill(panels.exposure, EXPOSURE, (d) => {
      if (!d.exposure) return h("p", { class: "empty" }, t("enterprise.exposureNone"));
      const canvas = h("div", { class: "graph small", id: "exposure-graph" });
      const box = [h("p", {}, `${t("enterprise.score")}: ${num(d.exposure.score, 4)} · ${t("enterprise.action")}: ${enumLabel("contagionAction", d.exposure.action)}`), canvas];
      queueMicrotask(() => {
        const graph = pathGraph(canvas, [{ enterprise: d, ...d.exposure }]);
        canvas.after(h("h3", {}, t("enterprise.evidence")), pathList(d.exposure.evidence, (path) => lightPath(graph, path)));
      });
      return box;
    }),
    fill(panels.lots, LOTS, (d) =>
      d.batches.length ? table([{ label: t("lot.batch"), cell: (b) => lotLink(b.id) }, { label: t("lot.product"), cell: (b) => stored(b.product.name) }, { label: t("lot.producedAt"), cell: (b) => date(b.producedAt) }], d.batches) : h("p", { class: "empty" }, t("common.none")),
    ),
  ]);
}
