// The signed-in admin's connection: the OIDC client and the admin REST client of the page, the sign-in view, and
// failures in words (an ended session shows the sign-in again).

import { t } from "./i18n.js";
import { Oidc } from "./oidc.js";
import { Api, ApiError } from "./api.js";
import { $, alertBox, clearAlert } from "./dom.js";
import { state, reader } from "./state.js";

const CLIENT_ID = "twofactor-admin";

export const oidc = new Oidc({
  serverBase: state.serverBase,
  realm: state.pageRealm || "master",
  clientId: CLIENT_ID,
  redirectUri: location.origin + location.pathname
});
export const api = new Api(state.serverBase, oidc);

export function showView(name) {
  $("view-loading").hidden = name !== "loading";
  $("view-signin").hidden = name !== "signin";
  $("view-app").hidden = name !== "app";
  document.body.dataset.state = name === "app" ? "app" : name;
}

export function showSignIn(message, kind) {
  showView("signin");
  $("who").hidden = true;
  $("sign-out").hidden = true;
  clearAlert($("global-alert"));
  const area = $("signin-alert");
  area.replaceChildren();
  if (message) {
    area.append(alertBox(kind || "info", message));
  }
  $("sign-in").focus();
}

/** A failure in words, in the page's language now. */
export function explain(e) {
  if (e instanceof ApiError) {
    return e.describe(reader());
  }
  return String(e && e.message ? e.message : e);
}

/** A failure as words that follow the language; an ended session shows the sign-in (once). */
export function later(e) {
  if (e instanceof ApiError && e.kind === "unauthorized") {
    sessionEnded();
  }
  return () => explain(e);
}

export function sessionEnded() {
  oidc.clear();
  showSignIn(t("sessionEnded"), "warning");
  $("sign-in").textContent = t("signInAgain");
}
