<#ftl output_format="plainText">
<#-- To the realm's admins: technical support access was turned on (keycloak-twofactor). Attributes: realmName, by, until. -->
${msg("twofactorSupportStartedBody", by, realmName, until)}

${msg("twofactorSupportCanRead")}

${msg("twofactorSupportEndsByItself")}

${msg("twofactorNoticeNotExpected")}
