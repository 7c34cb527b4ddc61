package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends codes off the request path: the code page is answered without waiting for the mail server or the SMS
 * gateway. A send is handed over once the login's transaction has committed (the code must exist before it can
 * arrive) to a bounded pool ({@link DeliveryOptions}); it runs in a session of its own and settles its
 * {@link DeliveryState} (sent, or failed and undone). When the queue is full the send runs in the request that asked
 * for it rather than being dropped. A stopping node waits up to the grace period for what it holds; a send it gives
 * up on is marked failed where it can be, and counts as failed anyway once overdue, on whichever node the login
 * goes on.
 */
public final class CodeDelivery {

    private static final Logger LOG = Logger.getLogger(CodeDelivery.class);
    /**
     * The failure line keeps the category it had when sends ran in the request, in the code factor of those days
     * (operators may filter on it); the code factor now lives in the layer above and is not imported from here.
     */
    private static final Logger SEND_LOG = Logger.getLogger("dev.keycloaktwofactor.code.CodeFactor");
    /** The event error of a send that failed or timed out (also on the code page's events). */
    public static final String EVENT_DELIVERY_FAILED = "twofactor_delivery_failed";

    private static volatile DeliveryOptions options = DeliveryOptions.DEFAULTS;
    private static volatile ThreadPoolExecutor pool;

    private CodeDelivery() {
    }

    public static DeliveryOptions options() {
        return options;
    }

    /** Reads the options and starts this node's pool (threads are made on demand and end when idle). */
    public static synchronized void start(DeliveryOptions configured) {
        options = configured;
        if (pool != null) {
            pool.shutdown();
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(configured.threads(), configured.threads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(configured.queue()), r -> {
                    Thread t = new Thread(r, "twofactor-delivery-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        pool = executor;
    }

    /** Drains the pool within the grace period; sends it gives up on are marked failed. */
    public static synchronized void stop() {
        ThreadPoolExecutor executor = pool;
        pool = null;
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (executor.awaitTermination(options.shutdownGraceSeconds(), TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Runnable> abandoned = executor.shutdownNow();
        LOG.warnf("Two-factor code delivery: stopped with %d code(s) not sent after %d s; those logins show the failure",
                abandoned.size(), options.shutdownGraceSeconds());
        for (Runnable r : abandoned) {
            if (r instanceof Job job) {
                job.abandon();
            }
        }
    }

    /** What the job needs of the request that asked for the send (the request's objects die with it). */
    record Request(String realmId, String userId, String clientId, String rootId, String tabId, Event event) {

        static Request of(CodeStep step) {
            AuthenticationSessionModel as = step.authSession();
            Event event = step.event().getEvent().clone();
            return new Request(step.realm().getId(), step.user().getId(), as.getClient() == null ? null : as.getClient().getId(),
                    as.getParentSession().getId(), as.getTabId(), event);
        }
    }

    /**
     * Sends {@code code} once the current transaction of {@code session} commits, on the pool, or in this request if
     * the pool is full or stopped; settles the send named by {@code token}.
     */
    public static void afterCommit(KeycloakSession session, CodeStep step, CodeChannel channel, String destination, String code,
                            CodePurpose purpose, TwoFactorSettings settings, String token) {
        Job job = new Job(session.getKeycloakSessionFactory(), Request.of(step), channel, destination, code, purpose, settings, token);
        session.getTransactionManager().enlistAfterCompletion(new KeycloakTransaction() {
            private boolean active;

            @Override
            public void begin() {
                active = true;
            }

            @Override
            public void commit() {
                handOver(pool, job);
            }

            @Override
            public void rollback() {
                // the login's changes are gone, the code with them: nothing may go out
                job.abandon();
            }

            @Override
            public void setRollbackOnly() {
            }

            @Override
            public boolean getRollbackOnly() {
                return false;
            }

            @Override
            public boolean isActive() {
                return active;
            }
        });
    }

    /**
     * Runs {@code send} on {@code executor}, or in the calling thread (the request) when the executor is missing,
     * stopped or full: a code is never dropped.
     *
     * @return true when the send was queued, false when it ran in the calling thread
     */
    static boolean handOver(Executor executor, Runnable send) {
        try {
            if (executor == null) {
                throw new RejectedExecutionException("not started");
            }
            executor.execute(send);
            return true;
        } catch (RejectedExecutionException full) {
            // a code is never dropped: this request sends it itself
            send.run();
            return false;
        }
    }

    static final class Job implements Runnable {

        private final KeycloakSessionFactory factory;
        private final Request request;
        private final CodeChannel channel;
        private final String destination;
        private final String code;
        private final CodePurpose purpose;
        private final TwoFactorSettings settings;
        private final String token;

        Job(KeycloakSessionFactory factory, Request request, CodeChannel channel, String destination, String code,
            CodePurpose purpose, TwoFactorSettings settings, String token) {
            this.factory = factory;
            this.request = request;
            this.channel = channel;
            this.destination = destination;
            this.code = code;
            this.purpose = purpose;
            this.settings = settings;
            this.token = token;
        }

        @Override
        public void run() {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, this::send);
            } catch (RuntimeException e) {
                LOG.warnf("Two-factor code delivery (%s) ended unexpectedly: %s", channel.id(), e.toString());
                abandon();
            }
        }

        private void send(KeycloakSession session) {
            RealmModel realm = session.realms().getRealm(request.realmId());
            if (realm == null) {
                DeliveryState.settle(session.singleUseObjects(), token, false);
                return;
            }
            session.getContext().setRealm(realm);
            UserModel user = session.users().getUserById(realm, request.userId());
            if (user == null) {
                DeliveryState.settle(session.singleUseObjects(), token, false);
                return;
            }
            // the login's own session in the context: the email and the text use the language chosen on the login page
            ClientModel client = request.clientId() == null ? null : realm.getClientById(request.clientId());
            RootAuthenticationSessionModel root = session.authenticationSessions().getRootAuthenticationSession(realm, request.rootId());
            if (client != null && root != null) {
                session.getContext().setClient(client);
                AuthenticationSessionModel as = root.getAuthenticationSession(client, request.tabId());
                if (as != null) {
                    session.getContext().setAuthenticationSession(as);
                }
            }
            try {
                channel.deliver(session, realm, user, destination, code, purpose, settings);
                DeliveryState.settle(session.singleUseObjects(), token, true);
            } catch (CodeDeliveryException | RuntimeException e) {
                if (DeliveryState.settle(session.singleUseObjects(), token, false)) {
                    // the same line and event as when the send ran in the request
                    SEND_LOG.warnf("Two-factor code not delivered (%s, realm %s): %s", channel.id(), realm.getName(), e.getMessage());
                    Event asked = request.event();
                    EventBuilder event = new EventBuilder(realm, session)
                            .event(asked.getType() == null ? org.keycloak.events.EventType.LOGIN : asked.getType()).user(user)
                            .ipAddress(asked.getIpAddress());
                    if (asked.getClientId() != null) {
                        event.client(asked.getClientId());
                    }
                    if (asked.getDetails() != null) {
                        asked.getDetails().forEach(event::detail);
                    }
                    event.error(EVENT_DELIVERY_FAILED);
                }
            }
        }

        /** The send will not happen: its login is told so (if the server can still write). */
        void abandon() {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, session -> DeliveryState.settle(session.singleUseObjects(), token, false));
            } catch (RuntimeException e) {
                LOG.debugf("Two-factor code delivery: could not mark an abandoned send: %s", e);
            }
        }
    }
}
