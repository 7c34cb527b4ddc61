package dev.keycloaktwofactor.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A mail server as a remote relay can be: a loopback TCP proxy in front of the suite's mail catcher that holds back
 * its greeting for {@link #delayMillis} (the whole SMTP conversation then takes at least that long, as with a relay
 * far away or busy), or, while {@link #down}, drops every connection at once (a relay that is down).
 */
public final class SlowSmtp implements AutoCloseable {

    public volatile long delayMillis;
    public volatile boolean down;

    private final ServerSocket listener;
    private final int targetPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-smtp");
        t.setDaemon(true);
        return t;
    });

    private SlowSmtp(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
    }

    /** A proxy on a free loopback port in front of the SMTP server on {@code targetPort}. */
    public static SlowSmtp before(int targetPort) throws IOException {
        SlowSmtp proxy = new SlowSmtp(new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1")), targetPort);
        proxy.threads.submit(proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (down) {
                    client.close();
                    continue;
                }
                threads.submit(() -> relay(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket server = new Socket("127.0.0.1", targetPort)) {
            long delay = delayMillis;
            if (delay > 0) {
                Thread.sleep(delay);
            }
            threads.submit(() -> pump(client, server));
            pump(server, client);
        } catch (IOException | InterruptedException e) {
            // the conversation ended
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
