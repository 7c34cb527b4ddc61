<#import "template.ftl" as layout>
<#-- Notice: an administrator reset the user's authenticator app (keycloak-twofactor). Attributes: realmName. -->
<@layout.emailLayout>
<p>${msg("twofactorDeviceResetBody", realmName)}</p>
<p>${msg("twofactorDeviceResetNext")}</p>
<p>${msg("twofactorNoticeNotExpected")}</p>
</@layout.emailLayout>
