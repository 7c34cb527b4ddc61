<#import "template.ftl" as layout>
<#include "twofactor-username.ftl">
<#include "twofactor-message-guard.ftl">
<#--
  Confirm-phone action (keycloak-twofactor, kc_action=twofactor-confirm-phone).
  Attributes: twofactorPhoneState ("enter" | "confirmed" | "unpin": the question before unpinning), twofactorPhoneMasked
  (masked number, for "confirmed" and "unpin"),
  twofactorPhoneValue (the unconfirmed number to prefill, the user's own, for "enter").
  Renders under keycloak.v2 and the legacy keycloak theme: imports template.ftl only.
-->
<#assign tfState = (twofactorPhoneState!"enter")?string>
<#assign tfHasError = messagesPerField.existsError('phoneNumber')>
<#assign tfPf5 = properties.kcFormGroupLabelClass??>
<@layout.registrationLayout displayMessage=!tfHasError; section>
    <#if section = "header">
        ${msg("twofactorPhoneTitle")}
    <#elseif section = "form">
        <!-- template: twofactor-phone.ftl -->
        <style>
            /* keycloak.v2's "Restart login" tooltip is wider than a phone; the icon alone stays */
            @media (max-width: 767px) { .kc-login-tooltip .kc-tooltip-text { display: none; } }
            .twofactor-actions { display: flex; flex-direction: column; gap: 0.75rem; margin-top: 1rem; }
            .twofactor-actions > * { width: 100%; margin: 0; }
            .twofactor-confirmed { display: inline-block; margin-left: 0.5rem; padding: 0.1rem 0.5rem; border-radius: 1rem;
                background: #317a29; color: #fff; /* 5.3:1 */ font-size: 0.875rem; font-weight: 600; }
            .twofactor-phone-number { font-size: 1.25rem; font-weight: 600; letter-spacing: 0.05em; }
        </style>
        <form id="kc-twofactor-phone-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <#if tfState == "confirmed">
                <p id="twofactor-phone-confirmed">
                    <span class="twofactor-phone-number">${twofactorPhoneMasked!""}</span>
                    <span class="twofactor-confirmed" id="twofactor-phone-confirmed-mark">&#10003; ${msg("twofactorPhoneConfirmed")}</span>
                </p>
                <p>${msg("twofactorPhoneConfirmedIntro")}</p>
                <div class="twofactor-actions">
                    <button id="twofactor-phone-done" name="done" value="true" type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofactorPhoneDone")}</button>
                    <button id="twofactor-phone-unpin" name="unpin" value="true" type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!'pf-m-secondary'} ${properties.kcButtonBlockClass!}">${msg("twofactorPhoneUnpin")}</button>
                </div>
            <#elseif tfState == "unpin">
                <p id="twofactor-phone-confirmed">
                    <span class="twofactor-phone-number">${twofactorPhoneMasked!""}</span>
                    <span class="twofactor-confirmed" id="twofactor-phone-confirmed-mark">&#10003; ${msg("twofactorPhoneConfirmed")}</span>
                </p>
                <p id="twofactor-unpin-question"><strong>${msg("twofactorPhoneUnpinQuestion")}</strong></p>
                <p>${msg("twofactorPhoneUnpinConsequence")}</p>
                <div class="twofactor-actions">
                    <button id="twofactor-phone-unpin-confirm" name="unpin-confirmed" value="true" type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofactorPhoneUnpinConfirm")}</button>
                    <button id="twofactor-phone-keep" name="keep" value="true" type="submit" autofocus
                            class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!(properties.kcButtonDefaultClass!"")} ${properties.kcButtonBlockClass!}">${msg("twofactorPhoneKeep")}</button>
                </div>
            <#else>
                <p>${msg("twofactorPhoneIntro")}</p>
                <#-- the same field and error markup as twofactor-code.ftl: PatternFly 5 under keycloak.v2, the theme's classes otherwise -->
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormGroupLabelClass!} ${properties.kcLabelWrapperClass!}">
                        <label for="phoneNumber" class="${properties.kcFormLabelClass!(properties.kcLabelClass!"")}">
                            <span class="${properties.kcFormLabelTextClass!}">${msg("twofactorPhoneNumberLabel")}</span>
                        </label>
                    </div>
                    <div class="${properties.kcInputWrapperClass!}">
                        <#if tfPf5><span class="${properties.kcInputClass!} <#if tfHasError>${properties.kcError!}</#if>"></#if>
                        <input id="phoneNumber" name="phoneNumber" type="tel" autocomplete="tel" inputmode="tel"
                               value="${(twofactorPhoneValue!"")}" placeholder="+14155550100" autofocus dir="ltr"
                               class="<#if !tfPf5>${properties.kcInputClass!}</#if>" aria-invalid="<#if tfHasError>true<#else>false</#if>"
                               <#if tfHasError>aria-describedby="input-error-phone"</#if>/>
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
                                        <span id="input-error-phone" class="${properties.kcInputErrorMessageClass!}">${kcSanitize(messagesPerField.get('phoneNumber'))?no_esc}</span>
                                    </div>
                                </div>
                            </div>
                        </#if>
                    </div>
                </div>
                <div class="twofactor-actions">
                    <button id="twofactor-phone-send" name="send" value="true" type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofactorPhoneSend")}</button>
                </div>
            </#if>
            <#if isAppInitiatedAction??>
                <div class="twofactor-actions">
                    <button id="twofactor-cancel" name="cancel-aia" value="true" type="submit" formnovalidate
                            class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!}">${msg("doCancel")}</button>
                </div>
            </#if>
        </form>
    </#if>
</@layout.registrationLayout>
