package io.github.sidecarchannels.core.process;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.sidecarchannels.core.transport.NativeSockets;
import org.newsclub.net.unix.FileDescriptorCast;
import org.slf4j.Logger;

/**
 * One child's stderr: a stream socketpair whose one end becomes the child's fd 2 and
 * whose other end the JVM's one {@link StderrPoller} reads into {@link StderrLines}, so
 * no thread waits on it.
 * <p>
 * Its life: {@link #open}, {@link #redirect()} for the {@link ProcessBuilder},
 * {@link #watch()} once the child runs, {@link #awaitDrained} for the child's last words,
 * {@link #close()} when the child is gone. After close nothing reads our end any more and
 * it is closed, so a descendant that still holds the child's end keeps nothing of ours
 * alive.
 */
public final class ChildStderr implements Closeable {

	private final StderrPoller poller;

	private final FileDescriptor ours;

	private final FileDescriptor childEnd;

	private final FileInputStream input;

	private final StderrLines lines;

	private final CountDownLatch drained = new CountDownLatch(1);

	private final AtomicBoolean retired = new AtomicBoolean();

	/** Guarded by this: whether the poller, and only it, closes our end. */
	private boolean watched;

	private volatile boolean closeRequested;

	private ChildStderr(StderrPoller poller, FileDescriptor[] pair, StderrLines lines) {
		this.poller = poller;
		this.ours = pair[0];
		this.childEnd = pair[1];
		this.input = new FileInputStream(this.ours);
		this.lines = lines;
	}

	/**
	 * @param logger where the child's lines go
	 * @param tail keeps the last lines, see {@link StderrLines#newTail()}
	 * @return a new pair, not watched yet
	 * @throws IOException if the socketpair cannot be created
	 */
	public static ChildStderr open(Logger logger, Deque<String> tail) throws IOException {
		return open(StderrPoller.shared(), logger, tail);
	}

	static ChildStderr open(StderrPoller poller, Logger logger, Deque<String> tail) throws IOException {
		return new ChildStderr(poller, NativeSockets.streamPair(), new StderrLines(logger, tail));
	}

	/**
	 * @return a redirect that makes the child's stderr its end of the pair
	 * @throws IOException if the descriptor cannot be handed over
	 */
	public Redirect redirect() throws IOException {
		return FileDescriptorCast.using(this.childEnd).as(Redirect.class);
	}

	/**
	 * Once the child runs: drop our copy of its end (or we would never see end of file)
	 * and let the poller read ours. Does nothing once closed.
	 */
	public synchronized void watch() {
		NativeSockets.closeQuietly(this.childEnd);
		if (this.closeRequested || this.watched) {
			return;
		}
		this.watched = true;
		this.poller.register(this);
	}

	/**
	 * @param limit how long to wait
	 * @return whether our end is drained: end of file was read, or it was closed
	 */
	public boolean awaitDrained(Duration limit) {
		try {
			return this.drained.await(limit.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Stop reading and close our end, whatever still holds the child's end; a last line
	 * without a newline is still logged. Once watched, the poller does it (it may be
	 * reading the descriptor right now): {@link #awaitDrained} tells when it has.
	 */
	@Override
	public void close() {
		boolean byPoller;
		synchronized (this) {
			NativeSockets.closeQuietly(this.childEnd);
			this.closeRequested = true;
			byPoller = this.watched;
		}
		if (byPoller) {
			this.poller.wake();
		}
		else {
			retire();
		}
	}

	FileDescriptor descriptor() {
		return this.ours;
	}

	boolean isCloseRequested() {
		return this.closeRequested;
	}

	/**
	 * Called by the poller once poll(2) said the descriptor is readable: the read returns
	 * at once.
	 * @param buffer the poller's one chunk buffer
	 * @return false at end of file
	 */
	boolean read(byte[] buffer) {
		int read;
		try {
			read = this.input.read(buffer);
		}
		catch (IOException ex) {
			// Nothing more can come through a descriptor that fails.
			return false;
		}
		if (read > 0) {
			this.lines.accept(buffer, read);
		}
		return read >= 0;
	}

	/**
	 * Log the unfinished line, close our end and tell whoever waits; once only. Never
	 * while the descriptor is in a poll set being polled.
	 */
	void retire() {
		if (this.retired.compareAndSet(false, true)) {
			try {
				this.lines.finish();
			}
			finally {
				NativeSockets.closeQuietly(this.ours);
				this.drained.countDown();
			}
		}
	}

}
