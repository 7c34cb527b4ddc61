<#ftl output_format="plainText">
<#-- To the realm's admins: technical support access ended at its time (keycloak-twofactor). Attributes: realmName, until. -->
${msg("twofactorSupportExpiredBody", realmName, until)}

${msg("twofactorSupportNoLonger")}
