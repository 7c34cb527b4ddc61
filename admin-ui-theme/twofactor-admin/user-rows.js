// The users table's rows: name, email, phone (with confirm, change, remove), the authenticator app (reset) and a
// lock line with Unlock. Buttons carry data-action and data-user-id; users.js acts on their clicks.

import { t } from "./i18n.js";
import { phoneProblemNote } from "./phones.js";
import { $, h, icon } from "./dom.js";
import { state, isMe } from "./state.js";

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

export function shownNumber(user) {
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

export function renderUsers() {
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
