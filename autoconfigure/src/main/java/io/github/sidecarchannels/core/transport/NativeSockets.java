package io.github.sidecarchannels.core.transport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

import io.github.sidecarchannels.core.Transport;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * The few socket calls the JDK lacks, taken from junixsocket's native library:
 * socketpair(2), shutdown(2), SO_SNDBUF/SO_RCVBUF and FIONREAD on a plain descriptor.
 * <p>
 * Why not junixsocket's public pair API: in 2.11.1 {@code AFUNIXSocketPair.open()} and
 * {@code openDatagram(...)} create two placeholder sockets, then overwrite their
 * descriptors with the pair's, so every pair leaks two descriptors (and casting a
 * descriptor to a channel leaks one more). A sidecar that restarts all day would run the
 * JVM out of descriptors. Its public API also has no half-close for seqpacket. So we call
 * the native methods directly on descriptors we own; the library stays pinned to the
 * version checked here.
 */
public final class NativeSockets {

	static final int SHUT_RD = 0;

	static final int SHUT_WR = 1;

	static final int SHUT_RDWR = 2;

	/**
	 * {@code java.net.SocketOptions.SO_SNDBUF}, which junixsocket maps to the native
	 * option.
	 */
	private static final int SO_SNDBUF = 0x1001;

	/** {@code java.net.SocketOptions.SO_RCVBUF}. */
	private static final int SO_RCVBUF = 0x1002;

	private static final int AF_UNIX = 1;

	private static final Method SOCKET_PAIR;

	private static final Method SHUTDOWN;

	private static final Method GET_INT_OPTION;

	private static final Method SET_INT_OPTION;

	private static final MethodHandle AVAILABLE;

	/** Only used where FIONREAD is missing and a peek stands in; Linux has FIONREAD. */
	private static final ByteBuffer NO_PEEK = ByteBuffer.allocateDirect(0);

	private static final MethodHandle SEND;

	/** junixsocket's native socket class, its library loaded and checked. */
	static final Class<?> NATIVE_SOCKET;

	private static final int SOCK_STREAM;

	private static final int SOCK_SEQPACKET;

	static {
		try {
			// Loading a public class first makes junixsocket load its native library.
			AFUNIXSocketPair.class.getName();
			Class<?> nativeSocket = Class.forName(TransportRuntimeHints.NATIVE_SOCKET, true,
					AFUNIXSocketPair.class.getClassLoader());
			Method ensureSupported = accessible(nativeSocket.getDeclaredMethod("ensureSupported"));
			ensureSupported.invoke(null);
			NATIVE_SOCKET = nativeSocket;
			SOCKET_PAIR = accessible(nativeSocket.getDeclaredMethod("socketPair", int.class, int.class,
					FileDescriptor.class, FileDescriptor.class));
			SHUTDOWN = accessible(nativeSocket.getDeclaredMethod("shutdown", FileDescriptor.class, int.class));
			GET_INT_OPTION = accessible(
					nativeSocket.getDeclaredMethod("getSocketOptionInt", FileDescriptor.class, int.class));
			SET_INT_OPTION = accessible(
					nativeSocket.getDeclaredMethod("setSocketOptionInt", FileDescriptor.class, int.class, int.class));
			AVAILABLE = MethodHandles.lookup()
				.unreflect(accessible(
						nativeSocket.getDeclaredMethod("available", FileDescriptor.class, ByteBuffer.class)));
			SEND = MethodHandles.lookup()
				.unreflect(accessible(nativeSocket.getDeclaredMethod("send", FileDescriptor.class, ByteBuffer.class,
						int.class, int.class, ByteBuffer.class, int.class, int.class,
						Class.forName(TransportRuntimeHints.ANCILLARY_DATA, false, nativeSocket.getClassLoader()))));
			SOCK_STREAM = constant(nativeSocket, "SOCK_STREAM");
			SOCK_SEQPACKET = constant(nativeSocket, "SOCK_SEQPACKET");
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new ExceptionInInitializerError(new IllegalStateException(
					"junixsocket's native socket calls are not available (expected junixsocket 2.11.x): " + ex, ex));
		}
	}

	private NativeSockets() {
	}

	/**
	 * @param transport stream or seqpacket
	 * @return two connected descriptors
	 */
	static FileDescriptor[] socketPair(Transport transport) throws IOException {
		FileDescriptor first = new FileDescriptor();
		FileDescriptor second = new FileDescriptor();
		call(SOCKET_PAIR, AF_UNIX, (transport == Transport.SEQPACKET) ? SOCK_SEQPACKET : SOCK_STREAM, first, second);
		if (!first.valid() || !second.valid()) {
			throw new IOException("socketpair(AF_UNIX, " + transport + ") returned no descriptors");
		}
		return new FileDescriptor[] { first, second };
	}

	static void shutdown(FileDescriptor fd, int how) throws IOException {
		call(SHUTDOWN, fd, how);
	}

	static int sendBufferSize(FileDescriptor fd) throws IOException {
		return (Integer) call(GET_INT_OPTION, fd, SO_SNDBUF);
	}

	static void sendBufferSize(FileDescriptor fd, int size) throws IOException {
		call(SET_INT_OPTION, fd, SO_SNDBUF, size);
	}

	static int receiveBufferSize(FileDescriptor fd) throws IOException {
		return (Integer) call(GET_INT_OPTION, fd, SO_RCVBUF);
	}

	/**
	 * @param fd a socket
	 * @return the bytes in its receive queue not read yet (FIONREAD; on seqpacket, the
	 * sum over all records)
	 */
	static int unread(FileDescriptor fd) throws IOException {
		try {
			return (int) AVAILABLE.invoke(fd, NO_PEEK);
		}
		catch (IOException ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IOException("ioctl(FIONREAD) failed: " + ex, ex);
		}
	}

	/**
	 * send(2) from native memory. Unlike a {@code FileChannel} write it is not
	 * interruptible, so an application thread that was interrupted cannot close the
	 * socket by writing to it. It blocks on a full socket: junixsocket 2.11.1 ignores its
	 * {@code OPT_NON_BLOCKING} option here (checked), so callers ask {@link DirectRoom}
	 * first.
	 * @param fd the socket
	 * @param bytes a direct buffer; its position advances by what was sent
	 * @return the bytes sent
	 */
	static int send(FileDescriptor fd, ByteBuffer bytes) throws IOException {
		int sent;
		try {
			sent = (int) SEND.invoke(fd, bytes, bytes.position(), bytes.remaining(), (ByteBuffer) null, 0, 0,
					(Object) null);
		}
		catch (IOException ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IOException("send(2) failed: " + ex, ex);
		}
		bytes.position(bytes.position() + sent);
		return sent;
	}

	/**
	 * Close a descriptor the ordinary way and mark it invalid; never through junixsocket,
	 * whose close shuts a socket down for the other process too.
	 * @param fd a descriptor, or {@code null}; one already closed is left alone
	 */
	public static void closeQuietly(@Nullable FileDescriptor fd) {
		if (fd != null && fd.valid()) {
			try {
				new FileOutputStream(fd).close();
			}
			catch (IOException ex) {
				// Already closed.
			}
		}
	}

	private static Object call(Method method, Object... arguments) throws IOException {
		try {
			return method.invoke(null, arguments);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IOException(method.getName() + " failed: " + ex.getCause(), ex.getCause());
		}
		catch (IllegalAccessException ex) {
			throw new IOException(method.getName() + " is not accessible", ex);
		}
	}

	static <T extends AccessibleObject> T accessible(T member) {
		member.setAccessible(true);
		return member;
	}

	private static int constant(Class<?> type, String name) throws ReflectiveOperationException {
		Field field = type.getDeclaredField(name);
		field.setAccessible(true);
		return field.getInt(null);
	}

	/**
	 * A socketpair for a child's stderr, read by {@code core.process.StderrPoller}.
	 * @return two connected stream descriptors, owned by the caller
	 * @throws IOException if the kernel refuses
	 */
	public static FileDescriptor[] streamPair() throws IOException {
		return socketPair(Transport.STREAM);
	}

}
