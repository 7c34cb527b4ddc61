<#import "template.ftl" as layout>
<#include "twofactor-username.ftl">
<#include "twofactor-message-guard.ftl">
<#--
  Shown when the realm requires SMS codes but the user has no confirmed phone number (keycloak-twofactor).
  Renders under keycloak.v2 and the legacy keycloak theme: imports template.ftl only. Optional attributes, when the
  confirmed number on file is one the realm's phone rules now refuse: twofactorPhoneRefused (masked number),
  twofactorPhoneProblem (message key), twofactorPhoneProblemCountry, twofactorPhoneProblemCountries.
  twofactorConfirmNow (masked number): the user's stored number is not confirmed yet and may be texted, so the page
  offers "Confirm now" (a code to that number; no number is typed here) instead of only "contact the administrator".
-->
<@layout.registrationLayout; section>
    <#if section = "header">
        ${msg("twofactorContactAdminHeader")}
    <#elseif section = "form">
        <!-- template: twofactor-contact-admin.ftl -->
        <style>
            /* keycloak.v2's "Restart login" tooltip is wider than a phone; the icon alone stays */
            @media (max-width: 767px) { .kc-login-tooltip .kc-tooltip-text { display: none; } }
            #twofactor-contact-admin h2 { font-size: 1.125rem; font-weight: 600; margin: 0 0 0.5rem 0; }
            #twofactor-contact-admin p { margin: 0 0 0.75rem 0; }
            .twofactor-actions { display: flex; flex-direction: column; gap: 0.75rem; margin-top: 1rem; }
            .twofactor-actions > * { width: 100%; margin: 0; text-align: center; }
            .twofactor-note { margin: 1rem 0 0 0; }
        </style>
        <#if (twofactorConfirmNow!"")?has_content>
        <div id="twofactor-contact-admin">
            <h2 id="twofactor-unconfirmed">${msg("twofactorConfirmNowTitle", twofactorConfirmNow)}</h2>
            <p>${msg("twofactorConfirmNowText")}</p>
        </div>
        <form id="kc-twofactor-confirm-now-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div class="twofactor-actions">
                <button id="twofactor-confirm-now" name="confirm-now" value="true" type="submit"
                        class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofactorConfirmNow")}</button>
                <a id="twofactor-back-to-login" href="${url.loginRestartFlowUrl}"
                   class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!(properties.kcButtonDefaultClass!"")} ${properties.kcButtonBlockClass!}">${msg("twofactorBackToLogin")}</a>
            </div>
        </form>
        <p id="twofactor-not-your-number" class="twofactor-note">${msg("twofactorConfirmNowNotYours")}</p>
        <#else>
        <div id="twofactor-contact-admin">
            <h2>${msg("twofactorContactAdminTitle")}</h2>
            <#if (twofactorPhoneRefused!"")?has_content>
            <p id="twofactor-phone-refused">${msg("twofactorContactAdminRefused", twofactorPhoneRefused)}
                ${msg(twofactorPhoneProblem, twofactorPhoneProblemCountry!"", twofactorPhoneProblemCountries!"")}</p>
            <#else>
            <p>${msg("twofactorContactAdminText")}</p>
            </#if>
            <p>${msg("twofactorContactAdminAction")}</p>
        </div>
        <div class="twofactor-actions">
            <a id="twofactor-back-to-login" href="${url.loginRestartFlowUrl}"
               class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofactorBackToLogin")}</a>
        </div>
        </#if>
    </#if>
</@layout.registrationLayout>
