<#ftl output_format="plainText">
<#-- Notice: an administrator reset the user's authenticator app (keycloak-twofactor). Attributes: realmName. -->
${msg("twofactorDeviceResetBody", realmName)}

${msg("twofactorDeviceResetNext")}

${msg("twofactorNoticeNotExpected")}
