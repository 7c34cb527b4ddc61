<#import "template.ftl" as layout>
<#include "twofactor-username.ftl">
<#include "twofactor-message-guard.ftl">
<#--
  Code entry for every second-factor channel (keycloak-twofactor).
  Renders under keycloak.v2 (PatternFly 5) and the legacy keycloak theme: imports template.ftl only and
  takes class names from theme.properties with fallbacks.
  Attributes: twofactorChannel ("totp" | "email" | "sms"), twofactorDestination (masked, optional),
  twofactorResendAllowed (boolean, optional), twofactorResendIn (seconds, optional),
  twofactorCodeLength (int, optional: sets maxlength), twofactorSentAt / twofactorValidUntil (server-local "HH:mm" of
  the user's live code, optional: "We sent a code to … at 14:02. It is valid until 14:07."), twofactorLiveCode
  (boolean, optional: false = no code works now, so no "We sent a code" line and no code field), twofactorCapRefusal
  (boolean, optional: true = a send was refused by an hourly cap, whose words are the page's message; no "We sent" line),
  twofactorDeliveryFailed (boolean: the last send failed, shown at once), twofactorDeliveryStatusUrl (the send is pending:
  the page polls this same-origin URL and shows the failure without a reload).
-->
<#assign tfChannel = (twofactorChannel!"totp")?string>
<#assign tfPf5 = properties.kcFormGroupLabelClass??>
<#assign tfHasError = messagesPerField.existsError('code')>
<#assign tfResendAllowed = false>
<#if twofactorResendAllowed??>
    <#if twofactorResendAllowed?is_boolean>
        <#assign tfResendAllowed = twofactorResendAllowed>
    <#elseif twofactorResendAllowed?is_string>
        <#assign tfResendAllowed = (twofactorResendAllowed == "true")>
    </#if>
</#if>
<#if tfChannel == "totp"><#assign tfResendAllowed = false></#if>
<#assign tfLiveCode = !(twofactorLiveCode?? && twofactorLiveCode?is_boolean && !twofactorLiveCode) || tfChannel == "totp">
<#assign tfInstruction = tfLiveCode && !(twofactorCapRefusal?? && twofactorCapRefusal?is_boolean && twofactorCapRefusal)>
<#assign tfResendIn = 0>
<#if twofactorResendIn??>
    <#if twofactorResendIn?is_number>
        <#assign tfResendIn = twofactorResendIn>
    <#elseif twofactorResendIn?is_string && twofactorResendIn?matches("[0-9]+")>
        <#assign tfResendIn = twofactorResendIn?number>
    </#if>
</#if>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('code'); section>
    <#if section = "header">
        <#if tfChannel == "email">${msg("twofactorTitleEmail")}<#elseif tfChannel == "sms">${msg("twofactorTitleSms")}<#else>${msg("twofactorTitleTotp")}</#if>
    <#elseif section = "form">
        <!-- template: twofactor-code.ftl -->
        <style>
            @media (max-width: 767px) { .kc-login-tooltip .kc-tooltip-text { display: none; } }
            .twofactor-instruction { margin: 0 0 1rem 0; }
            /* no fading: small text keeps the page's full text colour (4.5:1 at least, axe) */
            .twofactor-hint { margin: 0.75rem 0 0 0; font-size: 0.875em; }
            <#if !tfPf5>.twofactor-hint { color: #151515; }</#if>
            <#-- the theme's alert class sets display, which would show a [hidden] alert: hidden must win -->
            #twofactor-delivery-failed[hidden] { display: none !important; }
            <#if !tfPf5>#twofactor-delivery-failed, #twofactor-delivery-failed p { color: #151515; }</#if>
            .twofactor-actions { display: flex; flex-direction: column; gap: 0.75rem; }
            .twofactor-actions > * { width: 100%; margin: 0; }
            .twofactor-code-input { font-variant-numeric: tabular-nums; letter-spacing: 0.15em; }
            .twofactor-visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
                overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
        </style>

        <#if tfInstruction>
        <p id="twofactor-instruction" class="twofactor-instruction">
            <#if tfChannel == "email">
                <#if (twofactorDestination!"")?has_content && (twofactorSentAt!"")?has_content>${msg("twofactorInstructionEmailAt", twofactorDestination, twofactorSentAt, twofactorValidUntil!"")}
                <#elseif (twofactorDestination!"")?has_content>${msg("twofactorInstructionEmail", twofactorDestination)}<#else>${msg("twofactorInstructionEmailGeneric")}</#if>
            <#elseif tfChannel == "sms">
                <#if (twofactorDestination!"")?has_content && (twofactorSentAt!"")?has_content>${msg("twofactorInstructionSmsAt", twofactorDestination, twofactorSentAt, twofactorValidUntil!"")}
                <#elseif (twofactorDestination!"")?has_content>${msg("twofactorInstructionSms", twofactorDestination)}<#else>${msg("twofactorInstructionSmsGeneric")}</#if>
            <#else>
                ${msg("twofactorInstructionTotp")}
            </#if>
        </p>
        </#if>
        <#assign tfDeliveryFailed = (twofactorDeliveryFailed!false)?is_boolean && (twofactorDeliveryFailed!false)>
        <#if tfDeliveryFailed || (twofactorDeliveryStatusUrl!"")?has_content>
            <div id="twofactor-delivery-failed" class="${properties.kcAlertClass!} pf-m-danger" role="alert" <#if !tfDeliveryFailed>hidden data-status-url="${twofactorDeliveryStatusUrl}"</#if>>
                <p class="${properties.kcAlertTitleClass!}">${msg("twofactorDeliveryFailed")}</p>
            </div>
        </#if>

        <form id="kc-twofactor-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <#if tfLiveCode>
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
                           autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]*"
                           <#if twofactorCodeLength?? && twofactorCodeLength?is_number>maxlength="${twofactorCodeLength?c}"</#if>
                           title="${msg("twofactorCodeMissing")}"
                           autofocus aria-required="true" spellcheck="false" dir="ltr"
                           <#if tfInstruction || tfHasError>aria-describedby="<#if tfInstruction>twofactor-instruction</#if><#if tfHasError> input-error-code</#if>"</#if>
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
            </#if>

            <div class="${properties.kcFormGroupClass!}">
                <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!} twofactor-actions">
                    <#if tfLiveCode>
                    <button id="kc-login" name="login" type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg((twofactorSubmitLabel!"twofactorSubmit")?string)}</button>
                    </#if>
                    <#if tfResendAllowed>
                        <#if tfResendIn gt 0>
                            <button id="twofactor-resend" name="resend" value="true" type="submit" formnovalidate disabled
                                    class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!'pf-m-secondary'} ${properties.kcButtonBlockClass!}"
                                    data-resend-in="${tfResendIn?c}"
                                    data-label-wait="${msg("twofactorResendIn", "{0}")}"
                                    data-label-ready="${msg("twofactorResend")}"
                                    data-announce-ready="${msg("twofactorResendReady")}"><span id="twofactor-resend-label">${msg("twofactorResendIn", tfResendIn?c)}</span></button>
                        <#else>
                            <button id="twofactor-resend" name="resend" value="true" type="submit" formnovalidate
                                    class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!'pf-m-secondary'} ${properties.kcButtonBlockClass!}"><span id="twofactor-resend-label">${msg("twofactorResend")}</span></button>
                        </#if>
                    </#if>
                    <#if isAppInitiatedAction??>
                        <button id="twofactor-cancel" name="cancel-aia" value="true" type="submit" formnovalidate
                                class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!(properties.kcButtonDefaultClass!"")} ${properties.kcButtonBlockClass!}">${msg("twofactorCancel")}</button>
                    </#if>
                </div>
            </div>
            <#if tfResendAllowed>
                <div id="twofactor-resend-status" class="twofactor-visually-hidden" role="status" aria-live="polite"></div>
                <#if tfChannel == "email"><p class="twofactor-hint">${msg("twofactorEmailHint")}</p></#if>
            </#if>
        </form>

        <#if tfResendAllowed && tfResendIn gt 0>
        <script type="module">
            const button = document.querySelector("button[name='resend'][data-resend-in]");
            if (button) {
                const label = document.getElementById("twofactor-resend-label");
                const status = document.getElementById("twofactor-resend-status");
                const total = parseInt(button.dataset.resendIn, 10) || 0;
                const deadline = Date.now() + total * 1000;
                const tick = () => {
                    if (button.dataset.deliveryFailed) {
                        return;
                    }
                    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
                    if (left > 0) {
                        label.textContent = button.dataset.labelWait.replace("{0}", String(left));
                        setTimeout(tick, ((deadline - Date.now()) % 1000 || 1000) + 20);
                    } else {
                        button.disabled = false;
                        label.textContent = button.dataset.labelReady;
                        if (status) {
                            status.textContent = button.dataset.announceReady;
                        }
                    }
                };
                tick();
            }
        </script>
        </#if>
        <#if !tfDeliveryFailed && (twofactorDeliveryStatusUrl!"")?has_content>
        <script type="module">
            // the code goes out after this page was sent: ask (same origin) how it went, and say so if it failed
            const failed = document.getElementById("twofactor-delivery-failed");
            const until = Date.now() + 70000;
            const poll = async () => {
                try {
                    const answer = await fetch(failed.dataset.statusUrl, {credentials: "same-origin", cache: "no-store"});
                    const state = answer.ok ? (await answer.json()).state : null;
                    if (state === "sent" || answer.status === 404) {
                        return;
                    }
                    if (state === "failed") {
                        failed.hidden = false;
                        const button = document.querySelector("button[name='resend']");
                        if (button) {
                            button.dataset.deliveryFailed = "true";
                            button.disabled = false;
                            const label = document.getElementById("twofactor-resend-label");
                            if (label) {
                                label.textContent = button.dataset.labelReady || label.textContent;
                            }
                        }
                        return;
                    }
                } catch (e) {
                    // the next try may get through
                }
                if (Date.now() < until) {
                    setTimeout(poll, 1000);
                }
            };
            setTimeout(poll, 300);
        </script>
        </#if>
    </#if>
</@layout.registrationLayout>
