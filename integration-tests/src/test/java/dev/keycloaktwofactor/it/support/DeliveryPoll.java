package dev.keycloaktwofactor.it.support;

import org.jsoup.nodes.Element;

import java.time.Duration;

/** What the code page's small script does: ask the page's delivery-state URL how the send went. */
public final class DeliveryPoll {

    private DeliveryPoll() {
    }

    /** The page's poll URL (present while its send is pending). */
    public static String url(Browser.Page page) {
        Element alert = page.doc().selectFirst("#twofactor-delivery-failed[data-status-url]");
        if (alert == null) {
            throw new AssertionError("No pending delivery on " + page);
        }
        return alert.absUrl("data-status-url");
    }

    public static String state(Browser b, String url) {
        Browser.Page answer = b.open(url);
        if (answer.status() != 200) {
            throw new AssertionError("Delivery state answered " + answer.status() + ": " + answer.body());
        }
        return Json.parse(answer.body()).get("state").asText();
    }

    /** Polls until the state is {@code expected}, as the page does; fails on another final state or after {@code timeout}. */
    public static void await(Browser b, Browser.Page page, String expected, Duration timeout) {
        String url = url(page);
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            state = state(b, url);
            if (state.equals(expected)) {
                return;
            }
            if (!state.equals("pending")) {
                break;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("Delivery state " + state + ", expected " + expected + " within " + timeout);
    }
}
