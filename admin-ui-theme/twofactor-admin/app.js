// The admin Security page: the realm's second factor, signing everybody out, and users' phones and devices.
// Plain modules, no build step; everything it shows comes from /admin/realms/{realm}/twofactor with the
// signed-in admin's own token, so Keycloak's admin roles decide what works.

import { t, pickLanguage, setLanguage, language, translatePage } from "./i18n.js";
import { Oidc, OidcError } from "./oidc.js";
import { $, retranslateAll, clearAlert } from "./dom.js";
import { place, state } from "./state.js";
import { oidc, showView, showSignIn, sessionEnded } from "./session.js";
import { caps, loadRealms, renderMastheadRealm, selectRealm, wireRealms } from "./realms.js";
import { fillSettings, readForm, wireSettings } from "./settings.js";
import { wireDeauthorize } from "./deauthorize.js";
import { wireUsers } from "./users.js";
import { renderUsers } from "./user-rows.js";

const SIGNED_OUT = "twofactor-admin.signed-out";

// ---------------------------------------------------------------------------------------------- start

function applyLanguage() {
  translatePage();
  $("lang-select").value = language();
  renderMastheadRealm();
  // the words change, not the values: what the admin has edited but not saved stays in the form
  const shown = state.settings && state.realm ? Object.assign({}, state.settings, readForm()) : state.settings;
  fillSettings(shown);
  caps.render();
  if (state.users.loaded) {
    renderUsers();
  }
  retranslateAll();
}

function wire() {
  $("lang-select").addEventListener("change", (e) => {
    setLanguage(e.target.value, true);
    const url = new URL(location.href);
    if (url.searchParams.has("lang")) {
      url.searchParams.set("lang", language());
      history.replaceState(null, "", url.pathname + url.search);
    }
    applyLanguage();
  });
  $("sign-in").addEventListener("click", () => oidc.login({ locale: language() }));
  $("sign-out").addEventListener("click", () => {
    try {
      sessionStorage.setItem(SIGNED_OUT, "1");
    } catch (e) {
      // the page will simply sign in again
    }
    oidc.logout();
  });
  wireRealms();
  wireSettings();
  wireDeauthorize();
  wireUsers();
  oidc.onExpired = () => sessionEnded();
}

async function startApp() {
  const me = oidc.identity();
  state.me = me.sub || null;
  const who = $("who");
  who.textContent = me.preferred_username || me.name || me.email || "";
  who.hidden = !who.textContent;
  $("sign-out").hidden = false;
  clearAlert($("global-alert"));
  showView("app");
  if (state.isMaster) {
    await loadRealms();
  } else {
    $("realm-picker").hidden = true;
    await selectRealm(state.pageRealm);
  }
}

async function main() {
  const fromUrl = new URLSearchParams(location.search).get("lang");
  setLanguage(pickLanguage(), !!fromUrl);
  applyLanguage();
  wire();
  if (!place) {
    showSignIn(t("notThisPage"), "danger");
    $("sign-in").hidden = true;
    return;
  }
  if (Oidc.hasCallback()) {
    try {
      await oidc.handleCallback();
    } catch (e) {
      const reason = e instanceof OidcError && e.code === "state_mismatch" ? t("signInStateMismatch")
        : t("signInFailed", { reason: e.description || e.code || String(e) });
      showSignIn(reason, "danger");
      return;
    }
    await startApp();
    return;
  }
  let signedOut = false;
  try {
    signedOut = sessionStorage.getItem(SIGNED_OUT) === "1";
    sessionStorage.removeItem(SIGNED_OUT);
  } catch (e) {
    // no storage: sign in
  }
  if (signedOut) {
    showSignIn(t("signedOutText"), "info");
    return;
  }
  await oidc.login({ locale: language() });
}

main().catch((e) => {
  showSignIn(String(e && e.message ? e.message : e), "danger");
});
