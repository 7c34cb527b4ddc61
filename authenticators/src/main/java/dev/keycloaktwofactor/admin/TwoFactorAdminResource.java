package dev.keycloaktwofactor.admin;

import dev.keycloaktwofactor.code.SecondFactorLock;
import dev.keycloaktwofactor.code.SendCaps;
import dev.keycloaktwofactor.code.SendRefusals;
import dev.keycloaktwofactor.email.UserNotice;
import dev.keycloaktwofactor.factor.SecondFactors;
import dev.keycloaktwofactor.factor.SelfLockout;
import dev.keycloaktwofactor.model.InvalidSettingException;
import dev.keycloaktwofactor.model.Refusal;
import dev.keycloaktwofactor.model.TrustedNetworks;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.phone.PhoneNumberException;
import dev.keycloaktwofactor.phone.PhoneNumbers;
import dev.keycloaktwofactor.phone.PhonePolicy;
import dev.keycloaktwofactor.phone.PhoneRecord;
import dev.keycloaktwofactor.sms.SmsGateway;
import dev.keycloaktwofactor.support.SupportAccess;
import dev.keycloaktwofactor.wiring.Deauthorizer;
import dev.keycloaktwofactor.wiring.FlowBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.keycloak.Config;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /admin/realms/{realm}/twofactor}: the realm's Security settings and per-user 2FA operations. */
public class TwoFactorAdminResource {

    public static final String DEAUTHORIZED_MESSAGE = "Users have been successfully deauthorized";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Settings fields kept beside {@link TwoFactorSettings}, each merged by its own type. */
    private static final List<String> OWN_FIELDS =
            java.util.stream.Stream.concat(PhonePolicy.FIELDS.stream(), java.util.stream.Stream.of(TrustedNetworks.FIELD)).toList();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    TwoFactorAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getSettings() {
        auth.realm().requireViewRealm();
        SupportAccess.endIfOverdue(session, realm);
        return json(Response.Status.OK, representation(TwoFactorSettings.of(realm)));
    }

    @PUT
    @Path("settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response putSettings(String body) {
        auth.realm().requireManageRealm();
        TwoFactorSettings current = TwoFactorSettings.of(realm);
        TwoFactorSettings next;
        PhonePolicy phones;
        TrustedNetworks trusted;
        Integer supportMinutes;
        try {
            JsonNode json = parse(body);
            supportMinutes = SupportAccess.takeMinutes(realm, json);
            next = current.merge(json.isObject() ? ((com.fasterxml.jackson.databind.node.ObjectNode) json.deepCopy())
                    .without(OWN_FIELDS) : json);
            phones = PhonePolicy.of(realm).merge(json);
            trusted = TrustedNetworks.of(realm).merge(json);
            checkAllowedChange(current, next);
        } catch (InvalidSettingException e) {
            return badRequest(e);
        }

        boolean firstEnablement = next.method().isEnabled() && current.firstEnabledAt() == null;
        if (firstEnablement) {
            next = next.withFirstEnabledAt(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
        try {
            FlowBinding.apply(session, realm, next);
        } catch (InvalidSettingException e) {
            session.getTransactionManager().setRollbackOnly();
            return badRequest(e);
        }
        next.writeTo(realm);
        phones.writeTo(realm);
        trusted.writeTo(realm);
        if (supportMinutes != null) {
            try {
                SupportAccess.change(session, realm, supportMinutes, auth.adminAuth().getUser(), adminEvent);
            } catch (InvalidSettingException e) {
                session.getTransactionManager().setRollbackOnly();
                return badRequest(e);
            }
        }

        if (next.method().isEnabled() && !current.method().isEnabled()) {
            keepCallerSignedIn();
        }
        Map<String, Object> answer = representation(next);
        if (firstEnablement) {
            answer.put("deauthorized", Deauthorizer.logoutAllExcept(session, realm, callerInThisRealm()));
        }
        if (next.method() != current.method()) {
            answer.put("notReady", readiness(next.method()).get("notReady"));
        }
        adminEvent.operation(OperationType.UPDATE).resource(ResourceType.REALM)
                .resourcePath(session.getContext().getUri()).representation(answer).success();
        return json(Response.Status.OK, answer);
    }

    @POST
    @Path("deauthorize")
    @Produces(MediaType.APPLICATION_JSON)
    public Response deauthorize() {
        auth.users().requireManage();
        int count = Deauthorizer.logoutAllExcept(session, realm, callerInThisRealm());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", DEAUTHORIZED_MESSAGE);
        answer.put("deauthorized", count);
        adminEvent.operation(OperationType.ACTION).resource(ResourceType.REALM)
                .resourcePath(session.getContext().getUri()).representation(answer).success();
        return json(Response.Status.OK, answer);
    }

    @GET
    @Path("users/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getUser(@PathParam("id") String id) {
        UserModel user = user(id);
        auth.users().requireView(user);
        return json(Response.Status.OK, twoFactorState(user));
    }

    /**
     * One page of users with their 2FA state, for the Security page's table: Keycloak's own user search
     * ({@code search} matches username, email, first and last name), so it stays fast for large realms.
     */
    @GET
    @Path("users")
    @Produces(MediaType.APPLICATION_JSON)
    public Response listUsers(@QueryParam("search") String search, @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        auth.users().requireQuery();
        int from = first == null || first < 0 ? 0 : first;
        int size = max == null || max < 1 ? 20 : Math.min(max, 100);
        Map<String, String> query = new java.util.HashMap<>();
        if (search != null && !search.isBlank()) {
            // no "*" for "everyone": Keycloak's plain listing is several times cheaper than a wildcard search
            query.put(UserModel.SEARCH, search.trim());
        }
        query.put(UserModel.INCLUDE_SERVICE_ACCOUNT, "false");
        // an admin who may view every user needs no check per row (the per-user check is for fine-grained permissions)
        boolean viewsAll = auth.users().canView();
        List<Map<String, Object>> users = session.users().searchForUserStream(realm, query, from, size + 1)
                .filter(u -> viewsAll || auth.users().canView(u))
                .map(u -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", u.getId());
                    row.put("username", u.getUsername());
                    row.put("email", u.getEmail());
                    row.put("firstName", u.getFirstName());
                    row.put("lastName", u.getLastName());
                    row.putAll(twoFactorState(u));
                    return row;
                }).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("first", from);
        answer.put("max", size);
        answer.put("hasMore", users.size() > size);
        answer.put("total", session.users().getUsersCount(realm, query));
        answer.put("users", users.size() > size ? users.subList(0, size) : users);
        return json(Response.Status.OK, answer);
    }

    /**
     * How many code sends each hourly cap refused in this realm in the last hour, beside the cap's server option and
     * value, for the Security page: an admin sees whether an office is being turned away and which cap did it.
     */
    @GET
    @Path("send-refusals")
    @Produces(MediaType.APPLICATION_JSON)
    public Response sendRefusals() {
        auth.realm().requireViewRealm();
        SendCaps caps = SendCaps.of(session);
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        SendRefusals.lastHour(session.singleUseObjects(), realm.getId()).forEach((cap, refused) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cap", cap.id());
            switch (cap) {
                case USER -> { row.put("option", SendCaps.PER_USER); row.put("limit", caps.perUser()); }
                case ADDRESS_TEXTS -> { row.put("option", SendCaps.PER_ADDRESS); row.put("limit", caps.perAddress()); }
                case ADDRESS_EMAILS -> { row.put("option", SendCaps.EMAILS_PER_ADDRESS); row.put("limit", caps.emailsPerAddress()); }
                case DESTINATION -> { row.put("option", SendCaps.PER_DESTINATION); row.put("limit", caps.perDestination()); }
                case CONFIRM_NUMBERS -> { row.put("option", null); row.put("limit", SendCaps.CONFIRM_NUMBERS_PER_HOUR); }
            }
            row.put("refused", refused);
            rows.add(row);
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("windowSeconds", 3600);
        answer.put("caps", rows);
        answer.put("total", rows.stream().mapToInt(r -> (Integer) r.get("refused")).sum());
        return json(Response.Status.OK, answer);
    }

    /** The library's regions with their calling codes, for the Security page's country picker. */
    @GET
    @Path("phone-regions")
    @Produces(MediaType.APPLICATION_JSON)
    public Response phoneRegions() {
        auth.realm().requireViewRealm();
        return json(Response.Status.OK, Map.of("regions", PhonePolicy.regions()));
    }

    private Map<String, Object> twoFactorState(UserModel user) {
        Map<String, Object> state = new LinkedHashMap<>();
        PhoneRecord phone = PhoneRecord.of(user);
        state.put("phoneNumber", phone.number() == null ? null : PhoneNumbers.masked(phone.number()));
        // the stored E.164 value only for an admin who may view the user, as Keycloak's own user representation shows it
        // to them (the admin who typed a number sees what they typed); every caller here has passed that check
        state.put("phoneNumberE164", phone.number() != null && auth.users().canView(user) ? phone.number() : null);
        // a number the realm's phone rules refuse (stored before they changed) gets no codes: say why
        PhoneNumberException refused = phone.number() == null ? null : PhonePolicy.of(realm).problemOf(phone.number()).orElse(null);
        state.put("phoneProblem", refused == null ? null : refused.problem().code());
        state.put("phoneProblemText", refused == null ? null : refused.getMessage());
        state.put("phoneVerified", phone.confirmed());
        state.put("phoneVerifiedBy", phone.confirmedBy());
        state.put("totpConfigured", user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE).findAny().isPresent());
        Long lockedUntil = new SecondFactorLock(session, realm, user).lockedUntil();
        state.put("lockedUntil", lockedUntil == null ? null : Instant.ofEpochSecond(lockedUntil).toString());
        return state;
    }

    /** Lifts a lock on the user's second factor (too many wrong codes) and starts their count afresh. */
    @DELETE
    @Path("users/{id}/lock")
    public Response unlock(@PathParam("id") String id) {
        UserModel user = user(id);
        auth.users().requireManage(user);
        new SecondFactorLock(session, realm, user).lift();
        adminEvent.operation(OperationType.DELETE).resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "lock").success();
        return Response.noContent().build();
    }

    @DELETE
    @Path("users/{id}/totp")
    public Response resetDevice(@PathParam("id") String id) {
        UserModel user = user(id);
        auth.users().requireManage(user);
        List<String> devices = user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .map(c -> c.getId()).toList();
        devices.forEach(user.credentialManager()::removeStoredCredentialById);
        if (!devices.isEmpty()) {
            UserNotice.DEVICE_RESET.send(session, realm, user, Map.of());
        }
        adminEvent.operation(OperationType.DELETE).resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "totp").success();
        return Response.noContent().build();
    }

    @PUT
    @Path("users/{id}/phone")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response attachPhone(@PathParam("id") String id, String body) {
        UserModel user = user(id);
        auth.users().requireManage(user);
        String number;
        try {
            JsonNode json = parse(body);
            JsonNode value = json.get(PhoneNumbers.FIELD);
            if (!json.isObject() || value == null || !value.isTextual()) {
                throw new InvalidSettingException(PhoneNumbers.FIELD, Refusal.PHONE_BODY_INVALID, "The body must be {\"phoneNumber\": \"+14155550100\"}.");
            }
            number = PhonePolicy.of(realm).parse(value.asText());
        } catch (InvalidSettingException e) {
            return badRequest(e);
        }
        FlowBinding.registerActionsAndProfile(session, realm);
        boolean changed = !number.equals(user.getFirstAttribute(PhoneRecord.NUMBER));
        PhoneRecord.attach(user, number);
        if (changed) {
            UserNotice.PHONE_CHANGED.sendAboutPhone(session, realm, user, number, null);
        }
        adminEvent.operation(OperationType.UPDATE).resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "phone").success();
        return json(Response.Status.OK, twoFactorState(user));
    }

    @DELETE
    @Path("users/{id}/phone")
    public Response detachPhone(@PathParam("id") String id) {
        UserModel user = user(id);
        auth.users().requireManage(user);
        boolean had = user.getFirstAttribute(PhoneRecord.NUMBER) != null;
        PhoneRecord.detach(user);
        if (had) {
            UserNotice.PHONE_CHANGED.sendAboutPhone(session, realm, user, null, null);
        }
        adminEvent.operation(OperationType.DELETE).resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "phone").success();
        return Response.noContent().build();
    }

    @POST
    @Path("users/{id}/phone/confirm")
    @Produces(MediaType.APPLICATION_JSON)
    public Response confirmPhone(@PathParam("id") String id) {
        UserModel user = user(id);
        auth.users().requireManage(user);
        UserModel caller = callerInThisRealm();
        if (caller != null && caller.getId().equals(user.getId())) {
            return refusal(Response.Status.FORBIDDEN, new InvalidSettingException(PhoneNumbers.FIELD, Refusal.OWN_NUMBER,
                    "You cannot confirm your own phone number as an administrator: confirm it by SMS from your account."));
        }
        String number = user.getFirstAttribute(PhoneRecord.NUMBER);
        if (number == null) {
            return badRequest(new InvalidSettingException(PhoneNumbers.FIELD, Refusal.PHONE_NONE_TO_CONFIRM, "The user has no phone number to confirm."));
        }
        PhoneNumberException refused = PhonePolicy.of(realm).problemOf(number).orElse(null);
        if (refused != null) {
            return badRequest(refused);
        }
        PhoneRecord.confirm(user, "admin");
        UserNotice.PHONE_CONFIRMED.sendAboutPhone(session, realm, user, number, "admin");
        adminEvent.operation(OperationType.ACTION).resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "phone", "confirm").success();
        return json(Response.Status.OK, twoFactorState(user));
    }

    private void checkAllowedChange(TwoFactorSettings current, TwoFactorSettings next) {
        if (current.smsActivated() != next.smsActivated() && !callerIsMasterAdmin()) {
            throw new InvalidSettingException(TwoFactorSettings.SMS_ACTIVATED, Refusal.SMS_ACTIVATED_MASTER_ONLY,
                    "Only an administrator of the master realm can activate or deactivate SMS for a realm.");
        }
        if (next.method() == TwoFactorMethod.SMS && !smsAvailable(next)) {
            if (SmsGateway.isConfigured(session)) {
                throw new InvalidSettingException(TwoFactorSettings.METHOD, Refusal.SMS_NOT_ACTIVATED, callerIsMasterAdmin()
                        ? "SMS is not activated for this realm: activate it first (SMS activated for this realm)."
                        : "SMS is not activated for this realm; ask support to activate it.");
            }
            throw new InvalidSettingException(TwoFactorSettings.METHOD, Refusal.SMS_NO_GATEWAY,
                    "SMS is not available: no SMS gateway is configured on this server.");
        }
        if (next.method() != current.method()) {
            checkCallerCanUse(next.method());
        }
        // The lock-out question is asked only of a change to the list, and only of this realm's own admins: the list
        // governs logins to this realm, which a master-realm admin does not need.
        String caller = session.getContext().getConnection().getRemoteAddr();
        if (!next.ipAllowlist().equals(current.ipAllowlist()) && callerInThisRealm() != null
                && !SelfLockout.mayConnect(next, caller)) {
            throw new InvalidSettingException(TwoFactorSettings.IP_ALLOWLIST, Refusal.IP_ALLOWLIST_LOCKS_YOU_OUT,
                    "This list would lock you out: your address " + caller + " is not in it.", caller);
        }
    }

    /**
     * An admin of this realm who switches to a method they cannot sign in with would end at "Contact the administrator"
     * themselves: SMS needs their own confirmed number (an admin cannot confirm it for themselves), email their address.
     * A master-realm admin signs in elsewhere and is not asked.
     */
    private void checkCallerCanUse(TwoFactorMethod method) {
        UserModel caller = callerInThisRealm();
        if (caller == null) {
            return;
        }
        if (method == TwoFactorMethod.SMS && !SelfLockout.canUse(realm, caller, method)) {
            throw new InvalidSettingException(TwoFactorSettings.METHOD, Refusal.METHOD_LOCKS_YOU_OUT,
                    "SMS would lock you out: your account has no confirmed phone number that can receive codes. "
                            + "Confirm your number by SMS from your account first (or ask another administrator to confirm it).",
                    method.id());
        }
        if (method == TwoFactorMethod.EMAIL && !SelfLockout.canUse(realm, caller, method)) {
            throw new InvalidSettingException(TwoFactorSettings.METHOD, Refusal.METHOD_LOCKS_YOU_OUT,
                    "Email codes would lock you out: your account has no email address. Add one to your account first.",
                    method.id());
        }
    }



    /**
     * How many users of the realm (service accounts aside) cannot use the method yet: no confirmed number for SMS, no
     * email address for email. Counted by the user store's own queries, not user by user; a number confirmed earlier
     * that the realm's SMS countries now refuse still counts as ready here.
     */
    private Map<String, Object> readiness(TwoFactorMethod method) {
        Map<String, Object> answer = new LinkedHashMap<>();
        int users = session.users().getUsersCount(realm, Map.of(UserModel.INCLUDE_SERVICE_ACCOUNT, "false"));
        int notReady = switch (method) {
            case SMS -> users - session.users().getUsersCount(realm, Map.of(PhoneRecord.VERIFIED, "true",
                    UserModel.EXACT, "true", UserModel.INCLUDE_SERVICE_ACCOUNT, "false"));
            case EMAIL -> users - session.users().getUsersCount(realm, Map.of(UserModel.EMAIL, "@",
                    UserModel.INCLUDE_SERVICE_ACCOUNT, "false"));
            default -> 0;
        };
        answer.put("method", method.id());
        answer.put("users", users);
        answer.put("notReady", Math.max(0, notReady));
        return answer;
    }

    /** What switching to a method would mean, for the Security page's warning before Save. */
    @GET
    @Path("readiness")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getReadiness(@QueryParam("method") String method) {
        auth.realm().requireViewRealm();
        TwoFactorMethod m = TwoFactorMethod.fromId(method == null ? "" : method).orElse(null);
        if (m == null) {
            return badRequest(new InvalidSettingException(TwoFactorSettings.METHOD, Refusal.METHOD_INVALID,
                    "The method must be one of \"none\", \"email\", \"totp\", \"sms\"."));
        }
        return json(Response.Status.OK, readiness(m));
    }

    /**
     * The admin who turns two-factor on stays signed in (the deauthorization spares them too): their sessions, opened
     * while it was off, are not asked for the second factor at their next single sign-on.
     */
    private void keepCallerSignedIn() {
        UserModel caller = callerInThisRealm();
        if (caller != null) {
            session.sessions().getUserSessionsStream(realm, caller).forEach(SecondFactors::markPassed);
        }
    }

    private boolean callerIsMasterAdmin() {
        return Config.getAdminRealm().equals(auth.adminAuth().getRealm().getName());
    }

    private UserModel callerInThisRealm() {
        return auth.adminAuth().getRealm().getId().equals(realm.getId()) ? auth.adminAuth().getUser() : null;
    }

    private boolean smsAvailable(TwoFactorSettings settings) {
        return settings.smsActivated() && SmsGateway.isConfigured(session);
    }

    private Map<String, Object> representation(TwoFactorSettings settings) {
        Map<String, Object> out = settings.toRepresentation(smsAvailable(settings));
        PhonePolicy.of(realm).putInto(out);
        TrustedNetworks.of(realm).putInto(out);
        java.time.Instant supportUntil = SupportAccess.until(realm);
        out.put(SupportAccess.UNTIL, supportUntil == null ? null : supportUntil.toString());
        return out;
    }

    private UserModel user(String id) {
        UserModel user = session.users().getUserById(realm, id);
        if (user == null) {
            // Same answer whether the user is missing or not visible, as Keycloak's own users endpoint does.
            auth.users().requireQuery();
            throw new NotFoundException("User not found");
        }
        return user;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidSettingException(null, Refusal.REQUEST_INVALID, "The request body must be a JSON object.");
        }
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new InvalidSettingException(null, Refusal.REQUEST_INVALID, "The request body is not valid JSON.");
        }
    }

    static Response badRequest(InvalidSettingException e) {
        return refusal(Response.Status.BAD_REQUEST, e);
    }

    static Response refusal(Response.Status status, InvalidSettingException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", e.getMessage());
        error.put("field", e.field());
        error.put("code", e instanceof PhoneNumberException p ? p.problem().code() : e.code());
        if (e.value() != null) {
            error.put("value", e.value());
        }
        return json(status, error);
    }

    /** Written here rather than by the server's JSON provider, which drops null fields such as {@code firstEnabledAt}. */
    static Response json(Response.Status status, Map<String, Object> body) {
        try {
            return Response.status(status).type(MediaType.APPLICATION_JSON).entity(JSON.writeValueAsString(body)).build();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
