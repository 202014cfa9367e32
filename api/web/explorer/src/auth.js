// Who is signed in, and what the page may offer them. The token comes from the service's identity provider
// (authorization code + PKCE, oidc-client-ts) when /explore/config.json names an issuer, else from a pasted token
// (the token path). The roles are read from the token only to hide what the caller may not use: the API checks the
// token itself and refuses anyway.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";

const TOKEN_KEY = "tracegraph.explorer.token";
let config = { issuer: null, clientId: null, operations: {}, routes: {} };
let manager = null;
let token = sessionStorage.getItem(TOKEN_KEY);

export async function loadConfig(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (response.ok) config = await response.json();
  if (config.issuer) {
    const redirect = `${location.origin}${location.pathname}`;
    manager = new UserManager({
      authority: config.issuer,
      client_id: config.clientId,
      redirect_uri: redirect,
      post_logout_redirect_uri: redirect,
      response_type: "code", // with PKCE (S256), oidc-client-ts's default for the code flow
      scope: "openid profile",
      userStore: new WebStorageStateStore({ store: sessionStorage }),
      automaticSilentRenew: false,
    });
  }
  return config;
}

export function hasIdentityProvider() {
  return manager !== null;
}

// Back from the identity provider with ?code=…&state=…: exchange the code, keep the access token, drop the query.
export async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  if (!manager || !params.has("code") || !params.has("state")) return null;
  const returnTo = sessionStorage.getItem("tracegraph.explorer.returnTo") || "#/search";
  try {
    const user = await manager.signinRedirectCallback();
    setToken(user.access_token);
    return null;
  } catch (error) {
    return error.message || String(error);
  } finally {
    history.replaceState(null, "", `${location.pathname}${returnTo}`);
  }
}

export async function signInWithProvider() {
  sessionStorage.setItem("tracegraph.explorer.returnTo", location.hash && location.hash !== "#/signin" ? location.hash : "#/search");
  await manager.signinRedirect();
}

export function setToken(value) {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function signOut() {
  setToken(null);
  if (manager) await manager.removeUser();
}

export function currentToken() {
  return token;
}

// A JWT's claims, read without checking its signature (the API does that).
export function claims(value = token) {
  if (!value) return null;
  const parts = value.split(".");
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(parts[1].length / 4) * 4, "="));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

export function looksLikeToken(value) {
  return claims(value.trim()) !== null;
}

export function expired(value = token) {
  const c = claims(value);
  return Boolean(c && typeof c.exp === "number" && c.exp * 1000 < Date.now());
}

// The roles claim of the service's tokens; Keycloak also puts realm roles under realm_access.
export function roles() {
  const c = claims();
  if (!c) return null;
  const found = new Set([...(c.roles || []), ...((c.realm_access && c.realm_access.roles) || [])]);
  return [...found];
}

export function subject() {
  const c = claims();
  return c ? c.preferred_username || c.name || c.sub : null;
}

// May the caller use it? Without a token the page does not know the caller's roles and offers everything (the API
// answers for itself); with one, an operation ("Mutation.openRecall") or a route ("GET /recall-scope.{extension}")
// is offered when the token has one of the roles its rule admits (null: anyone).
export function may(name) {
  const mine = roles();
  if (mine === null) return true;
  const rule = name in config.operations ? config.operations[name] : config.routes[name];
  if (rule === undefined || rule === null) return true;
  return rule.some((role) => mine.includes(role));
}

export function authHeaders() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}
