// Technical support access on the Security page: while it is on, "Support can view this realm until 18:00
// (in 3 h 12 min)" and Stop; while it is off, a duration picker and "Allow access". The server decides everything
// (who may switch it, when it ends); this only shows its answer and counts down to the end it sent.

import { t, language } from "./i18n.js";
import { $, checkedIn, alertBox } from "./dom.js";

const PRESETS = [60, 240, 1440, 4320];
const UNIT_MINUTES = { minutes: 1, hours: 60, days: 1440 };

/** "3 h 12 min", "2 d 4 h", "5 min", "less than a minute": the time left, rounded up to the minute. */
export function timeLeft(ms) {
  const minutes = Math.ceil(ms / 60000);
  if (minutes < 1) {
    return t("supportLessThanMinute");
  }
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [];
  if (d) {
    parts.push(t("supportDays", { n: d }));
  }
  if (h) {
    parts.push(t("supportHours", { n: h }));
  }
  if (m && !d) {
    parts.push(t("supportMinutes", { n: m }));
  }
  return parts.join(" ");
}

/** 18:00 today, otherwise the date too (a 24-hour clock in both languages). */
function endText(until) {
  const sameDay = until.toDateString() === new Date().toDateString();
  const clock = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const options = sameDay ? clock : { day: "numeric", month: "long", ...clock };
  return new Intl.DateTimeFormat(language(), options).format(until);
}

export class SupportSection {
  /**
   * @param api the page's admin REST client
   * @param realmPath () => "/{realm}"
   * @param describe (error) => words for a person (a string, or a function asked again when the language changes)
   */
  constructor({ api, realmPath, describe }) {
    this.api = api;
    this.realmPath = realmPath;
    this.describe = describe;
    this.until = null;
    this.timer = null;
  }

  wire() {
    $("support-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.change(this.chosenMinutes(), $("support-start"));
    });
    $("support-stop").addEventListener("click", () => this.change(0, $("support-stop")));
    $("support-form").addEventListener("change", () => this.syncCustom());
  }

  /** Called whenever the realm's settings are (re)loaded or the language changes. */
  render(settings, realm) {
    const card = $("support-card");
    card.hidden = realm === "master" || !settings || !("supportAccessUntil" in settings);
    if (card.hidden) {
      this.stopTimer();
      return;
    }
    this.until = settings.supportAccessUntil ? new Date(settings.supportAccessUntil) : null;
    this.show();
  }

  show() {
    const on = !!this.until && this.until.getTime() > Date.now();
    $("support-on").hidden = !on;
    $("support-form").hidden = on;
    $("support-card").dataset.support = on ? "on" : "off";
    this.stopTimer();
    if (on) {
      const status = $("support-status");
      status.textContent = t("supportOnUntil", { time: endText(this.until), left: timeLeft(this.until.getTime() - Date.now()) });
      status.dataset.until = this.until.toISOString();
      status.title = this.until.toISOString();
      // the text counts down; at the end the server is asked again (its read ends a window that is over)
      this.timer = setTimeout(() => (this.until.getTime() <= Date.now() ? this.reload() : this.show()),
        Math.min(30000, Math.max(1000, this.until.getTime() - Date.now())));
    } else {
      this.syncCustom();
    }
  }

  stopTimer() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  syncCustom() {
    const custom = $("support-custom").checked;
    $("support-custom-amount").disabled = !custom;
    $("support-custom-unit").disabled = !custom;
  }

  /** Minutes from the picker; a custom amount that is not a whole number goes as it is and the server says why. */
  chosenMinutes() {
    const picked = checkedIn("support-duration");
    if (!picked || picked.value !== "custom") {
      return Number(picked ? picked.value : PRESETS[0]);
    }
    const raw = $("support-custom-amount").value.trim();
    const amount = Number(raw);
    if (raw === "" || !Number.isFinite(amount)) {
      return raw;
    }
    return Math.round(amount * UNIT_MINUTES[$("support-custom-unit").value]);
  }

  async reload() {
    try {
      const settings = await this.api.get(this.realmPath() + "/twofactor/settings");
      this.until = settings.supportAccessUntil ? new Date(settings.supportAccessUntil) : null;
      this.show();
    } catch (e) {
      $("support-alert").replaceChildren(alertBox("danger", this.describe(e), null, "support-message"));
    }
  }

  async change(minutes, button) {
    const area = $("support-alert");
    area.replaceChildren();
    button.disabled = true;
    try {
      const saved = await this.api.put(this.realmPath() + "/twofactor/settings", { supportAccessMinutes: minutes });
      this.until = saved.supportAccessUntil ? new Date(saved.supportAccessUntil) : null;
      this.show();
      area.replaceChildren(alertBox("success", () => t(minutes === 0 ? "supportStopped" : "supportStarted"), null, "support-message"));
      (minutes === 0 ? $("support-start") : $("support-stop")).focus();
    } catch (e) {
      area.replaceChildren(alertBox("danger", this.describe(e), null, "support-message"));
    } finally {
      button.disabled = false;
    }
  }
}
