// Send caps on the Security page: the realm's trusted networks (a field of the settings form, sent with Save) and,
// in a card of its own, how many code sends each hourly cap refused in the last hour, beside the cap's limit, so that
// an admin sees at once whether an office is being turned away and by which cap. The server counts (cluster-wide,
// GET .../twofactor/send-refusals, view-realm); this only shows its answer.

import { MESSAGES, t } from "./i18n.js";
import { $, h, alertBox } from "./dom.js";

// this module's words, kept here so that the page's shared dictionary stays untouched
Object.assign(MESSAGES.en, {
  trustedNetworks: "Trusted networks",
  trustedNetworksPlaceholder: "For example:\n203.0.113.0/24",
  trustedNetworksHint: "Your offices' public addresses, one address or CIDR range per line. Codes requested from there (and from the allowed IP addresses above) do not count against the per-address cap, so a team behind one address can sign in; the caps per user and per phone number or email address still hold.",
  capsTitle: "Send caps",
  capsIntro: "Codes sent by email or SMS are capped in any rolling hour. The server's operator sets the limits; this shows how many sends each cap refused in this realm in the last hour.",
  capsColCap: "Cap",
  capsColLimit: "Limit per hour",
  capsColRefused: "Refused in the last hour",
  capsRefresh: "Refresh",
  capsNoLimit: "none",
  capsNoRefusals: "No send was refused in the last hour.",
  capsSomeRefused: "Sends refused in the last hour: {count}.",
  capsLoadError: "The refusal counts could not be loaded: {error}",
  cap_user: "Codes to one user",
  cap_address_texts: "Text messages requested from one network",
  cap_address_emails: "Emails requested from one network",
  cap_destination: "Codes to one phone number or email address",
  cap_confirm_numbers: "Different numbers one user confirms"
});
Object.assign(MESSAGES.ru, {
  trustedNetworks: "Доверенные сети",
  trustedNetworksPlaceholder: "Например:\n203.0.113.0/24",
  trustedNetworksHint: "Внешние адреса ваших офисов, по одному адресу или диапазону CIDR в строке. Коды, запрошенные оттуда (и с разрешённых IP-адресов выше), не учитываются в ограничении на адрес, и команда за одним адресом может войти; ограничения на пользователя и на номер телефона или адрес почты действуют.",
  capsTitle: "Ограничения отправки",
  capsIntro: "Число кодов по почте и SMS за любой скользящий час ограничено. Пределы задаёт оператор сервера; здесь видно, сколько отправок каждое ограничение отклонило в этой области за последний час.",
  capsColCap: "Ограничение",
  capsColLimit: "Предел в час",
  capsColRefused: "Отклонено за последний час",
  capsRefresh: "Обновить",
  capsNoLimit: "нет",
  capsNoRefusals: "За последний час ни одна отправка не отклонена.",
  capsSomeRefused: "За последний час отклонено отправок: {count}.",
  capsLoadError: "Не удалось загрузить число отказов: {error}",
  cap_user: "Коды одному пользователю",
  cap_address_texts: "SMS, запрошенные из одной сети",
  cap_address_emails: "Письма, запрошенные из одной сети",
  cap_destination: "Коды на один номер телефона или адрес почты",
  cap_confirm_numbers: "Разные номера, которые подтверждает один пользователь"
});

/** The trusted networks of the settings answer into the form. */
export function fillCapsSettings(settings) {
  $("trustedNetworks").value = ((settings && settings.trustedNetworks) || []).join("\n");
}

/** The form's trusted networks into a settings PUT body (the server validates each entry). */
export function readCapsSettings(body) {
  body.trustedNetworks = $("trustedNetworks").value.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
}

export class CapsSection {
  /**
   * @param api the page's admin REST client
   * @param realmPath () => "/{realm}"
   * @param describe (error) => words for a person
   */
  constructor({ api, realmPath, describe }) {
    this.api = api;
    this.realmPath = realmPath;
    this.describe = describe;
    this.counts = null;
    this.error = null;
  }

  wire() {
    $("caps-refresh").addEventListener("click", () => this.load());
  }

  /** Asks the server for the counts of the realm now shown. */
  async load() {
    const table = $("caps-table");
    table.setAttribute("aria-busy", "true");
    $("caps-refresh").disabled = true;
    try {
      this.counts = await this.api.get(this.realmPath() + "/twofactor/send-refusals");
      this.error = null;
    } catch (e) {
      this.counts = null;
      this.error = e;
    } finally {
      table.removeAttribute("aria-busy");
      $("caps-refresh").disabled = false;
    }
    this.render();
  }

  /** Draws the last answer (again after a change of language). */
  render() {
    const body = $("caps-rows");
    const status = $("caps-status");
    body.replaceChildren();
    status.replaceChildren();
    if (this.error) {
      status.append(alertBox("danger", t("capsLoadError", { error: this.describe(this.error) }), null, "caps-message"));
      return;
    }
    if (!this.counts) {
      return;
    }
    for (const row of this.counts.caps) {
      const name = h("th", { scope: "row", dataset: { label: t("capsColCap") } }, t("cap_" + row.cap),
        row.option ? [h("br"), h("span", { class: "caps-option mono small" }, row.option)] : null);
      const limit = h("td", { class: "caps-limit", dataset: { label: t("capsColLimit") } },
        row.limit > 0 ? String(row.limit) : t("capsNoLimit"));
      const refused = h("td", { class: "caps-count", dataset: { label: t("capsColRefused") } }, String(row.refused));
      body.append(h("tr", { class: row.refused > 0 ? "caps-refused" : null, dataset: { cap: row.cap } }, name, limit, refused));
    }
    const total = this.counts.total;
    const p = h("p", { id: "caps-summary", class: total > 0 ? "caps-summary hint-warning" : "caps-summary muted" },
      total > 0 ? t("capsSomeRefused", { count: total }) : t("capsNoRefusals"));
    status.append(p);
  }
}
