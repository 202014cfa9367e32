// Hash routes, so every view has an address to share: #/search?q=…, #/lot/ID?tab=trace&depth=3,
// #/enterprise/ID, #/contagion?minScore=0.3, #/warnings, #/warning/ID, #/recalls, #/recall/ID, #/plans, #/plan/ID, #/signin.
export function current() {
  const hash = location.hash.replace(/^#/, "") || "/search";
  const [path, query = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] || "search", id: parts[1] || null, params: new URLSearchParams(query) };
}

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

export function href(view, id, params) {
  const query = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== "")).toString() : "";
  return `#/${view}${id ? `/${encodeURIComponent(id)}` : ""}${query ? `?${query}` : ""}`;
}
