<#import "template.ftl" as layout>
<#include "twofactor-username.ftl">
<#include "twofactor-message-guard.ftl">
<#--
  Shown when the realm requires SMS codes but the user has no confirmed phone number (keycloak-twofactor).
  Renders under keycloak.v2 and the legacy keycloak theme: imports template.ftl only. Optional attributes, when the
  confirmed number on file is one the realm's phone rules now refuse: twofactorPhoneRefused (masked number),
  twofactorPhoneProblem (message key), twofactorPhoneProblemCountry, twofactorPhoneProblemCountries.
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
        </style>
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
</@layout.registrationLayout>
