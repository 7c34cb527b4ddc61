// The admin Security page: the realm's second factor, signing everybody out, and users' phones and devices.
// Plain modules, no build step; everything it shows comes from /admin/realms/{realm}/twofactor with the
// signed-in admin's own token, so Keycloak's admin roles decide what works.

import { t, pickLanguage, setLanguage, language, translatePage } from "./i18n.js";
import { Oidc, OidcError } from "./oidc.js";
import { ApiError } from "./api.js";
import { phoneProblemNote } from "./phones.js";
import { CapsSection } from "./caps.js";
import { readiness, loadSettings, fillSettings, readForm, clearFieldErrors, wireSettings } from "./settings.js";
import { $, h, icon, live, unlive, words, retranslateAll, alertBox, showAlert, clearAlert, confirmDialog } from "./dom.js";
import { place, state, newUsersPage, realmPath, isMe } from "./state.js";
import { oidc, api, showView, showSignIn, explain, later, sessionEnded } from "./session.js";

const SIGNED_OUT = "twofactor-admin.signed-out";
const REALM_CHOICE = "twofactor-admin.realm";
const caps = new CapsSection({ api, realmPath, describe: (e) => explain(e), alertBox: (...a) => alertBox(...a) });

// ---------------------------------------------------------------------------------------------- realms

async function loadRealms() {
  let realms;
  try {
    realms = await api.get("?briefRepresentation=true");
  } catch (e) {
    const error = later(e);
    showAlert($("global-alert"), "danger", () => t("errLoadRealms", { error: error() }));
    return;
  }
  const names = (realms || []).map((r) => r.realm).filter(Boolean);
  if (!names.length) {
    showAlert($("global-alert"), "warning", () => t("noRealms"));
    $("settings-card").hidden = true;
    $("sessions-card").hidden = true;
    $("users-card").hidden = true;
    return;
  }
  const select = $("realm-select");
  select.replaceChildren(...names.map((name) => {
    const r = realms.find((x) => x.realm === name);
    const label = r.displayName && r.displayName !== name ? `${r.displayName} (${name})` : name;
    return h("option", { value: name }, label);
  }));
  // the realm the admin picked last in this browser, never master and never a guess: without one, they pick
  let chosen = null;
  try {
    chosen = localStorage.getItem(REALM_CHOICE);
  } catch (e) {
    // none
  }
  const fromUrl = new URLSearchParams(location.search).get("realm");
  if (fromUrl && names.includes(fromUrl)) {
    chosen = fromUrl;
  } else if (chosen === "master" || !names.includes(chosen)) {
    chosen = null;
  }
  $("realm-picker").hidden = false;
  if (!chosen) {
    const option = h("option", { value: "", id: "realm-choose", disabled: true });
    select.prepend(live(option, () => {
      option.textContent = t("realmChoose");
    }));
    askForRealm();
    return;
  }
  select.value = chosen;
  await selectRealm(chosen);
}

/** No realm yet: the picker asks, and nothing of any realm is shown or editable. */
function askForRealm() {
  const select = $("realm-select");
  select.value = "";
  state.realm = null;
  for (const card of ["settings-card", "sessions-card", "users-card", "support-card"]) {
    $(card).hidden = true;
  }
  showAlert($("global-alert"), "info", () => t("realmChooseText"), null, "realm-choose-message");
  renderMastheadRealm();
  document.body.dataset.state = "ready";
  select.focus();
}

function renderMastheadRealm() {
  $("masthead-realm").textContent = state.realm ? t("realmLabel", { realm: state.realm })
    : (!$("realm-picker").hidden ? t("realmNone") : "");
}

async function selectRealm(name) {
  document.body.dataset.state = "app";
  state.realm = name;
  state.settings = null;
  state.users = newUsersPage();
  readiness.forget();
  $("user-search").value = "";
  renderMastheadRealm();
  const choose = $("realm-choose");
  if (choose) {
    choose.remove();
  }
  for (const card of ["settings-card", "sessions-card", "users-card"]) {
    $(card).hidden = false;
  }
  for (const area of ["global-alert", "settings-error", "save-status", "deauthorize-status", "users-status", "support-alert"]) {
    clearAlert($(area));
  }
  clearFieldErrors();
  await Promise.all([loadSettings(), loadUsers(), caps.load()]);
  document.body.dataset.state = "ready";
}

// ---------------------------------------------------------------------------------------------- deauthorize

async function deauthorize() {
  clearAlert($("deauthorize-status"));
  const ok = await confirmDialog({
    title: t("deauthorizeConfirmTitle"),
    text: t("deauthorizeConfirmText", { realm: state.realm }),
    ok: t("deauthorize"),
    danger: true
  });
  if (!ok) {
    return;
  }
  const button = $("deauthorize");
  button.disabled = true;
  try {
    const answer = await api.post(realmPath() + "/twofactor/deauthorize");
    // the server's own sentence, in the page's language
    const serverMessage = answer && answer.message ? answer.message : null;
    const message = () => (!serverMessage || serverMessage === "Users have been successfully deauthorized" ? t("deauthorized") : serverMessage);
    const n = answer && typeof answer.deauthorized === "number" ? answer.deauthorized : null;
    showAlert($("deauthorize-status"), "success", message, n === null ? null : () => t("deauthorizedCount", { count: n }), "deauthorize-message");
  } catch (e) {
    showAlert($("deauthorize-status"), "danger", later(e), null, "deauthorize-message");
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------- users

async function loadUsers(focusAfter) {
  const u = state.users;
  const table = $("users-table");
  table.setAttribute("aria-busy", "true");
  const query = new URLSearchParams({ search: u.search, first: String(u.first), max: String(u.max) });
  try {
    const answer = await api.get(realmPath() + "/twofactor/users?" + query.toString());
    u.list = answer.users || [];
    u.hasMore = !!answer.hasMore;
    u.total = typeof answer.total === "number" ? answer.total : null;
    u.loaded = true;
    renderUsers();
    if (focusAfter) {
      // keep the keyboard where it was: the same button again, else the next best place
      const target = [].concat(focusAfter, "#users-status .alert")
        .map((css) => document.querySelector(css))
        .find((el) => el && !el.disabled);
      if (target) {
        if (target.classList.contains("alert")) {
          target.setAttribute("tabindex", "-1");
        }
        target.focus();
      }
    }
  } catch (e) {
    const error = later(e);
    showAlert($("users-status"), "danger", () => t("errLoadUsers", { error: error() }));
    u.list = [];
    u.hasMore = false;
    renderUsers();
  } finally {
    table.removeAttribute("aria-busy");
  }
}

function displayName(user) {
  return [user.firstName, user.lastName].filter(Boolean).join(" ");
}

/**
 * A row's button. Its accessible name says for whom ("Remove for agent", or a better one in extra's aria-label):
 * every row has the same visible labels, which alone are ambiguous to screen readers and voice control.
 */
function actionButton(label, action, user, extra) {
  return h("button", Object.assign({
    type: "button",
    class: "btn btn-small btn-link",
    "aria-label": t("rowActionFor", { action: label, user: user.username }),
    dataset: { action, userId: user.id }
  }, extra || {}), label);
}

function namedFor(key, user) {
  return { "aria-label": t(key, { user: user.username }) };
}

function phoneCell(user) {
  const cell = h("div", { class: "cell-stack" });
  if (!user.phoneNumber) {
    cell.append(h("span", { class: "muted" }, t("noPhone")),
      h("span", { class: "cell-actions" }, actionButton(t("addPhone"), "phone-edit", user, namedFor("addPhoneFor", user))));
    return cell;
  }
  // the full number for an admin who may view the user (the server sends it only then), else the masked one
  const line = h("span", { class: "phone-line" }, h("span", { class: "mono phone-number" }, shownNumber(user)));
  const own = isMe(user);
  if (user.phoneVerified) {
    const by = user.phoneVerifiedBy === "self" ? t("phoneConfirmedBySelf")
      : user.phoneVerifiedBy === "admin" ? t("phoneConfirmedByAdmin") : t("phoneConfirmed");
    line.append(h("span", { class: "phone-status phone-confirmed", title: by }, icon("check"),
      h("span", { class: "phone-status-text" }, t("phoneConfirmed")),
      h("span", { class: "visually-hidden" }, " — " + by)));
  } else {
    // an admin never confirms their own number (the server refuses it): the button is off and says why, as text
    const ownHint = "own-number-hint-" + user.id;
    line.append(h("button", {
      type: "button",
      class: "btn btn-small btn-confirm-phone",
      title: own ? null : t("confirmPhoneTitle"),
      disabled: own,
      "aria-label": t("confirmPhoneFor", { user: user.username }) + " — " + t("phoneUnconfirmed") + ". " + (own ? "" : t("confirmPhoneTitle")),
      "aria-describedby": own ? ownHint : null,
      dataset: { action: "phone-confirm", userId: user.id }
    }, icon("check"), h("span", {}, t("confirmPhone"))));
    if (own) {
      line.append(h("span", { class: "muted small disabled-reason own-number-reason", id: ownHint }, t("ownNumber")));
    }
  }
  cell.append(line, phoneProblemNote(user) || "", h("span", { class: "cell-actions" },
    actionButton(t("changePhone"), "phone-edit", user, namedFor("changePhoneFor", user)),
    actionButton(t("removePhone"), "phone-remove", user, namedFor("removePhoneFor", user))));
  return cell;
}

function shownNumber(user) {
  return user.phoneNumberE164 || user.phoneNumber;
}

function appCell(user) {
  // a disabled button takes no focus, so its reason is visible text beside it, not only a tooltip
  const hintId = "reset-device-hint-" + user.id;
  return h("div", { class: "cell-stack" },
    h("span", { class: user.totpConfigured ? "app-status app-on" : "app-status muted" },
      user.totpConfigured ? icon("check") : null,
      user.totpConfigured ? t("appConfigured") : t("appNotConfigured")),
    h("span", { class: "cell-actions" },
      h("button", {
        type: "button",
        class: "btn btn-small btn-secondary-danger reset-device",
        disabled: !user.totpConfigured,
        "aria-label": t("resetDeviceFor", { user: user.username }),
        "aria-describedby": user.totpConfigured ? null : hintId,
        dataset: { action: "reset-device", userId: user.id }
      }, t("resetDevice")),
      user.totpConfigured ? null : h("span", { class: "muted small disabled-reason", id: hintId }, t("resetDeviceDisabled"))));
}

/** "Locked until 14:20" and an Unlock button while too many wrong codes lock the user's second factor. */
function lockLine(user) {
  if (!user.lockedUntil || new Date(user.lockedUntil).getTime() <= Date.now()) {
    return null;
  }
  const time = new Date(user.lockedUntil).toLocaleString(document.documentElement.lang || undefined,
    { dateStyle: "short", timeStyle: "short" });
  return h("span", { class: "lock-line", title: t("lockedTitle") },
    h("span", { class: "lock-status" }, t("lockedUntil", { time })),
    h("span", { class: "cell-actions" }, actionButton(t("unlock"), "unlock", user)));
}

function renderUsers() {
  const u = state.users;
  const body = $("users-body");
  if (!u.list.length) {
    body.replaceChildren(h("tr", { class: "empty-row" },
      h("td", { colspan: "4", class: "muted" }, u.loaded ? (u.search ? t("usersNoneSearch", { search: u.search }) : t("usersNone")) : t("loading"))));
  } else {
    body.replaceChildren(...u.list.map((user) => h("tr", { dataset: { userId: user.id, username: user.username } },
      h("td", { "data-label": t("colUser") },
        h("div", { class: "cell-stack" },
          h("span", { class: "user-name" }, user.username),
          displayName(user) ? h("span", { class: "muted small" }, displayName(user)) : null,
          lockLine(user))),
      h("td", { "data-label": t("colEmail"), class: "cell-email" }, user.email || h("span", { class: "muted" }, "—")),
      h("td", { "data-label": t("colPhone") }, phoneCell(user)),
      h("td", { "data-label": t("colApp") }, appCell(user)))));
  }
  const range = { from: u.first + 1, to: u.first + u.list.length, total: u.total };
  $("users-range").textContent = !u.list.length ? ""
    : (typeof u.total === "number" ? t("usersRangeTotal", range) : t("usersRange", range));
  $("users-prev").disabled = u.first === 0;
  $("users-next").disabled = !u.hasMore;
}

function userById(id) {
  return state.users.list.find((u) => u.id === id);
}

async function userAction(run, user, doneKey, focusSelector) {
  clearAlert($("users-status"));
  try {
    await run();
    showAlert($("users-status"), "success", () => t(doneKey, { user: user.username }));
  } catch (e) {
    const error = later(e);
    showAlert($("users-status"), "danger", () => user.username + ": " + error());
  }
  await loadUsers(focusSelector);
}

async function onUsersClick(event) {
  const button = event.target.closest("button[data-action]");
  if (!button || button.disabled) {
    return;
  }
  const user = userById(button.dataset.userId);
  if (!user) {
    return;
  }
  const base = realmPath() + "/twofactor/users/" + encodeURIComponent(user.id);
  const again = `button[data-action="${button.dataset.action}"][data-user-id="${CSS.escape(user.id)}"]`;
  switch (button.dataset.action) {
    case "phone-confirm":
      if (await confirmDialog({
        title: t("confirmPhoneDialogTitle"),
        text: t("confirmPhoneDialogText", { phone: shownNumber(user), user: user.username }),
        ok: t("confirmPhone")
      })) {
        await userAction(() => api.post(base + "/phone/confirm"), user, "phoneConfirmedDone", again);
      }
      break;
    case "phone-edit":
      openPhoneDialog(user, base, button);
      break;
    case "phone-remove":
      if (await confirmDialog({
        title: t("removePhoneTitle"),
        text: t("removePhoneText", { phone: shownNumber(user), user: user.username }),
        ok: t("removePhone"),
        danger: true
      })) {
        await userAction(() => api.delete(base + "/phone"), user, "phoneRemoved",
          `button[data-action="phone-edit"][data-user-id="${CSS.escape(user.id)}"]`);
      }
      break;
    case "unlock":
      await userAction(() => api.delete(base + "/lock"), user, "unlockDone",
        `tr[data-user-id="${CSS.escape(user.id)}"] .user-name`);
      break;
    case "reset-device":
      if (await confirmDialog({
        title: t("resetDeviceTitle"),
        text: t("resetDeviceText", { user: user.username }),
        ok: t("resetDevice"),
        danger: true
      })) {
        await userAction(() => api.delete(base + "/totp"), user, "resetDeviceDone", again);
      }
      break;
    default:
      break;
  }
}

let phoneTarget = null;

function openPhoneDialog(user, base, opener) {
  phoneTarget = { user, base, opener };
  live($("phone-title"), () => {
    $("phone-title").textContent = t(user.phoneNumber ? "phoneDialogChange" : "phoneDialogAdd", { user: user.username, phone: shownNumber(user) });
  });
  const input = $("phone-input");
  // the stored number to edit, when the admin may see it in full; otherwise a change is typed in full
  input.value = user.phoneNumberE164 || "";
  input.removeAttribute("aria-invalid");
  const error = $("phone-error");
  error.hidden = true;
  error.textContent = "";
  $("phone-dialog").showModal();
  input.focus();
  input.select();
}

function closePhoneDialog() {
  $("phone-dialog").close();
}

async function savePhone(event) {
  event.preventDefault();
  if (!phoneTarget) {
    return;
  }
  const { user, base } = phoneTarget;
  const input = $("phone-input");
  const error = $("phone-error");
  const button = $("phone-save");
  button.disabled = true;
  try {
    await api.put(base + "/phone", { phoneNumber: input.value.trim() });
    closePhoneDialog();
    showAlert($("users-status"), "success", () => t("phoneSaved", { user: user.username }));
    await loadUsers(`button[data-action="phone-edit"][data-user-id="${CSS.escape(user.id)}"]`);
  } catch (e) {
    const message = later(e);
    live(error, () => {
      error.textContent = message();
    });
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } finally {
    button.disabled = false;
  }
}

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
  $("realm-select").addEventListener("change", (e) => {
    try {
      localStorage.setItem(REALM_CHOICE, e.target.value);
    } catch (err) {
      // not remembered
    }
    selectRealm(e.target.value);
  });
  wireSettings();
  $("deauthorize").addEventListener("click", deauthorize);
  caps.wire();
  $("user-search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    clearAlert($("users-status"));
    state.users.search = $("user-search").value.trim();
    state.users.first = 0;
    loadUsers();
  });
  $("users-prev").addEventListener("click", () => {
    state.users.first = Math.max(0, state.users.first - state.users.max);
    loadUsers(["#users-prev", "#users-next"]);
  });
  $("users-next").addEventListener("click", () => {
    state.users.first += state.users.max;
    loadUsers(["#users-next", "#users-prev"]);
  });
  $("users-body").addEventListener("click", onUsersClick);
  $("phone-form").addEventListener("submit", savePhone);
  $("phone-cancel").addEventListener("click", closePhoneDialog);
  $("phone-dialog").addEventListener("close", () => {
    const target = phoneTarget;
    phoneTarget = null;
    if (target && target.opener && document.contains(target.opener)) {
      target.opener.focus();
    }
  });
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
