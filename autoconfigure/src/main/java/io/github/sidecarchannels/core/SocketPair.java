package io.github.sidecarchannels.core;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The AF_UNIX socketpair between the application and one child: our end as a blocking
 * {@link ByteChannel}, the child's end as {@link Redirect}s for {@link ProcessBuilder}.
 */
final class SocketPair implements Closeable {

	/** Kernel bookkeeping per seqpacket record on top of its payload (observed 992 bytes; kept generous). */
	private static final int SEQPACKET_HEADROOM = 64 * 1024;

	private static final int SHUT_RD = 0;

	private static final int SHUT_WR = 1;

	private final String sidecarName;

	private final ByteChannel parent;

	private final ByteChannel child;

	private final FileDescriptor parentFd;

	private final FileDescriptor childFd;

	private FileDescriptor childDuplicate;

	private SocketPair(String sidecarName, ByteChannel parent, FileDescriptor parentFd, ByteChannel child,
			FileDescriptor childFd) {
		this.sidecarName = sidecarName;
		this.parent = parent;
		this.parentFd = parentFd;
		this.child = child;
		this.childFd = childFd;
	}

	static SocketPair open(SidecarDefinition definition) throws IOException {
		if (definition.transport() == Transport.SEQPACKET) {
			return openSeqpacket(definition);
		}
		AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
		AFUNIXSocketChannel parent = pair.getSocket1();
		AFUNIXSocketChannel child = pair.getSocket2();
		return new SocketPair(definition.name(), parent, parent.getFileDescriptor(), child, child.getFileDescriptor());
	}

	private static SocketPair openSeqpacket(SidecarDefinition definition) throws IOException {
		AFUNIXSocketPair<AFUNIXDatagramChannel> pair;
		try {
			pair = AFUNIXSocketPair.openDatagram(AFSocketType.SOCK_SEQPACKET);
		}
		catch (IOException | UnsupportedOperationException ex) {
			throw new SidecarConfigurationException(definition.name(), "transport",
					"this OS cannot create an AF_UNIX SOCK_SEQPACKET pair (" + ex.getMessage()
							+ "); use transport: stream",
					ex);
		}
		AFUNIXDatagramChannel parent = pair.getSocket1();
		AFUNIXDatagramChannel child = pair.getSocket2();
		SocketPair socketPair = new SocketPair(definition.name(), parent, parent.getFileDescriptor(), child,
				child.getFileDescriptor());
		try {
			sizeForRecords(parent, definition.maxMessageSize());
			sizeForRecords(child, definition.maxMessageSize());
			socketPair.proveRecordFits(definition.maxMessageSize());
		}
		catch (IOException ex) {
			socketPair.close();
			throw new SidecarConfigurationException(definition.name(), "max-message-size",
					"a seqpacket record of " + definition.maxMessageSize()
							+ " bytes does not fit this machine's socket buffers (" + ex.getMessage()
							+ "); lower max-message-size or raise the kernel limit net.core.wmem_max",
					ex);
		}
		return socketPair;
	}

	private static void sizeForRecords(AFUNIXDatagramChannel channel, int maxMessageSize) throws IOException {
		int wanted = (int) Math.min(Integer.MAX_VALUE, (long) maxMessageSize + SEQPACKET_HEADROOM);
		if (channel.socket().getSendBufferSize() < wanted) {
			channel.socket().setSendBufferSize(wanted);
		}
		// Linux caps the size silently; refuse before allocating a test record that cannot fit.
		int granted = channel.socket().getSendBufferSize();
		if (granted < maxMessageSize) {
			throw new IOException("the kernel granted a send buffer of " + granted + " bytes");
		}
	}

	/** The kernel silently caps buffer sizes, so the only proof that a record fits is to send one. */
	private void proveRecordFits(int maxMessageSize) throws IOException {
		ByteBuffer record = ByteBuffer.allocateDirect(maxMessageSize);
		ByteBuffer received = ByteBuffer.allocateDirect(maxMessageSize + 1);
		this.parent.write(record);
		this.child.read(received);
		record.clear();
		received.clear();
		this.child.write(record);
		this.parent.read(received);
		if (received.position() != maxMessageSize) {
			throw new IOException("a test record came back with " + received.position() + " bytes");
		}
	}

	/** @return our end, used by exactly one reading and one writing thread */
	ByteChannel channel() {
		return this.parent;
	}

	/** @return a redirect that makes the child's stdin its end of the socket */
	Redirect childInput() throws IOException {
		return FileDescriptorCast.using(this.childFd).as(Redirect.class);
	}

	/**
	 * The JDK closes a redirect's descriptor right after duplicating it onto the child's fd, so stdin and
	 * stdout cannot share one: stdout gets a duplicate.
	 * @return a redirect that makes the child's stdout its end of the socket
	 */
	Redirect childOutput() throws IOException {
		FileDescriptorCast duplicate = FileDescriptorCast.duplicating(this.childFd);
		this.childDuplicate = duplicate.getFileDescriptor();
		return duplicate.as(Redirect.class);
	}

	/**
	 * Once the child runs, drop our copies of its end, or we would never see EOF when it dies. Closing
	 * through a plain stream first releases the descriptor without junixsocket's shutdown, which would
	 * cut the child's connection too.
	 */
	void releaseChildEnd() {
		closeQuietly(this.childDuplicate);
		closeQuietly(this.childFd);
		try {
			this.child.close();
		}
		catch (IOException ex) {
			// The descriptor is already closed; nothing is left to release.
		}
	}

	/** Signal end of input to the child while still reading its replies. */
	void shutdownOutput() throws IOException {
		if (this.parent instanceof AFUNIXSocketChannel stream) {
			stream.shutdownOutput();
		}
		else {
			shutdownNative(SHUT_WR);
		}
	}

	/**
	 * Make a blocked read return end of stream once data already queued is consumed; used when the child
	 * has exited but a descendant may still hold its end of the socket.
	 */
	void shutdownInput() throws IOException {
		if (this.parent instanceof AFUNIXSocketChannel stream) {
			stream.shutdownInput();
		}
		else {
			shutdownNative(SHUT_RD);
		}
	}

	/**
	 * junixsocket offers no half-close on datagram-style channels; its native shutdown does it.
	 */
	private void shutdownNative(int how) throws IOException {
		try {
			Method shutdown = Class.forName("org.newsclub.net.unix.NativeUnixSocket")
				.getDeclaredMethod("shutdown", FileDescriptor.class, int.class);
			shutdown.setAccessible(true);
			shutdown.invoke(null, this.parentFd, how);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IOException("Sidecar '" + this.sidecarName + "': cannot half-close the seqpacket socket", ex);
		}
	}

	@Override
	public void close() {
		releaseChildEnd();
		try {
			this.parent.close();
		}
		catch (IOException ex) {
			// Closing our end can only fail if it is already gone.
		}
	}

	private static void closeQuietly(FileDescriptor fd) {
		if (fd != null && fd.valid()) {
			try {
				new FileOutputStream(fd).close();
			}
			catch (IOException ex) {
				// Already closed.
			}
		}
	}

}
