<#import "template.ftl" as layout>
<#include "twofactor-username.ftl">
<#include "twofactor-message-guard.ftl">
<#--
  Generic information page (keycloak-twofactor).
  Attributes: twofactorMessage (message key), twofactorMessageParams (optional list of up to 4 values),
  twofactorTitle (optional message key for the page heading; default twofactorMessageTitle).
  When twofactorMessage is set, the page's global message (setError/setInfo) is not shown;
  without twofactorMessage the global message is shown by the layout as usual.
-->
<#assign tfParams = []>
<#if twofactorMessageParams??>
    <#if twofactorMessageParams?is_sequence>
        <#assign tfParams = twofactorMessageParams>
    <#else>
        <#assign tfParams = [twofactorMessageParams]>
    </#if>
</#if>
<#function tfText key params>
    <#if params?size == 0><#return msg(key)>
    <#elseif params?size == 1><#return msg(key, params[0])>
    <#elseif params?size == 2><#return msg(key, params[0], params[1])>
    <#elseif params?size == 3><#return msg(key, params[0], params[1], params[2])>
    <#else><#return msg(key, params[0], params[1], params[2], params[3])>
    </#if>
</#function>
<@layout.registrationLayout displayMessage=!(twofactorMessage??); section>
    <#if section = "header">
        ${msg((twofactorTitle!"twofactorMessageTitle")?string)}
    <#elseif section = "form">
        <!-- template: twofactor-message.ftl -->
        <style>
            /* keycloak.v2's "Restart login" tooltip is wider than a phone; the icon alone stays */
            @media (max-width: 767px) { .kc-login-tooltip .kc-tooltip-text { display: none; } }
            #twofactor-message { margin: 0 0 1rem 0; }
            .twofactor-actions { display: flex; flex-direction: column; gap: 0.75rem; margin-top: 1rem; }
            .twofactor-actions > * { width: 100%; margin: 0; text-align: center; }
        </style>
        <#if twofactorMessage??>
            <p id="twofactor-message">${tfText(twofactorMessage?string, tfParams)}</p>
        </#if>
        <div class="twofactor-actions">
            <a id="twofactor-back-to-login" href="${url.loginRestartFlowUrl}"
               class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofactorBackToLogin")}</a>
        </div>
    </#if>
</@layout.registrationLayout>
