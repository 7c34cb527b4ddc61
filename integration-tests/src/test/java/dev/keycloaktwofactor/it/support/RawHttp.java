package dev.keycloaktwofactor.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.0 request from a chosen loopback source address (127.0.0.2, say): the JDK's HttpClient cannot bind
 * its local address, and the allowlist is about where a request comes from.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** An answer with its headers (names lower-cased), for following redirects and cookies by hand. */
    public record Answer(int status, Map<String, java.util.List<String>> headers, String body) {
        public String header(String name) {
            java.util.List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** "name=value" of each Set-Cookie, for a Cookie header. */
        public java.util.List<String> cookies() {
            return headers.getOrDefault("set-cookie", java.util.List.of()).stream()
                    .map(c -> c.split(";", 2)[0]).toList();
        }
    }

    public static HttpAnswer request(String sourceAddress, String method, String url, Map<String, String> headers, String body) {
        Answer a = exchange(sourceAddress, method, url, headers, body);
        return new HttpAnswer(a.status(), a.body());
    }

    public static Answer exchange(String sourceAddress, String method, String url, Map<String, String> headers, String body) {
        URI uri = URI.create(url);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 5000);
            socket.setSoTimeout(30000);
            StringBuilder req = new StringBuilder();
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            req.append(method).append(' ').append(target).append(" HTTP/1.0\r\n");
            req.append("Host: localhost:").append(uri.getPort()).append("\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                req.append("Content-Length: ").append(payload.length).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4));
            int split = response.indexOf("\r\n\r\n");
            Map<String, java.util.List<String>> head = new java.util.HashMap<>();
            for (String line : (split < 0 ? response : response.substring(0, split)).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    head.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), k -> new java.util.ArrayList<>())
                            .add(line.substring(colon + 1).trim());
                }
            }
            return new Answer(status, head, split < 0 ? "" : response.substring(split + 4));
        } catch (IOException e) {
            throw new IllegalStateException(url + " from " + sourceAddress + ": " + e, e);
        }
    }
}
