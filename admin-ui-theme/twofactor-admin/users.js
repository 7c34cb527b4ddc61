// The users card: a page of the realm's users (search, previous, next) and what an admin does to one of them —
// confirm, change or remove the phone number, unlock, reset the authenticator app. The server decides; each action
// ends with its answer in a banner and the table loaded again, the keyboard back on the button it was on.

import { t } from "./i18n.js";
import { $, showAlert, clearAlert, confirmDialog } from "./dom.js";
import { state, realmPath } from "./state.js";
import { api, later } from "./session.js";
import { renderUsers, shownNumber } from "./user-rows.js";
import { openPhoneDialog, wirePhoneDialog } from "./phone-dialog.js";

export async function loadUsers(focusAfter) {
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
      openPhoneDialog(user, base, button, loadUsers);
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

export function wireUsers() {
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
  wirePhoneDialog();
}
