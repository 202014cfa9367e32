// Pieces every view uses: links, badges for grades and statuses, loading and error boxes, in the current language.
import { h, stored } from "./dom.js";
import { t, enumLabel } from "./i18n.js";

export const WARNING_COLOURS = { I: "#c62828", II: "#e65100", III: "#f9a825", IV: "#1565c0" };

export function lotLink(id) {
  return h("a", { href: `#/lot/${encodeURIComponent(id)}`, class: "lot-id" }, id);
}

export function enterpriseLink(enterprise) {
  if (!enterprise) return "";
  return h("a", { href: `#/enterprise/${encodeURIComponent(enterprise.id)}` }, stored(enterprise.name));
}

export function warningBadge(grade) {
  return h("span", { class: `badge warning-${grade}` }, enumLabel("warningGrade", grade));
}

export function creditBadge(grade) {
  return h("span", { class: `badge credit-${grade}` }, enumLabel("creditGrade", grade));
}

export function statusBadge(kind, value) {
  return h("span", { class: `badge status status-${value}` }, enumLabel(kind, value));
}

export function loading() {
  return h("p", { class: "loading", role: "status" }, t("common.loading"));
}

export function errorBox(error) {
  const code = error && error.code;
  const known = ["FORBIDDEN", "UNAUTHENTICATED", "BAD_USER_INPUT", "network"];
  const text = known.includes(code)
    ? t(code === "network" ? "error.network" : `error.${code}`, { message: error.message })
    : t("error.generic", { message: "" });
  const box = h("div", { class: "error", role: "alert" }, h("p", {}, text));
  if (code === "UNAUTHENTICATED") box.append(h("p", {}, h("a", { href: "#/signin" }, t("auth.signIn"))));
  // The service's own words, as it sent them (its messages are not translated by the page).
  if (error && error.message && code !== "network") box.append(h("details", {}, h("summary", {}, t("common.details")), stored(error.message, "pre")));
  return box;
}

export function section(title, ...children) {
  return h("section", { class: "panel" }, h("h2", {}, title), ...children);
}

export function field(label, value) {
  return [h("dt", {}, label), h("dd", {}, value === "" || value === null || value === undefined ? "—" : value)];
}
