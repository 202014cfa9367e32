// Risk warnings: the list with grade (I red … IV blue), status and measures, a chart of how many of each grade,
// and one warning's targets, measures, history and port-control hits.
import { gql } from "../api.js";
import { h, clear, stored, table, pagedTable } from "../dom.js";
import { t, enumLabel, date, num } from "../i18n.js";
import { barChart } from "../charts.js";
import { WARNING_COLOURS, warningBadge, statusBadge, enterpriseLink, lotLink, errorBox, loading, section, field } from "../ui.js";
import { href } from "../router.js";

const LIST = `query { warnings(first: 500) { id grade status effectiveFrom liftedAt measures portControlHits { shipment { id } } } }`;
const ONE = `query($id: ID!) { warning(id: $id) { id grade status effectiveFrom liftedAt measures signalIds
  targets { batchIds productIds enterpriseIds hsCodePrefixes originCountries }
  measureStatuses { kind status by note updatedAt }
  events { action by reason fromGrade toGrade detail at }
  portControlHits { matchedOn measures shipment { id shippedAt direction port declaration quantity batch { id unit } from { id name } to { id name } } } } }`;

export async function warningsView(main) {
  main.append(h("h1", {}, t("warnings.title")), loading());
  let warnings;
  try {
    warnings = (await gql(LIST)).warnings;
  } catch (error) {
    main.lastChild.replaceWith(errorBox(error));
    return;
  }
  main.lastChild.remove();
  if (!warnings.length) {
    main.append(h("p", { class: "empty" }, t("warnings.none")));
    return;
  }
  const grades = ["I", "II", "III", "IV"];
  const chart = h("div", { class: "chart", id: "warnings-chart" });
  main.append(
    h(
      "div",
      { class: "graph-layout with-table" },
      section(
        t("warnings.title"),
        pagedTable(
          [
            { label: t("common.id"), cell: (w) => h("a", { href: href("warning", w.id) }, w.id) },
            { label: t("warnings.grade"), cell: (w) => warningBadge(w.grade) },
            { label: t("common.status"), cell: (w) => statusBadge("warningStatus", w.status) },
            { label: t("warnings.effectiveFrom"), cell: (w) => date(w.effectiveFrom) },
            { label: t("warnings.measures"), cell: (w) => w.measures.map((m) => enumLabel("measure", m)).join(t("common.separator")) },
            { label: t("warnings.hits"), cell: (w) => String(w.portControlHits.length), num: true },
          ],
          warnings,
          { pageSize: 50, moreLabel: (n) => t("common.more", { n }), className: "grid warnings" },
        ),
      ),
      section(t("warnings.byGrade"), chart),
    ),
  );
  barChart(chart, {
    categories: grades.map((g) => enumLabel("warningGrade", g)),
    values: grades.map((g) => warnings.filter((w) => w.grade === g && w.status === "ACTIVE").length),
    colours: grades.map((g) => WARNING_COLOURS[g]),
    label: t("warnings.byGrade"),
  });
}

export async function warningView(main, id) {
  main.append(h("h1", {}, t("warnings.detail", { id })), loading());
  let w;
  try {
    w = (await gql(ONE, { id })).warning;
  } catch (error) {
    main.lastChild.replaceWith(errorBox(error));
    return;
  }
  main.lastChild.remove();
  if (!w) {
    main.append(h("p", { class: "empty" }, t("common.notFound", { id })));
    return;
  }
  const targets = Object.entries(w.targets).filter(([key, values]) => key !== "__typename" && values.length);
  main.append(
    h("p", {}, warningBadge(w.grade), " ", statusBadge("warningStatus", w.status)),
    h("dl", { class: "facts" }, field(t("warnings.effectiveFrom"), date(w.effectiveFrom)), field(t("warnings.liftedAt"), date(w.liftedAt)), field(t("warnings.measures"), w.measures.map((m) => enumLabel("measure", m)).join(t("common.separator")))),
    section(t("warnings.targets"), h("ul", {}, targets.map(([, values]) => values.map((v) => h("li", {}, v.startsWith("LOT-") ? lotLink(v) : v.startsWith("ENT-") ? h("a", { href: href("enterprise", v) }, v) : v))))),
    section(t("warnings.hits"), w.portControlHits.length ? table(
      [
        { label: t("lot.shippedAt"), cell: (x) => date(x.shipment.shippedAt) },
        { label: t("lot.batch"), cell: (x) => lotLink(x.shipment.batch.id) },
        { label: t("lot.from"), cell: (x) => enterpriseLink(x.shipment.from) },
        { label: t("lot.to"), cell: (x) => enterpriseLink(x.shipment.to) },
        { label: t("lot.direction"), cell: (x) => enumLabel("direction", x.shipment.direction) },
        { label: t("lot.port"), cell: (x) => x.shipment.port || "" },
        { label: t("lot.declaration"), cell: (x) => x.shipment.declaration || "" },
        { label: t("common.quantity"), cell: (x) => `${num(x.shipment.quantity)} ${x.shipment.batch.unit}`, num: true },
        { label: t("warnings.matchedOn"), cell: (x) => x.matchedOn.join(", ") },
      ],
      w.portControlHits,
      { className: "grid hits" },
    ) : h("p", { class: "empty" }, t("warnings.hitsNone"))),
    section(t("warnings.measureStatus"), table([{ label: t("warnings.measures"), cell: (m) => enumLabel("measure", m.kind) }, { label: t("common.status"), cell: (m) => statusBadge("measureStatus", m.status) }, { label: t("warnings.by"), cell: (m) => stored(m.by) }, { label: t("common.date"), cell: (m) => date(m.updatedAt) }], w.measureStatuses)),
    section(t("warnings.events"), h("ol", { class: "timeline" }, w.events.map((ev) => h("li", { class: "event" }, h("time", { datetime: ev.at }, date(ev.at)), h("div", {}, h("strong", {}, enumLabel("warningEvent", ev.action)), ev.fromGrade ? [" ", warningBadge(ev.fromGrade), " →"] : null, ev.toGrade ? [" ", warningBadge(ev.toGrade)] : null, " · ", stored(ev.by), ev.reason ? h("div", { class: "muted" }, stored(ev.reason)) : null))))),
  );
}
