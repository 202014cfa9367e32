// The explorer's entry: reads how to sign in, draws the header (navigation, language, who is signed in) and the
// view the address names, again on every change of address or language.
import "./explorer.css";
import { h, clear } from "./dom.js";
import { t, language, setLanguage, enumLabel, DICTIONARIES } from "./i18n.js";
import { loadConfig, completeSignIn, may, roles, subject, signOut, currentToken, expired } from "./auth.js";
import { setEndpoint } from "./api.js";
import { current, go } from "./router.js";
import { searchView } from "./views/search.js";
import { lotView } from "./views/lot.js";
import { enterpriseView } from "./views/enterprise.js";
import { contagionView } from "./views/contagion.js";
import { warningsView, warningView } from "./views/warnings.js";
import { recallsView, recallView } from "./views/recalls.js";
import { plansView, planView } from "./views/monitoring.js";
import { signinView } from "./views/signin.js";

// For tests and the benchmark: the graph drawn last and its timing (graphview.js fills these in).
window.explorer = { cy: null, lastGraph: null, dictionaries: DICTIONARIES };

const NAV = [
  ["search", "nav.search", null],
  ["contagion", "nav.contagion", "Query.contagion"],
  ["warnings", "nav.warnings", "Query.warnings"],
  ["recalls", "nav.recalls", "Query.recalls"],
  ["plans", "nav.plans", "Query.monitoringPlans"],
];

function header() {
  const top = document.getElementById("top");
  const route = current().view;
  const mine = roles();
  const who = subject();
  document.title = `tracegraph · ${t("app.title")}`;
  document.querySelector("a.skip").textContent = t("app.skip");
  clear(top).append(
    h("a", { href: "#/search", class: "brand" }, "tracegraph ", h("span", {}, t("app.title"))),
    h(
      "nav",
      { "aria-label": t("nav.label") },
      h("ul", {}, NAV.filter(([, , op]) => !op || may(op)).map(([view, key]) => h("li", {}, h("a", { href: `#/${view}`, "data-nav": view, "aria-current": route === view || route === view.replace(/s$/, "") ? "page" : null }, t(key))))),
    ),
    h(
      "div",
      { class: "session" },
      who
        ? [h("span", { class: "who", id: "who" }, t("auth.signedInAs", { sub: who }), " · ", t("auth.roles", { roles: mine.length ? mine.map((r) => enumLabel("userRole", r)).join(t("common.separator")) : t("auth.noRoles") })), " ", h("button", { type: "button", id: "sign-out", onclick: async () => (await signOut(), header(), go("#/signin")) }, t("auth.signOut"))]
        : h("a", { href: "#/signin", id: "sign-in", class: "button" }, t("auth.signIn")),
      " ",
      h("button", { type: "button", id: "lang-switch", lang: language() === "zh" ? "en" : "zh-CN", "aria-label": t("lang.switchLabel"), onclick: () => (setLanguage(language() === "zh" ? "en" : "zh"), render()) }, t("lang.switch")),
    ),
  );
}

let rendering = 0;
async function render() {
  const mine = ++rendering;
  header();
  const main = clear(document.getElementById("main"));
  delete main.dataset.ready;
  const { view, id, params } = current();
  if (currentToken() && expired()) main.append(h("p", { class: "error", role: "alert" }, t("auth.expired")));
  const views = {
    search: () => searchView(main, params),
    lot: () => lotView(main, id, params),
    enterprise: () => enterpriseView(main, id),
    contagion: () => contagionView(main, params),
    warnings: () => warningsView(main),
    warning: () => warningView(main, id),
    recalls: () => recallsView(main),
    recall: () => recallView(main, id),
    plans: () => plansView(main),
    plan: () => planView(main, id),
    signin: () => signinView(main, params, header),
  };
  await (views[view] || views.search)();
  if (mine === rendering) main.dataset.ready = `${view}:${id || ""}`;
}

async function start() {
  const script = document.getElementById("explorer-script");
  setEndpoint(script.dataset.graphql);
  await loadConfig(script.dataset.config);
  const failed = await completeSignIn();
  if (failed) location.hash = `#/signin?error=${encodeURIComponent(failed)}`;
  window.addEventListener("hashchange", () => {
    render();
    document.getElementById("main").focus({ preventScroll: true });
  });
  await render();
}

start();
