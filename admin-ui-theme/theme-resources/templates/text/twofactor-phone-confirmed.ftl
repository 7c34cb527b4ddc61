<#ftl output_format="plainText">
<#-- Notice: the user's phone number was confirmed (keycloak-twofactor). Attributes: realmName, phone (masked), by ("self" = by SMS, else an admin). -->
${msg(((by!"admin") == "self")?then("twofactorPhoneConfirmedSelfBody", "twofactorPhoneConfirmedBody"), realmName, (phone!"")?string)}

${msg("twofactorNoticeNotExpected")}
