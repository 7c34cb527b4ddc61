package dev.keycloaktwofactor.sms;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

import java.util.List;
import java.util.Map;

/**
 * The Twilio SDK's own HTTP client with our timeouts, sending to {@code api-base-url} instead of
 * https://api.twilio.com when the operator set one (a proxy, or a test's Twilio-shaped endpoint).
 */
final class RebasedHttpClient extends NetworkHttpClient {

    static final String TWILIO_API = "https://api.twilio.com";

    private final String baseUrl;

    RebasedHttpClient(String baseUrl, int connectTimeoutMillis, int readTimeoutMillis) {
        super(RequestConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMillis))
                        .setConnectionRequestTimeout(Timeout.ofMilliseconds(connectTimeoutMillis))
                        .setResponseTimeout(Timeout.ofMilliseconds(readTimeoutMillis))
                        .build(),
                SocketConfig.custom().setSoTimeout(Timeout.ofMilliseconds(readTimeoutMillis)).build());
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public Response makeRequest(Request request) {
        if (TWILIO_API.equals(baseUrl) || !request.getUrl().startsWith(TWILIO_API)) {
            return super.makeRequest(request);
        }
        Request rebased = new Request(request.getMethod(), baseUrl + request.getUrl().substring(TWILIO_API.length()));
        copy(request.getQueryParams(), rebased::addQueryParam);
        copy(request.getPostParams(), rebased::addPostParam);
        copy(request.getHeaderParams(), rebased::addHeaderParam);
        if (request.getAuthStrategy() != null) {
            rebased.setAuth(request.getAuthStrategy());
        } else if (request.getUsername() != null) {
            rebased.setAuth(request.getUsername(), request.getPassword());
        }
        if (request.getContentType() != null) {
            rebased.setContentType(request.getContentType());
        }
        if (request.getBody() != null) {
            rebased.setBody(request.getBody());
        }
        return super.makeRequest(rebased);
    }

    private static void copy(Map<String, List<String>> from, java.util.function.BiConsumer<String, String> to) {
        from.forEach((k, values) -> values.forEach(v -> to.accept(k, v)));
    }
}
