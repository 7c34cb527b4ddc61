<#import "template.ftl" as layout>
<#-- Sign-in code email (keycloak-twofactor). Attributes: realmName, code, ttlMinutes (int), purpose ("login" | "setup-app" | "confirm-email"). -->
<#assign tfPurpose = (purpose!"login")?string>
<#if tfPurpose == "setup-app"><#assign tfIntro = "twofactorEmailCodeIntroSetupApp">
<#elseif tfPurpose == "confirm-email"><#assign tfIntro = "twofactorEmailCodeIntroConfirmEmail">
<#else><#assign tfIntro = "twofactorEmailCodeIntroLogin"></#if>
<#assign tfTtl = -1>
<#if ttlMinutes??>
    <#if ttlMinutes?is_number><#assign tfTtl = ttlMinutes><#elseif ttlMinutes?is_string && ttlMinutes?matches("[0-9]+")><#assign tfTtl = ttlMinutes?number></#if>
</#if>
<@layout.emailLayout>
<p>${msg(tfIntro, realmName)}</p>
<p style="font-family: Consolas, 'Liberation Mono', Menlo, monospace; font-size: 28px; font-weight: bold; letter-spacing: 4px; margin: 16px 0;">${code}</p>
<#if tfTtl gte 0><p><#if tfTtl == 1>${msg("twofactorEmailCodeValidityOne")}<#else>${msg("twofactorEmailCodeValidity", tfTtl?c)}</#if></p></#if>
<p>${msg("twofactorEmailCodeNoShare")}</p>
<p>${msg("twofactorEmailCodeNotYou")}</p>
</@layout.emailLayout>
