// Recalls: the list (fetched a page at a time, newest first) with class, status, deadlines and effectiveness, a
// chart of each recall's effectiveness, and one recall's consignees and progress with its spreadsheets.
import { gql, download, servicePath } from "../api.js";
import { may } from "../auth.js";
import { h, clear, stored, table, pagedTable } from "../dom.js";
import { t, enumLabel, date, num, percent } from "../i18n.js";
import { barChart } from "../charts.js";
import { statusBadge, enterpriseLink, lotLink, errorBox, loading, section, field } from "../ui.js";
import { href } from "../router.js";

const PAGE = 50;
const LIST = `query($first: Int!, $after: String) { recalls(first: $first, after: $after) {
  recalls { id recallClass status openedAt startBy finishBy effectiveness sourceIds progress { startOverdue finishOverdue } }
  endCursor hasNextPage } }`;
const ONE = `query($id: ID!) { recall(id: $id) { id recallClass status openedAt openedBy startBy finishBy effectiveness sourceIds warningId
  progress { consignees notified fullyReturned effectiveness startOverdue finishOverdue }
  effectivenessByUnit { unit onHand returned effectiveness }
  consignees { enterprise { id name } batch { id } shipped onHand returned outstanding notified status unit } } }`;

export async function recallsView(main) {
  main.append(h("h1", {}, t("recalls.title")));
  const body = h("div", {}, loading());
  main.append(body);
  const recalls = [];
  let cursor = null;
  let more = false;
  const fetchPage = async () => {
    const data = (await gql(LIST, { first: PAGE, after: cursor })).recalls;
    recalls.push(...data.recalls);
    cursor = data.endCursor;
    more = data.hasNextPage;
  };
  try {
    await fetchPage();
  } catch (error) {
    clear(body).append(errorBox(error));
    return;
  }
  const draw = () => {
    if (!recalls.length) {
      clear(body).append(h("p", { class: "empty" }, t("recalls.none")));
      return;
    }
    const chart = h("div", { class: "chart", id: "recalls-chart" });
    const overdue = (r) => (r.status === "OPEN" && (r.progress.startOverdue || r.progress.finishOverdue) ? h("span", { class: "badge overdue" }, t("recalls.overdue")) : "");
    clear(body).append(
      h(
        "div",
        { class: "graph-layout with-table" },
        section(
          t("recalls.title"),
          pagedTable(
            [
              { label: t("common.id"), cell: (r) => h("a", { href: href("recall", r.id) }, r.id) },
              { label: t("recalls.class"), cell: (r) => enumLabel("recallClass", r.recallClass) },
              { label: t("common.status"), cell: (r) => statusBadge("recallStatus", r.status) },
              { label: t("recalls.startBy"), cell: (r) => date(r.startBy) },
              { label: t("recalls.finishBy"), cell: (r) => [date(r.finishBy), " ", overdue(r)] },
              { label: t("recalls.effectiveness"), cell: (r) => percent(r.effectiveness), num: true },
              { label: t("recalls.sources"), cell: (r) => r.sourceIds.map((s, i) => [i ? ", " : "", lotLink(s)]) },
            ],
            recalls,
            { pageSize: PAGE, moreLabel: (n) => t("common.more", { n }), className: "grid recalls" },
          ),
          more ? h("button", { type: "button", class: "more", onclick: async () => (await fetchPage(), draw()) }, t("recalls.loadMore")) : null,
        ),
        section(t("recalls.chart"), chart),
      ),
    );
    const shown = recalls.slice(0, 30);
    barChart(chart, {
      categories: shown.map((r) => r.id),
      values: shown.map((r) => Math.round(r.effectiveness * 1000) / 10),
      colours: shown.map((r) => (r.effectiveness >= 1 ? "#2e7d32" : r.effectiveness >= 0.5 ? "#f9a825" : "#c62828")),
      max: 100,
      format: (v) => `${v}%`,
      label: t("recalls.chart"),
    });
  };
  draw();
}

export async function recallView(main, id) {
  main.append(h("h1", {}, t("recalls.detail", { id })), loading());
  let r;
  try {
    r = (await gql(ONE, { id })).recall;
  } catch (error) {
    main.lastChild.replaceWith(errorBox(error));
    return;
  }
  main.lastChild.remove();
  if (!r) {
    main.append(h("p", { class: "empty" }, t("common.notFound", { id })));
    return;
  }
  const p = r.progress;
  const downloads = may("GET /recalls/{recall_id}.{extension}")
    ? h("p", { class: "actions" }, t("recalls.download"), ": ", ["csv", "xlsx"].map((ext) => [h("a", { href: servicePath(`/recalls/${encodeURIComponent(r.id)}.${ext}`), class: "button download", "data-ext": ext, onclick: (e) => (e.preventDefault(), download(servicePath(`/recalls/${encodeURIComponent(r.id)}.${ext}`), `${r.id}.${ext}`).catch((error) => e.target.after(errorBox(error)))) }, t(ext === "csv" ? "lot.downloadCsv" : "lot.downloadXlsx")), " "]))
    : null;
  main.append(
    h("p", {}, statusBadge("recallStatus", r.status), " ", enumLabel("recallClass", r.recallClass), p.startOverdue || p.finishOverdue ? h("span", { class: "badge overdue" }, t("recalls.overdue")) : null),
    h("dl", { class: "facts" }, field(t("recalls.openedAt"), date(r.openedAt)), field(t("warnings.by"), stored(r.openedBy)), field(t("recalls.startBy"), date(r.startBy)), field(t("recalls.finishBy"), date(r.finishBy)), field(t("recalls.effectiveness"), percent(r.effectiveness)), field(t("recalls.sources"), r.sourceIds.map((s, i) => [i ? ", " : "", lotLink(s)]))),
    h("p", { id: "recall-progress" }, t("recalls.progress", { notified: p.notified, consignees: p.consignees, returned: p.fullyReturned })),
    downloads,
    section(
      t("lot.consignees"),
      pagedTable(
        [
          { label: t("lot.to"), cell: (c) => enterpriseLink(c.enterprise) },
          { label: t("lot.batch"), cell: (c) => lotLink(c.batch.id) },
          { label: t("lot.received"), cell: (c) => num(c.shipped), num: true },
          { label: t("lot.onHand"), cell: (c) => num(c.onHand), num: true },
          { label: t("recalls.returned"), cell: (c) => num(c.returned), num: true },
          { label: t("recalls.outstanding"), cell: (c) => num(c.outstanding), num: true },
          { label: t("common.unit"), cell: (c) => c.unit },
          { label: t("common.status"), cell: (c) => statusBadge("consigneeStatus", c.status) },
        ],
        r.consignees,
        { pageSize: 50, moreLabel: (n) => t("common.more", { n }), className: "grid consignee-table" },
      ),
    ),
    section(t("recalls.effectiveness"), table([{ label: t("common.unit"), cell: (u) => u.unit }, { label: t("lot.onHand"), cell: (u) => num(u.onHand), num: true }, { label: t("recalls.returned"), cell: (u) => num(u.returned), num: true }, { label: t("recalls.effectiveness"), cell: (u) => percent(u.effectiveness), num: true }], r.effectivenessByUnit)),
  );
}
