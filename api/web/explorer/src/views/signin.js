// Sign in: with the identity provider (authorization code + PKCE) when the service names one, and the token path
// (paste a token from `tracegraph token`) in any case, for where no identity provider can be reached.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { hasIdentityProvider, signInWithProvider, looksLikeToken, setToken } from "../auth.js";
import { go } from "../router.js";

export function signinView(main, params, rerenderHeader) {
  main.append(h("h1", {}, t("auth.title")));
  if (params.get("error")) main.append(h("p", { class: "error", role: "alert" }, t("auth.callbackFailed", { message: params.get("error") })));
  if (hasIdentityProvider()) {
    main.append(h("section", { class: "panel" }, h("p", {}, t("auth.oidcIntro")), h("button", { type: "button", id: "oidc-sign-in", onclick: () => signInWithProvider() }, t("auth.oidcButton"))));
  }
  const area = h("textarea", { id: "token-input", rows: 4, spellcheck: "false", autocomplete: "off", "aria-describedby": "token-problem" });
  const problem = h("p", { id: "token-problem", class: "error-text", role: "alert" });
  main.append(
    h(
      "form",
      {
        class: "panel",
        id: "token-form",
        onsubmit: (e) => {
          e.preventDefault();
          const value = area.value.trim();
          if (!looksLikeToken(value)) {
            problem.textContent = t("auth.tokenInvalid");
            return;
          }
          setToken(value);
          rerenderHeader();
          go(params.get("next") || "#/search");
        },
      },
      h("p", {}, t("auth.tokenIntro")),
      h("label", { for: "token-input" }, t("auth.tokenLabel")),
      area,
      problem,
      h("button", { type: "submit" }, t("auth.tokenSubmit")),
    ),
  );
}
