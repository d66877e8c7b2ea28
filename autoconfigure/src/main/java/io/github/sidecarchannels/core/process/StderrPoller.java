package io.github.sidecarchannels.core.process;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.sidecarchannels.core.concurrent.SidecarThreads;
import io.github.sidecarchannels.core.transport.NativePoll;
import io.github.sidecarchannels.core.transport.NativeSockets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the stderr of every child in the JVM on one daemon thread, {@value #THREAD_NAME},
 * with poll(2) over one descriptor per live child plus a wake-up pair (the self-pipe
 * trick: registering or closing a child writes one byte, so the thread notices at once).
 * <p>
 * Lifecycle: the thread starts with the first registration and ends as soon as no child
 * is left; the next registration starts a new one. Both decisions are taken under this
 * object's lock, so a registration never lands in a set nobody polls. Nothing belongs to
 * a Spring context, so contexts may close and open in one JVM. The wake-up pair lives as
 * long as the JVM (two descriptors).
 * <p>
 * Bounded: the poll set holds one entry per live child, all reads share one
 * {@value #CHUNK_SIZE}-byte buffer, and at most one wake-up byte is ever pending. The
 * price of one thread: a slow logger call delays the other children's stderr (it waits in
 * their socket buffers, and a child whose buffer is full blocks writing to stderr until
 * the thread gets to it). A logger that throws is ignored (see {@link StderrLines}).
 */
final class StderrPoller {

	static final String THREAD_NAME = "sidecar-stderr-poller";

	static final int CHUNK_SIZE = 8 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(StderrPoller.class);

	private static @Nullable StderrPoller shared;

	private final FileInputStream wakeReader;

	private final FileOutputStream wakeWriter;

	private final FileDescriptor wakeDescriptor;

	private final AtomicBoolean wakePending = new AtomicBoolean();

	/** Guarded by this: the children whose stderr is read, each until it is retired. */
	private final List<ChildStderr> watched = new ArrayList<>();

	/** Guarded by this. */
	private @Nullable Thread thread;

	/** Guarded by this: whether {@link #watched} differs from the set being polled. */
	private boolean changed;

	/** The poller thread's own: what it polls, in the order of the set's descriptors. */
	private ChildStderr[] polled = new ChildStderr[0];

	private NativePoll pollSet;

	private StderrPoller(FileDescriptor[] wakePair) {
		this.wakeDescriptor = wakePair[0];
		this.wakeReader = new FileInputStream(wakePair[0]);
		this.wakeWriter = new FileOutputStream(wakePair[1]);
		this.pollSet = new NativePoll(new FileDescriptor[] { this.wakeDescriptor });
	}

	/**
	 * @return the JVM's poller, created on first use
	 * @throws IOException if its wake-up pair cannot be created (tried again next time)
	 */
	static synchronized StderrPoller shared() throws IOException {
		StderrPoller poller = shared;
		if (poller == null) {
			poller = new StderrPoller(NativeSockets.streamPair());
			shared = poller;
		}
		return poller;
	}

	/**
	 * @return a poller of its own, for tests that must not share the JVM's
	 * @throws IOException if its wake-up pair cannot be created
	 */
	static StderrPoller create() throws IOException {
		return new StderrPoller(NativeSockets.streamPair());
	}

	/**
	 * @return whether its thread runs (it has children to watch)
	 */
	synchronized boolean isRunning() {
		return this.thread != null;
	}

	/**
	 * Read this child's stderr until it ends or is closed, starting the thread if none
	 * runs.
	 * @param stderr a child's stderr, not registered before
	 */
	synchronized void register(ChildStderr stderr) {
		this.watched.add(stderr);
		this.changed = true;
		Thread current = this.thread;
		if (current == null) {
			current = SidecarThreads.sharedDaemon("stderr-poller", this::run);
			this.thread = current;
			current.start();
		}
		else {
			wake();
		}
	}

	/**
	 * Make the thread look at its children again, e.g. for a close request. Writes only
	 * if no wake-up is pending, so the wake-up pair never fills.
	 */
	void wake() {
		if (this.wakePending.compareAndSet(false, true)) {
			try {
				this.wakeWriter.write(1);
			}
			catch (IOException ex) {
				logger.warn("Cannot wake the stderr poller: {}", ex.toString());
			}
		}
	}

	private void run() {
		byte[] buffer = new byte[CHUNK_SIZE];
		try {
			while (nextSet()) {
				if (!retireClosed()) {
					pollOnce(buffer);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.error("The stderr poller failed; the stderr of the running sidecars is closed: {}", ex.toString());
		}
		finally {
			abandon();
		}
	}

	/**
	 * @return false, with the thread ended, if no child is left; true with the poll set
	 * up to date otherwise
	 */
	private synchronized boolean nextSet() {
		if (this.watched.isEmpty()) {
			this.thread = null;
			return false;
		}
		if (this.changed) {
			this.changed = false;
			this.polled = this.watched.toArray(new ChildStderr[0]);
			FileDescriptor[] fds = new FileDescriptor[this.polled.length + 1];
			fds[0] = this.wakeDescriptor;
			for (int i = 0; i < this.polled.length; i++) {
				fds[i + 1] = this.polled[i].descriptor();
			}
			this.pollSet = new NativePoll(fds);
		}
		return true;
	}

	/**
	 * Checked before every poll, after the wake-up byte was drained: a close request made
	 * after its wake-up byte is found on the next round.
	 * @return whether any child was retired, so the set must be rebuilt before polling
	 */
	private boolean retireClosed() {
		List<ChildStderr> closed = null;
		for (ChildStderr stderr : this.polled) {
			if (stderr.isCloseRequested()) {
				closed = retire(stderr, closed);
			}
		}
		if (closed == null) {
			return false;
		}
		remove(closed);
		return true;
	}

	private void pollOnce(byte[] buffer) throws IOException {
		NativePoll set = this.pollSet;
		set.await();
		if (set.readable(0)) {
			this.wakePending.set(false);
			this.wakeReader.read(buffer);
		}
		List<ChildStderr> ended = null;
		for (int i = 0; i < this.polled.length; i++) {
			if (set.readable(i + 1) && !this.polled[i].read(buffer)) {
				ended = retire(this.polled[i], ended);
			}
		}
		if (ended != null) {
			remove(ended);
		}
	}

	private static List<ChildStderr> retire(ChildStderr stderr, @Nullable List<ChildStderr> retired) {
		stderr.retire();
		List<ChildStderr> list = (retired != null) ? retired : new ArrayList<>();
		list.add(stderr);
		return list;
	}

	private synchronized void remove(List<ChildStderr> retired) {
		this.watched.removeAll(retired);
		this.changed = true;
	}

	/**
	 * The thread ends: after a failure, retire whatever it still watched, so nobody waits
	 * for it and the next registration starts afresh.
	 */
	private void abandon() {
		List<ChildStderr> left;
		synchronized (this) {
			if (this.thread != Thread.currentThread()) {
				return;
			}
			this.thread = null;
			left = new ArrayList<>(this.watched);
			this.watched.clear();
			this.changed = true;
		}
		left.forEach(ChildStderr::retire);
	}

}
