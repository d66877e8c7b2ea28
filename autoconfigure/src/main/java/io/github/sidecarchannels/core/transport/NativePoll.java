package io.github.sidecarchannels.core.transport;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SelectionKey;
import java.util.Arrays;

/**
 * poll(2) over plain descriptors, taken from junixsocket's native library (2.11.1, the
 * version pinned for {@link NativeSockets}): the JDK can only select channels it created
 * itself. Used for children's stderr and to ask whether a socket takes a write now. One
 * thread at a time per instance.
 * <p>
 * Checked with a probe against 2.11.1: the interest ops are {@link SelectionKey} bits
 * ({@code OP_READ} becomes {@code POLLIN}); the ready ops come back the same way, with
 * junixsocket's {@code OP_INVALID} bit (128) for {@code POLLHUP}, {@code POLLERR} or
 * {@code POLLNVAL} (a closed peer reports {@code OP_READ | OP_INVALID}); every call
 * overwrites the ready ops; a negative timeout waits for ever; an invalid
 * {@link FileDescriptor} in the set is skipped.
 */
public final class NativePoll {

	/** junixsocket's {@code AFSelectionKey.OP_INVALID}. */
	private static final int OP_INVALID = 128;

	private static final Method POLL;

	private static final Constructor<?> NEW_POLL_FD;

	private static final Field READY_OPS;

	static {
		try {
			Class<?> nativeSocket = NativeSockets.NATIVE_SOCKET;
			Class<?> pollFd = Class.forName(TransportRuntimeHints.POLL_FD, true, nativeSocket.getClassLoader());
			POLL = NativeSockets.accessible(nativeSocket.getDeclaredMethod("poll", pollFd, int.class));
			NEW_POLL_FD = NativeSockets.accessible(pollFd.getDeclaredConstructor(FileDescriptor[].class, int[].class));
			READY_OPS = NativeSockets.accessible(pollFd.getDeclaredField("rops"));
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new ExceptionInInitializerError(new IllegalStateException(
					"junixsocket's native poll is not available (expected junixsocket 2.11.x): " + ex, ex));
		}
	}

	private final Object pollFd;

	private final int[] readyOps;

	/**
	 * @param fds the descriptors to watch for input, end of file or hang-up
	 */
	public NativePoll(FileDescriptor[] fds) {
		this(fds, SelectionKey.OP_READ);
	}

	/**
	 * @param fds the descriptors to watch
	 * @param interest what to watch them for, as {@link SelectionKey} bits
	 */
	NativePoll(FileDescriptor[] fds, int interest) {
		int[] ops = new int[fds.length];
		Arrays.fill(ops, interest);
		try {
			this.pollFd = NEW_POLL_FD.newInstance(fds, ops);
			this.readyOps = (int[]) READY_OPS.get(this.pollFd);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("junixsocket's poll set cannot be built: " + ex, ex);
		}
	}

	/**
	 * Wait until at least one descriptor has input or is at its end.
	 * @throws IOException if poll(2) fails
	 */
	public void await() throws IOException {
		poll(-1);
	}

	/**
	 * @param index a descriptor's place in the set
	 * @return whether it takes a write now, asked without waiting
	 * @throws IOException if poll(2) fails
	 */
	boolean writableNow(int index) throws IOException {
		poll(0);
		return (this.readyOps[index] & SelectionKey.OP_WRITE) != 0;
	}

	private void poll(int timeoutMillis) throws IOException {
		try {
			POLL.invoke(null, this.pollFd, timeoutMillis);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IOException("poll failed: " + ex.getCause(), ex.getCause());
		}
		catch (IllegalAccessException ex) {
			throw new IOException("poll is not accessible", ex);
		}
	}

	/**
	 * @param index a descriptor's place in the set
	 * @return whether a read on it now returns at once (bytes, or -1 at the end)
	 */
	public boolean readable(int index) {
		return (this.readyOps[index] & (SelectionKey.OP_READ | OP_INVALID)) != 0;
	}

}
