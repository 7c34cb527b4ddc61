<#import "template.ftl" as layout>
<#-- Notice: the user's phone number for sign-in codes changed (keycloak-twofactor). Attributes: realmName, phone (masked; null or empty = removed). -->
<@layout.emailLayout>
<#if (phone!"")?has_content>
<p>${msg("twofactorPhoneChangedBody", realmName, phone?string)}</p>
<#else>
<p>${msg("twofactorPhoneRemovedBody", realmName)}</p>
</#if>
<p>${msg("twofactorNoticeNotExpected")}</p>
</@layout.emailLayout>
