package dev.keycloaktwofactor.code;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A full delivery queue: the send runs in the request that asked for it, none is dropped. */
class CodeDeliveryHandOverTest {

    @Test
    void aFullQueueSendsInTheCallingThreadAndDropsNothing() throws Exception {
        // the shape of the node's pool (CodeDelivery.start) at its smallest: 1 thread, queue 1
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch allDone = new CountDownLatch(3);
        List<String> ranOn = new CopyOnWriteArrayList<>();
        Thread caller = Thread.currentThread();
        try {
            boolean first = CodeDelivery.handOver(pool, () -> {
                firstRunning.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ranOn.add("1:" + (Thread.currentThread() == caller ? "caller" : "pool"));
                allDone.countDown();
            });
            assertThat(firstRunning.await(5, TimeUnit.SECONDS)).as("the first send holds the only thread").isTrue();
            boolean second = CodeDelivery.handOver(pool, () -> {
                ranOn.add("2:" + (Thread.currentThread() == caller ? "caller" : "pool"));
                allDone.countDown();
            });
            boolean third = CodeDelivery.handOver(pool, () -> {
                ranOn.add("3:" + (Thread.currentThread() == caller ? "caller" : "pool"));
                allDone.countDown();
            });

            assertThat(first).as("first send queued").isTrue();
            assertThat(second).as("second send queued (the queue's one place)").isTrue();
            assertThat(third).as("third send: queue full, not queued").isFalse();
            // the third one already ran, in this thread, while the first still blocks the pool
            assertThat(ranOn).containsExactly("3:caller");

            release.countDown();
            assertThat(allDone.await(5, TimeUnit.SECONDS)).as("every send ran").isTrue();
            assertThat(ranOn).containsExactlyInAnyOrder("1:pool", "2:pool", "3:caller");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aStoppedOrMissingPoolSendsInTheCallingThread() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1));
        pool.shutdown();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        assertThat(CodeDelivery.handOver(pool, () -> ranOn.add(Thread.currentThread()))).isFalse();
        assertThat(CodeDelivery.handOver(null, () -> ranOn.add(Thread.currentThread()))).isFalse();
        assertThat(ranOn).containsExactly(Thread.currentThread(), Thread.currentThread());
    }
}
