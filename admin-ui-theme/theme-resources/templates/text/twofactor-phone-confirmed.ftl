<#ftl output_format="plainText">
<#-- Notice: an administrator confirmed the user's phone number (keycloak-twofactor). Attributes: realmName, phone (masked). -->
${msg("twofactorPhoneConfirmedBody", realmName, (phone!"")?string)}

${msg("twofactorNoticeNotExpected")}
