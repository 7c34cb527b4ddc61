<#import "template.ftl" as layout>
<#include "twofactor-username.ftl">
<#include "twofactor-message-guard.ftl">
<#--
  Authenticator app enrollment (keycloak-twofactor).
  Renders under keycloak.v2 (PatternFly 5) and the legacy keycloak theme: imports template.ftl only.
  Attributes: twofactorQr (base64 PNG), twofactorSecret (key grouped by 4), twofactorIssuer, twofactorAccount,
  twofactorCodeLength (int, optional: digits the app shows, e.g. the realm OTP policy digits),
  twofactorKeyUri (the otpauth:// URI of the QR code, optional: a link for a phone that holds the app).
-->
<#assign tfPf5 = properties.kcFormGroupLabelClass??>
<#assign tfHasError = messagesPerField.existsError('code')>
<#assign tfDigits = 0>
<#if twofactorCodeLength?? && twofactorCodeLength?is_number><#assign tfDigits = twofactorCodeLength></#if>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('code'); section>
    <#if section = "header">
        ${msg("twofactorTitleEnroll")}
    <#elseif section = "form">
        <!-- template: twofactor-totp-enroll.ftl -->
        <style>
            @media (max-width: 767px) { .kc-login-tooltip .kc-tooltip-text { display: none; } }
            ol.twofactor-steps { list-style: decimal outside; padding-inline-start: 1.5rem; margin: 0 0 1.25rem 0; }
            ol.twofactor-steps > li { margin: 0 0 1rem 0; padding-inline-start: 0.25rem; }
            ol.twofactor-steps > li > p { margin: 0 0 0.5rem 0; }
            ul.twofactor-apps { list-style: disc outside; padding-inline-start: 1.25rem; margin: 0; }
            .twofactor-qr-wrap { margin: 0.5rem 0 0.75rem 0; }
            #twofactor-qr { display: block; width: 200px; max-width: 100%; height: auto; background: #fff; padding: 8px;
                border-radius: 4px; image-rendering: pixelated; }
            #twofactor-secret { display: inline-block; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
                font-size: 1.05em; line-height: 1.6; padding: 0.25rem 0.5rem; border-radius: 4px; word-break: break-word;
                overflow-wrap: anywhere; user-select: all; -webkit-user-select: all; background: rgba(127, 127, 127, 0.15); color: inherit; }
            <#-- the legacy theme greys code text (3.9:1 on this background): dark text there; keycloak.v2 inherits (dark mode) -->
            <#if !tfPf5>#twofactor-secret { color: #151515; }</#if>
            <#-- and its link blue is 3.9:1 on white (axe): PatternFly 3's darker link blue, 6.3:1 -->
            <#if !tfPf5>#twofactor-otpauth-link { color: #00659c; }</#if>
            dl.twofactor-key-details { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.75rem; margin: 0.5rem 0 0 0; }
            dl.twofactor-key-details dt { font-weight: 600; margin: 0; }
            dl.twofactor-key-details dd { margin: 0; overflow-wrap: anywhere; }
            .twofactor-actions { display: flex; flex-direction: column; gap: 0.75rem; }
            .twofactor-actions > * { width: 100%; margin: 0; }
            .twofactor-code-input { font-variant-numeric: tabular-nums; letter-spacing: 0.15em; }
        </style>

        <ol id="twofactor-enroll-steps" class="${properties.kcListClass!} twofactor-steps">
            <li>
                <p>${msg("twofactorEnrollStep1")}</p>
                <ul class="twofactor-apps">
                    <li>${msg("twofactorAppGoogle")}</li>
                    <li>${msg("twofactorAppYandex")}</li>
                    <li>${msg("twofactorAppMicrosoft")}</li>
                    <li>${msg("twofactorAppFreeOtp")}</li>
                </ul>
            </li>
            <li>
                <p>${msg("twofactorEnrollStep2")}</p>
                <div class="twofactor-qr-wrap">
                    <img id="twofactor-qr" src="data:image/png;base64,${twofactorQr}" alt="${msg("twofactorQrAlt")}" width="200" height="200">
                </div>
                <#if (twofactorKeyUri!"")?has_content>
                <#-- on the phone that holds the app the QR cannot be scanned: the otpauth:// link hands the key to the app -->
                <p class="twofactor-open-in-app"><a id="twofactor-otpauth-link" href="${twofactorKeyUri}">${msg("twofactorOpenInApp")}</a></p>
                </#if>
                <p>${msg("twofactorEnrollManual")}</p>
                <p><code id="twofactor-secret" dir="ltr">${twofactorSecret}</code></p>
                <dl class="twofactor-key-details">
                    <#if (twofactorIssuer!"")?has_content>
                        <dt>${msg("twofactorEnrollIssuer")}</dt>
                        <dd id="twofactor-issuer">${twofactorIssuer}</dd>
                    </#if>
                    <#if (twofactorAccount!"")?has_content>
                        <dt>${msg("twofactorEnrollAccount")}</dt>
                        <dd id="twofactor-account">${twofactorAccount}</dd>
                    </#if>
                    <dt>${msg("twofactorEnrollKeyType")}</dt>
                    <dd>${msg("twofactorEnrollKeyTypeTime")}</dd>
                </dl>
            </li>
            <li>
                <p id="twofactor-enroll-step3"><#if tfDigits gt 0>${msg("twofactorEnrollStep3", tfDigits?c)}<#else>${msg("twofactorEnrollStep3Generic")}</#if></p>
            </li>
        </ol>

        <form id="kc-twofactor-enroll-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!} ${properties.kcLabelWrapperClass!}">
                    <label for="code" class="${properties.kcFormLabelClass!(properties.kcLabelClass!"")}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("twofactorCodeLabel")}</span>
                    </label>
                </div>
                <div class="${properties.kcInputWrapperClass!}">
                    <#if tfPf5><span class="${properties.kcInputClass!} <#if tfHasError>${properties.kcError!}</#if>"></#if>
                    <input id="code" name="code" type="text" value=""
                           class="twofactor-code-input <#if !tfPf5>${properties.kcInputClass!}</#if>"
                           autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]*"<#if tfDigits gt 0> maxlength="${tfDigits?c}"</#if>
                           title="${msg("twofactorCodeMissing")}"
                           autofocus aria-required="true" spellcheck="false" dir="ltr"
                           aria-describedby="twofactor-enroll-step3<#if tfHasError> input-error-code</#if>"
                           aria-invalid="<#if tfHasError>true<#else>false</#if>"/>
                    <#if tfPf5>
                        <#if tfHasError>
                        <span class="${properties.kcFormControlUtilClass!}">
                            <span class="${properties.kcInputErrorIconStatusClass!}">
                                <i class="${properties.kcInputErrorIconClass!}" aria-hidden="true"></i>
                            </span>
                        </span>
                        </#if>
                    </span>
                    </#if>
                    <#if tfHasError>
                        <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
                            <div class="${properties.kcInputHelperTextClass!}">
                                <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}">
                                    <span id="input-error-code" class="${properties.kcInputErrorMessageClass!}">${messagesPerField.get('code')}</span>
                                </div>
                            </div>
                        </div>
                    </#if>
                </div>
            </div>

            <div class="${properties.kcFormGroupClass!}">
                <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!} twofactor-actions">
                    <button id="kc-login" name="login" type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg("twofactorCompleteSetup")}</button>
                    <#if isAppInitiatedAction??>
                        <button id="twofactor-cancel" name="cancel-aia" value="true" type="submit" formnovalidate
                                class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!(properties.kcButtonDefaultClass!"")} ${properties.kcButtonBlockClass!}">${msg("twofactorCancel")}</button>
                    </#if>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
