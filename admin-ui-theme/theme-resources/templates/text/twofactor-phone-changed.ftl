<#ftl output_format="plainText">
<#-- Notice: the user's phone number for sign-in codes changed (keycloak-twofactor). Attributes: realmName, phone (masked; null or empty = removed). -->
<#if (phone!"")?has_content>
${msg("twofactorPhoneChangedBody", realmName, phone?string)}
<#else>
${msg("twofactorPhoneRemovedBody", realmName)}
</#if>

${msg("twofactorNoticeNotExpected")}
