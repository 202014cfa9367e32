// Monitoring plans (issue 17): the list of plans, and one plan's progress against its quotas, its results per
// target and stage, and the quality indicators of each target's commodity by month, drawn as charts.
import { gql } from "../api.js";
import { h, stored, table } from "../dom.js";
import { t, enumLabel, num } from "../i18n.js";
import { barChart } from "../charts.js";
import { errorBox, loading, section, field, lotLink } from "../ui.js";
import { href } from "../router.js";

const LIST = `query { monitoringPlans(first: 200) { id name periodStart periodEnd stages agencies { name } targets { id } } }`;
const ONE = `query($id: ID!) { monitoringPlan(id: $id) { id name periodStart periodEnd stages description publishedAt
  agencies { id name }
  targets { id countries hsPrefixes categories hazards }
  results { tested failed failRate quota progress
    targets { target { id } quota tested failed failRate progress stages { stage quota tested failed failRate progress } }
    failures { reportId batchId producerId targetId stage testedAt } } } }`;
const INDICATORS = `query($dimension: IndicatorDimension!, $key: String!, $from: String!, $to: String!) {
  qualityIndicators(dimension: $dimension, key: $key, fromMonth: $from, toMonth: $to) {
    months { month tested passRate shipments signalsPer10kShipments } definitions { name definition } } }`;

const percent = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);

export async function plansView(main) {
  main.append(h("h1", {}, t("plans.title")), loading());
  let plans;
  try {
    plans = (await gql(LIST)).monitoringPlans;
  } catch (error) {
    main.lastChild.replaceWith(errorBox(error));
    return;
  }
  main.lastChild.remove();
  if (!plans.length) {
    main.append(h("p", { class: "empty" }, t("plans.none")));
    return;
  }
  main.append(
    section(
      t("plans.title"),
      table(
        [
          { label: t("common.id"), cell: (p) => h("a", { href: href("plan", p.id) }, p.id) },
          { label: t("common.name"), cell: (p) => stored(p.name) },
          { label: t("plans.period"), cell: (p) => `${p.periodStart} – ${p.periodEnd}` },
          { label: t("plans.stages"), cell: (p) => p.stages.map((s) => enumLabel("stage", s)).join(t("common.separator")) },
          { label: t("plans.agencies"), cell: (p) => stored(p.agencies.map((a) => a.name).join("、")) },
          { label: t("plans.targets"), cell: (p) => String(p.targets.length), num: true },
        ],
        plans,
        { className: "grid plans" },
      ),
    ),
  );
}

// The commodity a target's indicators are drawn for: its first HS prefix, else its first category, else its first
// origin country.
function indicatorKey(target) {
  if (target.hsPrefixes.length) return ["COMMODITY", target.hsPrefixes[0]];
  if (target.categories.length) return ["COMMODITY", target.categories[0]];
  return ["ORIGIN", target.countries[0]];
}

export async function planView(main, id) {
  main.append(h("h1", {}, t("plans.detail", { id })), loading());
  let plan;
  try {
    plan = (await gql(ONE, { id })).monitoringPlan;
  } catch (error) {
    main.lastChild.replaceWith(errorBox(error));
    return;
  }
  main.lastChild.remove();
  if (!plan) {
    main.append(h("p", { class: "empty" }, t("common.notFound", { id })));
    return;
  }
  const r = plan.results;
  const criteria = Object.fromEntries(plan.targets.map((x) => [x.id, x]));
  const progressChart = h("div", { class: "chart", id: "plan-progress-chart" });
  main.append(
    h("p", {}, stored(plan.name)),
    h(
      "dl",
      { class: "facts" },
      field(t("plans.period"), `${plan.periodStart} – ${plan.periodEnd}`),
      field(t("plans.stages"), plan.stages.map((s) => enumLabel("stage", s)).join(t("common.separator"))),
      field(t("plans.agencies"), stored(plan.agencies.map((a) => a.name).join("、"))),
      field(t("plans.tested"), `${num(r.tested)} / ${num(r.quota)}（${percent(r.progress)}）`),
      field(t("plans.failed"), `${num(r.failed)}（${t("plans.failRate")} ${percent(r.failRate)}）`),
      field(t("plans.published"), plan.publishedAt ? plan.publishedAt : t("common.no")),
    ),
    h(
      "div",
      { class: "graph-layout with-table" },
      section(
        t("plans.results"),
        table(
          [
            { label: t("plans.target"), cell: (x) => x.target },
            { label: t("plans.criteria"), cell: (x) => x.criteria },
            { label: t("plans.stage"), cell: (x) => enumLabel("stage", x.stage) },
            { label: t("plans.quota"), cell: (x) => (x.quota === null ? "—" : num(x.quota)), num: true },
            { label: t("plans.tested"), cell: (x) => num(x.tested), num: true },
            { label: t("plans.failed"), cell: (x) => num(x.failed), num: true },
            { label: t("plans.failRate"), cell: (x) => percent(x.failRate), num: true },
            { label: t("plans.progress"), cell: (x) => percent(x.progress), num: true },
          ],
          r.targets.flatMap((tr) =>
            tr.stages.map((s) => ({
              target: tr.target.id,
              criteria: describe(criteria[tr.target.id]),
              ...s,
            })),
          ),
          { className: "grid plan-results" },
        ),
      ),
      section(t("plans.progressByTarget"), progressChart),
    ),
    section(
      t("plans.failures"),
      r.failures.length
        ? table(
            [
              { label: t("plans.testedAt"), cell: (f) => f.testedAt },
              { label: t("lot.batch"), cell: (f) => lotLink(f.batchId) },
              { label: t("plans.producer"), cell: (f) => h("a", { href: href("enterprise", f.producerId) }, f.producerId) },
              { label: t("plans.target"), cell: (f) => f.targetId },
              { label: t("plans.stage"), cell: (f) => enumLabel("stage", f.stage) },
              { label: t("plans.report"), cell: (f) => f.reportId },
            ],
            r.failures,
            { className: "grid plan-failures" },
          )
        : h("p", { class: "empty" }, t("plans.noFailures")),
    ),
  );
  barChart(progressChart, {
    categories: r.targets.map((x) => x.target.id),
    values: r.targets.map((x) => (x.progress === null ? 0 : Math.round(x.progress * 1000) / 10)),
    label: t("plans.progressByTarget"),
    format: (v) => `${v}%`,
  });
  const from = plan.periodStart.slice(0, 7);
  const to = plan.periodEnd.slice(0, 7);
  const indicators = section(t("indicators.title"));
  main.append(indicators);
  for (const target of plan.targets) {
    const [dimension, key] = indicatorKey(target);
    let found;
    try {
      found = (await gql(INDICATORS, { dimension, key, from, to })).qualityIndicators;
    } catch (error) {
      indicators.append(errorBox(error));
      continue;
    }
    const passChart = h("div", { class: "chart", id: `indicator-pass-${target.id}` });
    const signalChart = h("div", { class: "chart", id: `indicator-signals-${target.id}` });
    const definitions = Object.fromEntries(found.definitions.map((d) => [d.name, d.definition]));
    indicators.append(
      h("h3", {}, t("indicators.of", { target: target.id, key })),
      h("div", { class: "graph-layout with-table" }, h("div", {}, h("h4", {}, t("indicators.passRate")), passChart, h("p", { class: "muted definition" }, stored(definitions.passRate))), h("div", {}, h("h4", {}, t("indicators.signals")), signalChart, h("p", { class: "muted definition" }, stored(definitions.signalsPer10kShipments)))),
    );
    barChart(passChart, {
      categories: found.months.map((m) => m.month),
      values: found.months.map((m) => (m.passRate === null ? 0 : Math.round(m.passRate * 1000) / 10)),
      label: t("indicators.passRate"),
      max: 100,
      format: (v) => `${v}%`,
    });
    barChart(signalChart, {
      categories: found.months.map((m) => m.month),
      values: found.months.map((m) => (m.signalsPer10kShipments === null ? 0 : Math.round(m.signalsPer10kShipments))),
      label: t("indicators.signals"),
    });
  }
}

function describe(target) {
  if (!target) return "";
  const parts = [];
  if (target.countries.length) parts.push(target.countries.join("/"));
  if (target.hsPrefixes.length) parts.push(`HS ${target.hsPrefixes.join("/")}`);
  if (target.categories.length) parts.push(target.categories.map((c) => enumLabel("category", c)).join("/"));
  parts.push(target.hazards.map((x) => enumLabel("hazard", x)).join("/"));
  return parts.join(" · ");
}
