// Search: a lot by its id, enterprises by name, USCC or id, persons by name, shipments by declaration number;
// results as one types (the GraphQL search* queries, 20 a page, "load more" for the next).
import { gql } from "../api.js";
import { h, clear, stored, debounce } from "../dom.js";
import { t, enumLabel, date } from "../i18n.js";
import { lotLink, enterpriseLink, creditBadge, errorBox } from "../ui.js";
import { go } from "../router.js";

const PAGE = 20;
const QUERIES = {
  enterprises: {
    query: `query($text: String!, $first: Int!, $after: String) { page: searchEnterprises(text: $text, first: $first, after: $after) {
      items { id name uscc creditGrade blacklisted country } endCursor hasNextPage } }`,
    row: (e) => h("li", {}, enterpriseLink(e), " ", h("span", { class: "muted" }, e.id), e.uscc ? h("span", { class: "muted" }, ` · ${e.uscc}`) : null, " ", creditBadge(e.creditGrade)),
  },
  persons: {
    query: `query($text: String!, $first: Int!, $after: String) { page: searchPersons(text: $text, first: $first, after: $after) {
      items { id name enterprises(first: 10) { role enterprise { id name } } } endCursor hasNextPage } }`,
    row: (p) =>
      h(
        "li",
        {},
        stored(p.name, "strong"),
        " ",
        h("span", { class: "muted" }, p.id),
        p.enterprises.length ? h("span", {}, ` · ${t("search.seats")}: `, p.enterprises.map((s, i) => [i ? t("common.separator") : "", enterpriseLink(s.enterprise), ` (${enumLabel("seatRole", s.role)})`])) : null,
      ),
  },
  shipments: {
    query: `query($text: String!, $first: Int!, $after: String) { page: searchShipments(declaration: $text, first: $first, after: $after) {
      items { id declaration shippedAt direction port batch { id } from { id name } to { id name } } endCursor hasNextPage } }`,
    row: (s) => h("li", {}, h("strong", {}, s.declaration), " ", enumLabel("direction", s.direction), " ", s.port || "", " ", date(s.shippedAt), " · ", lotLink(s.batch.id), " · ", enterpriseLink(s.from), " → ", enterpriseLink(s.to)),
  },
};
const LOT = `query($id: ID!) { batch(id: $id) { id producedAt product { name } producer { id name } } }`;

export function searchView(main, params) {
  const input = h("input", { id: "search-input", type: "search", value: params.get("q") || "", placeholder: t("search.placeholder"), autocomplete: "off", "aria-describedby": "search-hint" });
  const results = h("div", { id: "search-results", "aria-live": "polite" });
  main.append(
    h("h1", {}, t("search.title")),
    h("form", { role: "search", onsubmit: (e) => e.preventDefault() }, h("label", { for: "search-input" }, t("search.label")), input, h("p", { id: "search-hint", class: "muted" }, t("search.hint"))),
    results,
  );
  let generation = 0;
  const run = async (text) => {
    const mine = ++generation;
    history.replaceState(null, "", `#/search${text ? `?q=${encodeURIComponent(text)}` : ""}`);
    clear(results);
    if (!text.trim()) return;
    const groups = {
      lots: h("section", { class: "group", "data-group": "lots" }),
      enterprises: h("section", { class: "group", "data-group": "enterprises" }),
      persons: h("section", { class: "group", "data-group": "persons" }),
      shipments: h("section", { class: "group", "data-group": "shipments" }),
    };
    const pending = [
      gql(LOT, { id: text.trim() }).then((data) => {
        if (mine !== generation || !data.batch) return 0;
        const b = data.batch;
        groups.lots.append(h("h2", {}, t("search.lots")), h("ul", {}, h("li", {}, lotLink(b.id), " ", stored(b.product.name), " · ", enterpriseLink(b.producer), " · ", date(b.producedAt))));
        return 1;
      }),
      ...Object.entries(QUERIES).map(([name, spec]) => page(spec, name, text.trim(), null, groups[name], () => mine === generation)),
    ];
    results.append(...Object.values(groups));
    const counts = await Promise.allSettled(pending);
    if (mine !== generation) return;
    const failed = counts.find((c) => c.status === "rejected");
    if (failed) results.prepend(errorBox(failed.reason));
    else if (counts.every((c) => c.value === 0)) results.append(h("p", { class: "empty" }, t("search.noResults")));
  };
  const page = async (spec, name, text, after, box, current) => {
    const data = await gql(spec.query, { text, first: PAGE, after });
    if (!current() || !data.page.items.length) return 0;
    let list = box.querySelector("ul");
    if (!list) {
      box.append(h("h2", {}, t(`search.${name}`)));
      list = h("ul", {});
      box.append(list);
    }
    list.append(...data.page.items.map(spec.row));
    box.querySelector("button.more")?.remove();
    if (data.page.hasNextPage) {
      box.append(h("button", { type: "button", class: "more", onclick: () => page(spec, name, text, data.page.endCursor, box, current) }, t("search.morePages")));
    }
    return data.page.items.length;
  };
  input.addEventListener("input", debounce(() => run(input.value), 200));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      const first = results.querySelector("a");
      if (first) go(first.getAttribute("href"));
    }
  });
  input.focus();
  if (input.value) run(input.value);
}
