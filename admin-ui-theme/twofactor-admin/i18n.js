// Every word the Security page shows, in English and Russian. {name} marks a value filled in at run time.

export const MESSAGES = {
  en: {
    appTitle: "Security",
    skipToContent: "Skip to content",
    language: "Language",
    loading: "Loading…",
    signIn: "Sign in",
    signInAgain: "Sign in again",
    signOut: "Sign out",
    signInTitle: "Security settings",
    signInText: "Sign in with your Keycloak administrator account.",
    signedOutText: "You have signed out.",
    sessionEnded: "Your session has ended. Sign in again to go on.",
    signInFailed: "Sign-in failed: {reason}",
    signInStateMismatch: "The sign-in answer did not match this browser tab. Please sign in again.",
    notThisPage: "This address is not a Security page. Open /realms/<realm>/twofactor-admin/.",
    pageTitle: "Two-factor login",
    pageIntro: "How users of this realm prove it is them after the password.",
    realmLabel: "Realm: {realm}",
    realm: "Realm",
    realmHint: "As an administrator of the master realm you manage the settings of any realm.",
    noRealms: "Your account does not administer any realm.",
    settingsTitle: "Second factor",
    methodLegend: "Method",
    methodNone: "Off",
    methodNoneHint: "Password only.",
    methodEmail: "Email code",
    methodEmailHint: "A one-time code is emailed after the password.",
    methodTotp: "Authenticator app",
    methodTotpHint: "A code from an app such as Google Authenticator; users scan a QR code at their first sign-in.",
    methodSms: "SMS",
    methodSmsHint: "A code by text message to the user's confirmed phone number.",
    smsNotActivated: "Not available: SMS is not activated for this realm. Support (an administrator of the master realm) activates it.",
    smsNoGateway: "Not available: no SMS gateway is configured on this server.",
    codesLegend: "Codes sent by email or SMS",
    codeLength: "Code length (digits)",
    codeLengthHint: "6 to 10",
    codeTtlSeconds: "Code lifetime (seconds)",
    codeTtlSecondsHint: "60 to 600",
    resendCooldownSeconds: "Wait before a resend (seconds)",
    resendCooldownSecondsHint: "1 to 3600; the n-th resend waits n times this",
    maxResends: "Resends per sign-in",
    maxResendsHint: "0 to 100",
    maxCodeAttempts: "Wrong codes before a lock",
    maxCodeAttemptsHint: "1 to 10, per user across sign-ins; then the user's second factor is locked",
    lockoutSeconds: "Lock after too many wrong codes (seconds)",
    lockoutSecondsHint: "60 to 86400",
    allowAppOptIn: "Users may switch to an authenticator app",
    allowAppOptInHint: "Under “Email code”, a user may choose an authenticator app instead.",
    ipAllowlist: "Allowed IP addresses",
    ipAllowlistPlaceholder: "For example:\n192.0.2.0/24\n2001:db8::/32",
    ipAllowlistHint: "One address or CIDR range per line, IPv4 or IPv6. Empty: users may sign in from any address.",
    smsActivated: "SMS activated for this realm",
    smsActivatedMaster: "Activated by support: as an administrator of the master realm you can change this.",
    smsActivatedRealmAdmin: "Activated by support: only an administrator of the master realm can change this.",
    firstEnabledAt: "Two-factor login first enabled",
    never: "Never",
    save: "Save",
    saving: "Saving…",
    revert: "Revert",
    saved: "Saved.",
    savedDeauthorized: "Saved. Two-factor login is on. Users signed out: {count}; they sign in again with the second factor.",
    firstEnableTitle: "Turn on two-factor login?",
    firstEnableText: "This is the first time two-factor login is turned on in this realm: every user of the realm except you will be signed out at once, and will sign in again with the second factor.",
    firstEnableOk: "Turn on and sign everybody out",
    fixErrors: "Nothing was saved: {error}",
    deauthorizeTitle: "Sign everybody out",
    deauthorizeText: "Ends every session of every user of this realm, except yours. Their tokens stop working and they sign in again.",
    deauthorize: "Deauthorize",
    deauthorizeConfirmTitle: "Sign out every user?",
    deauthorizeConfirmText: "Every user of realm {realm} except you is signed out at once, in every browser and app.",
    deauthorized: "Users have been successfully deauthorized",
    deauthorizedCount: "Users signed out: {count}.",
    usersTitle: "Users",
    searchLabel: "Search users",
    searchPlaceholder: "Username, email or name",
    search: "Search",
    colUser: "User",
    colEmail: "Email",
    colPhone: "Phone",
    colApp: "Authenticator app",
    previous: "Previous",
    next: "Next",
    usersRange: "Users {from}–{to}",
    usersNone: "No users found.",
    usersNoneSearch: "No users match “{search}”.",
    noPhone: "No number",
    phoneConfirmed: "Confirmed",
    phoneConfirmedBySelf: "Confirmed by the user with an SMS code",
    phoneConfirmedByAdmin: "Confirmed by an administrator",
    phoneUnconfirmed: "Not confirmed",
    confirmPhone: "Confirm",
    confirmPhoneTitle: "Confirm this number without an SMS code. Do it only after checking the number with the user; the user is told by email. Your own number can only be confirmed by SMS.",
    confirmPhoneDialogTitle: "Confirm the phone number?",
    confirmPhoneDialogText: "{phone} of {user} becomes confirmed without an SMS code. The user is told by email.",
    phoneConfirmedDone: "The number of {user} is confirmed.",
    addPhone: "Add number",
    changePhone: "Change",
    removePhone: "Remove",
    phoneDialogAdd: "Add a phone number for {user}",
    phoneDialogChange: "Replace the phone number of {user} ({phone})",
    phoneLabel: "Phone number",
    phoneHint: "International format: + country code and number, e.g. +14155550100. A new number is unconfirmed until the user confirms it by SMS or you confirm it.",
    phoneSaved: "The number of {user} is saved, not confirmed yet.",
    removePhoneTitle: "Remove the phone number?",
    removePhoneText: "{phone} is removed from {user}. Under SMS, the user cannot sign in until a new number is confirmed.",
    phoneRemoved: "The number of {user} is removed.",
    appConfigured: "Set up",
    appNotConfigured: "Not set up",
    resetDevice: "Reset device",
    resetDeviceTitle: "Reset the authenticator app?",
    resetDeviceText: "The app of {user} stops working at once. At the next sign-in they scan a new QR code; they are told by email.",
    resetDeviceDone: "The authenticator app of {user} is reset.",
    resetDeviceDisabled: "No authenticator app is set up.",
    lockedUntil: "Locked until {time}",
    lockedTitle: "Too many wrong codes: the second factor of this user is locked.",
    unlock: "Unlock",
    unlockDone: "The second factor of {user} is unlocked.",
    cancel: "Cancel",
    ok: "OK",
    errNetwork: "The server could not be reached. Check the connection and try again.",
    errForbidden: "Your account is not allowed to do this: it needs the matching Keycloak admin role of this realm (view-realm, manage-realm or manage-users).",
    errUnauthorized: "Your session has ended. Sign in again.",
    errNotFound: "Not found: it may have been deleted meanwhile.",
    errServer: "The server failed (HTTP {status}). Try again; if it keeps failing, look in the server log.",
    errStatus: "The server answered HTTP {status}.",
    errLoadSettings: "The settings could not be loaded: {error}",
    errLoadUsers: "The users could not be loaded: {error}",
    errLoadRealms: "The list of realms could not be loaded: {error}",
    errUnsaved: "You have unsaved changes."
  },
  ru: {
    appTitle: "Безопасность",
    skipToContent: "Перейти к содержимому",
    language: "Язык",
    loading: "Загрузка…",
    signIn: "Войти",
    signInAgain: "Войти снова",
    signOut: "Выйти",
    signInTitle: "Настройки безопасности",
    signInText: "Войдите с учётной записью администратора Keycloak.",
    signedOutText: "Вы вышли.",
    sessionEnded: "Сеанс закончился. Войдите снова, чтобы продолжить.",
    signInFailed: "Не удалось войти: {reason}",
    signInStateMismatch: "Ответ на вход не относится к этой вкладке. Войдите снова.",
    notThisPage: "Этот адрес не страница безопасности. Откройте /realms/<realm>/twofactor-admin/.",
    pageTitle: "Двухфакторный вход",
    pageIntro: "Как пользователи этого realm подтверждают вход после пароля.",
    realmLabel: "Realm: {realm}",
    realm: "Realm",
    realmHint: "Администратор realm master управляет настройками любого realm.",
    noRealms: "Ваша учётная запись не администрирует ни один realm.",
    settingsTitle: "Второй фактор",
    methodLegend: "Способ",
    methodNone: "Выключен",
    methodNoneHint: "Только пароль.",
    methodEmail: "Код по почте",
    methodEmailHint: "После пароля на почту приходит одноразовый код.",
    methodTotp: "Приложение-аутентификатор",
    methodTotpHint: "Код из приложения, например Google Authenticator; при первом входе пользователь сканирует QR-код.",
    methodSms: "SMS",
    methodSmsHint: "Код в SMS на подтверждённый номер телефона пользователя.",
    smsNotActivated: "Недоступно: SMS не подключены для этого realm. Их подключает поддержка (администратор realm master).",
    smsNoGateway: "Недоступно: на сервере не настроен SMS-шлюз.",
    codesLegend: "Коды по почте и SMS",
    codeLength: "Длина кода (цифр)",
    codeLengthHint: "от 6 до 10",
    codeTtlSeconds: "Срок действия кода (секунд)",
    codeTtlSecondsHint: "от 60 до 600",
    resendCooldownSeconds: "Пауза перед повторной отправкой (секунд)",
    resendCooldownSecondsHint: "от 1 до 3600; n-я повторная отправка ждёт в n раз дольше",
    maxResends: "Повторных отправок за вход",
    maxResendsHint: "от 0 до 100",
    maxCodeAttempts: "Неверных кодов до блокировки",
    maxCodeAttemptsHint: "от 1 до 10, на пользователя во всех входах; затем второй фактор пользователя блокируется",
    lockoutSeconds: "Блокировка после неверных кодов (секунд)",
    lockoutSecondsHint: "от 60 до 86400",
    allowAppOptIn: "Пользователи могут перейти на приложение-аутентификатор",
    allowAppOptInHint: "При способе «Код по почте» пользователь может выбрать вместо него приложение.",
    ipAllowlist: "Разрешённые IP-адреса",
    ipAllowlistPlaceholder: "Например:\n192.0.2.0/24\n2001:db8::/32",
    ipAllowlistHint: "Один адрес или диапазон CIDR в строке, IPv4 или IPv6. Пусто — вход с любого адреса.",
    smsActivated: "SMS подключены для этого realm",
    smsActivatedMaster: "Подключает поддержка: вы как администратор realm master можете это изменить.",
    smsActivatedRealmAdmin: "Подключает поддержка: изменить это может только администратор realm master.",
    firstEnabledAt: "Двухфакторный вход впервые включён",
    never: "Никогда",
    save: "Сохранить",
    saving: "Сохранение…",
    revert: "Отменить изменения",
    saved: "Сохранено.",
    savedDeauthorized: "Сохранено. Двухфакторный вход включён. Завершено сеансов пользователей: {count}; они войдут снова со вторым фактором.",
    firstEnableTitle: "Включить двухфакторный вход?",
    firstEnableText: "Двухфакторный вход включается в этом realm впервые: все пользователи realm, кроме вас, сразу выйдут из системы и войдут снова уже со вторым фактором.",
    firstEnableOk: "Включить и завершить все сеансы",
    fixErrors: "Ничего не сохранено: {error}",
    deauthorizeTitle: "Завершить все сеансы",
    deauthorizeText: "Завершает все сеансы всех пользователей этого realm, кроме ваших. Их токены перестают действовать, и они входят снова.",
    deauthorize: "Деавторизовать",
    deauthorizeConfirmTitle: "Завершить сеансы всех пользователей?",
    deauthorizeConfirmText: "Все пользователи realm {realm}, кроме вас, сразу выйдут во всех браузерах и приложениях.",
    deauthorized: "Пользователи успешно деавторизованы",
    deauthorizedCount: "Завершены сеансы пользователей: {count}.",
    usersTitle: "Пользователи",
    searchLabel: "Поиск пользователей",
    searchPlaceholder: "Логин, почта или имя",
    search: "Найти",
    colUser: "Пользователь",
    colEmail: "Почта",
    colPhone: "Телефон",
    colApp: "Приложение-аутентификатор",
    previous: "Назад",
    next: "Далее",
    usersRange: "Пользователи {from}–{to}",
    usersNone: "Пользователи не найдены.",
    usersNoneSearch: "Нет пользователей по запросу «{search}».",
    noPhone: "Нет номера",
    phoneConfirmed: "Подтверждён",
    phoneConfirmedBySelf: "Подтверждён пользователем кодом из SMS",
    phoneConfirmedByAdmin: "Подтверждён администратором",
    phoneUnconfirmed: "Не подтверждён",
    confirmPhone: "Подтвердить",
    confirmPhoneTitle: "Подтвердить номер без кода из SMS. Делайте это, только проверив номер с пользователем; пользователь получит письмо. Свой собственный номер подтверждается только по SMS.",
    confirmPhoneDialogTitle: "Подтвердить номер телефона?",
    confirmPhoneDialogText: "Номер {phone} пользователя {user} станет подтверждённым без кода из SMS. Пользователь получит письмо.",
    phoneConfirmedDone: "Номер пользователя {user} подтверждён.",
    addPhone: "Добавить номер",
    changePhone: "Изменить",
    removePhone: "Удалить",
    phoneDialogAdd: "Номер телефона для {user}",
    phoneDialogChange: "Заменить номер телефона {user} ({phone})",
    phoneLabel: "Номер телефона",
    phoneHint: "Международный формат: + код страны и номер, например +79161234567. Новый номер не подтверждён, пока его не подтвердит пользователь по SMS или вы.",
    phoneSaved: "Номер пользователя {user} сохранён, пока не подтверждён.",
    removePhoneTitle: "Удалить номер телефона?",
    removePhoneText: "Номер {phone} будет удалён у пользователя {user}. При способе SMS пользователь не сможет войти, пока не будет подтверждён новый номер.",
    phoneRemoved: "Номер пользователя {user} удалён.",
    appConfigured: "Настроено",
    appNotConfigured: "Не настроено",
    resetDevice: "Сбросить устройство",
    resetDeviceTitle: "Сбросить приложение-аутентификатор?",
    resetDeviceText: "Приложение пользователя {user} сразу перестанет работать. При следующем входе он отсканирует новый QR-код; ему придёт письмо.",
    resetDeviceDone: "Приложение-аутентификатор пользователя {user} сброшено.",
    resetDeviceDisabled: "Приложение-аутентификатор не настроено.",
    lockedUntil: "Заблокирован до {time}",
    lockedTitle: "Слишком много неверных кодов: второй фактор пользователя заблокирован.",
    unlock: "Разблокировать",
    unlockDone: "Второй фактор пользователя {user} разблокирован.",
    cancel: "Отмена",
    ok: "OK",
    errNetwork: "Сервер недоступен. Проверьте соединение и попробуйте снова.",
    errForbidden: "Вашей учётной записи это не разрешено: нужна соответствующая роль администратора Keycloak в этом realm (view-realm, manage-realm или manage-users).",
    errUnauthorized: "Сеанс закончился. Войдите снова.",
    errNotFound: "Не найдено: возможно, уже удалено.",
    errServer: "Ошибка сервера (HTTP {status}). Попробуйте снова; если ошибка повторяется, посмотрите журнал сервера.",
    errStatus: "Сервер ответил HTTP {status}.",
    errLoadSettings: "Не удалось загрузить настройки: {error}",
    errLoadUsers: "Не удалось загрузить пользователей: {error}",
    errLoadRealms: "Не удалось загрузить список realm: {error}",
    errUnsaved: "Есть несохранённые изменения."
  }
};

export const LANGUAGES = Object.keys(MESSAGES);
const STORAGE_KEY = "twofactor-admin.lang";
let current = "en";

/** ?lang= first, then the choice made on this page before, then the browser's languages. */
export function pickLanguage() {
  const fromUrl = new URLSearchParams(location.search).get("lang");
  if (fromUrl && MESSAGES[fromUrl]) {
    return fromUrl;
  }
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored && MESSAGES[stored]) {
      return stored;
    }
  } catch (e) {
    // storage blocked: fall through
  }
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (MESSAGES[base]) {
      return base;
    }
  }
  return "en";
}

export function setLanguage(lang, remember) {
  current = MESSAGES[lang] ? lang : "en";
  document.documentElement.lang = current;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch (e) {
      // not remembered: fine
    }
  }
}

export function language() {
  return current;
}

/** The text for key with {placeholders} filled in. */
export function t(key, values) {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return values ? text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m)) : text;
}

/** Fills every [data-i18n] element's text and [data-i18n-placeholder] placeholder under root. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  document.title = t("appTitle") + " · Keycloak";
}
