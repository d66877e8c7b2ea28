package io.github.sidecarchannels.autoconfigure;

import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

/**
 * One non-daemon thread, as listener containers hold, so that an application whose job is
 * its sidecars does not exit after startup (every thread the sidecars use is a daemon
 * thread).
 */
final class KeepAlive {

	private @Nullable CountDownLatch latch;

	synchronized void start() {
		if (this.latch != null) {
			return;
		}
		CountDownLatch released = new CountDownLatch(1);
		Thread thread = new Thread(() -> awaitQuietly(released), SidecarLifecycle.KEEP_ALIVE_THREAD);
		thread.setDaemon(false);
		thread.start();
		this.latch = released;
	}

	synchronized void stop() {
		if (this.latch != null) {
			this.latch.countDown();
			this.latch = null;
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
