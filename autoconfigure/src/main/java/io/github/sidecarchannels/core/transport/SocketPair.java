package io.github.sidecarchannels.core.transport;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Transport;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The AF_UNIX socketpair between the application and one child: our end as a blocking
 * {@link ByteChannel}, the child's end as {@link Redirect}s for {@link ProcessBuilder}.
 * <p>
 * Our end is read and written through two separate file channels on the one descriptor,
 * so a thread blocked reading never holds up the writing thread; read(2) and write(2) on
 * a socket behave like recv and send, and on seqpacket one call is one record.
 */
public final class SocketPair implements Closeable {

	/**
	 * Kernel bookkeeping per seqpacket record on top of its payload (observed 992 bytes;
	 * kept generous).
	 */
	private static final int SEQPACKET_HEADROOM = 64 * 1024;

	/**
	 * The largest record proven to fit, with the send buffers it was proven with: a
	 * record no larger, between buffers as large, fits too, so later pairs skip the test
	 * (about 0.8 ms and two record-sized buffers per start). One value, not a cache that
	 * grows.
	 */
	private static final AtomicReference<@Nullable ProvenFit> provenFit = new AtomicReference<>();

	private final FileDescriptor parentFd;

	private final FileDescriptor childFd;

	private final Channel channel;

	private FileDescriptor childDuplicate;

	/**
	 * Our own copy of the child's end, kept until the connection closes: once the child
	 * is gone, the bytes still in its receive queue are exactly what it never read.
	 * Because of it we never see end of file while the socket is open; the child's exit
	 * ends the connection instead.
	 */
	private final FileDescriptor witness;

	/** Measured once the buffers are sized: the kernel does not shrink them. */
	private long capacityTowardsChild;

	/** Our end's send buffer, measured with {@link #capacityTowardsChild}. */
	private int sendBufferSize;

	/** Asks whether our end takes a write now. */
	private NativePoll writability;

	private SocketPair(FileDescriptor parentFd, FileDescriptor childFd) throws IOException {
		this.parentFd = parentFd;
		this.childFd = childFd;
		this.witness = FileDescriptorCast.duplicating(childFd).getFileDescriptor();
		this.channel = new Channel(parentFd);
	}

	public static SocketPair open(SidecarDefinition definition) throws IOException {
		FileDescriptor[] fds;
		try {
			fds = NativeSockets.socketPair(definition.transport());
		}
		catch (IOException ex) {
			if (definition.transport() != Transport.SEQPACKET) {
				throw ex;
			}
			throw new SidecarConfigurationException(definition.name(), "transport", "this OS cannot create an AF_UNIX "
					+ "SOCK_SEQPACKET pair (" + ex.getMessage() + "); use transport: stream", ex);
		}
		SocketPair pair = new SocketPair(fds[0], fds[1]);
		try {
			if (definition.transport() == Transport.SEQPACKET) {
				pair.sizeForRecords(definition);
			}
			pair.sendBufferSize = NativeSockets.sendBufferSize(pair.parentFd);
			pair.writability = new NativePoll(new FileDescriptor[] { pair.parentFd }, SelectionKey.OP_WRITE);
			pair.capacityTowardsChild = (long) pair.sendBufferSize + NativeSockets.receiveBufferSize(pair.childFd);
		}
		catch (IOException | RuntimeException ex) {
			pair.close();
			throw ex;
		}
		return pair;
	}

	private void sizeForRecords(SidecarDefinition definition) {
		int maxMessageSize = definition.maxMessageSize();
		try {
			sizeForRecords(this.parentFd, maxMessageSize);
			sizeForRecords(this.childFd, maxMessageSize);
			proveRecordFitsUnlessProven(maxMessageSize);
		}
		catch (IOException ex) {
			close();
			throw new SidecarConfigurationException(definition.name(), "max-message-size",
					"a seqpacket record of " + maxMessageSize + " bytes does not fit this machine's socket buffers ("
							+ ex.getMessage() + "); lower max-message-size or raise the kernel limit net.core.wmem_max",
					ex);
		}
	}

	private static void sizeForRecords(FileDescriptor fd, int maxMessageSize) throws IOException {
		int wanted = (int) Math.min(Integer.MAX_VALUE, (long) maxMessageSize + SEQPACKET_HEADROOM);
		if (NativeSockets.sendBufferSize(fd) < wanted) {
			NativeSockets.sendBufferSize(fd, wanted);
		}
		// Linux caps the size silently; refuse before allocating a test record that
		// cannot fit.
		int granted = NativeSockets.sendBufferSize(fd);
		if (granted < maxMessageSize) {
			throw new IOException("the kernel granted a send buffer of " + granted + " bytes");
		}
	}

	private void proveRecordFitsUnlessProven(int maxMessageSize) throws IOException {
		ProvenFit fit = new ProvenFit(maxMessageSize, NativeSockets.sendBufferSize(this.parentFd),
				NativeSockets.sendBufferSize(this.childFd));
		ProvenFit proven = provenFit.get();
		if (proven != null && proven.covers(fit)) {
			return;
		}
		proveRecordFits(maxMessageSize);
		provenFit.accumulateAndGet(fit, (current, next) -> (current != null && current.covers(next)) ? current : next);
	}

	/**
	 * The kernel's bookkeeping varies, so the only proof that a record fits is to send
	 * one each way.
	 */
	private void proveRecordFits(int maxMessageSize) throws IOException {
		// Not closed: the child's descriptor must stay open for the child.
		Channel child = new Channel(this.childFd);
		ByteBuffer record = ByteBuffer.allocateDirect(maxMessageSize);
		ByteBuffer received = ByteBuffer.allocateDirect(maxMessageSize + 1);
		this.channel.write(record);
		child.read(received);
		record.clear();
		received.clear();
		child.write(record);
		this.channel.read(received);
		if (received.position() != maxMessageSize) {
			throw new IOException("a test record came back with " + received.position() + " bytes");
		}
	}

	/**
	 * @return our end, used by exactly one reading and one writing thread
	 */
	ByteChannel channel() {
		return this.channel;
	}

	/**
	 * @return our end's send buffer size in bytes
	 */
	int sendBufferSize() {
		return this.sendBufferSize;
	}

	/**
	 * poll(2) without waiting. On AF_UNIX sockets Linux says writable while at most a
	 * quarter of the send buffer is taken, so half the send buffer can then be written
	 * without blocking. Asked by one drainer at a time.
	 * @return whether our end takes a write now
	 */
	boolean writableNow() throws IOException {
		return this.writability.writableNow(0);
	}

	/**
	 * Write from native memory with a call no interrupt can turn into a closed socket.
	 * @param bytes a direct buffer
	 * @return the bytes written
	 */
	int send(ByteBuffer bytes) throws IOException {
		return NativeSockets.send(this.parentFd, bytes);
	}

	/**
	 * @return a redirect that makes the child's stdin its end of the socket
	 */
	public Redirect childInput() throws IOException {
		return FileDescriptorCast.using(this.childFd).as(Redirect.class);
	}

	/**
	 * The JDK closes a redirect's descriptor right after duplicating it onto the child's
	 * fd, so stdin and stdout cannot share one: stdout gets a duplicate.
	 * @return a redirect that makes the child's stdout its end of the socket
	 */
	public Redirect childOutput() throws IOException {
		FileDescriptorCast duplicate = FileDescriptorCast.duplicating(this.childFd);
		this.childDuplicate = duplicate.getFileDescriptor();
		return duplicate.as(Redirect.class);
	}

	/**
	 * Once the child runs, drop our copies of its end, or we would never see EOF when it
	 * dies.
	 */
	public void releaseChildEnd() {
		NativeSockets.closeQuietly(this.childDuplicate);
		NativeSockets.closeQuietly(this.childFd);
	}

	/**
	 * Signal end of input to the child while still reading its replies; wakes a blocked
	 * write.
	 */
	void shutdownOutput() throws IOException {
		if (this.parentFd.valid()) {
			NativeSockets.shutdown(this.parentFd, NativeSockets.SHUT_WR);
		}
	}

	/**
	 * @return the bytes sent to the child that it has not read (yet)
	 */
	int unreadByChild() throws IOException {
		return NativeSockets.unread(this.witness);
	}

	/**
	 * @return the most bytes the socket can hold on their way to the child: what may be
	 * unread
	 */
	long capacityTowardsChild() {
		return this.capacityTowardsChild;
	}

	/**
	 * Make a blocked read return end of stream once data already queued is consumed; used
	 * when the child has exited but a descendant may still hold its end of the socket.
	 */
	void shutdownInput() throws IOException {
		// A closed descriptor's number may already belong to something else: never touch
		// it.
		if (this.parentFd.valid()) {
			NativeSockets.shutdown(this.parentFd, NativeSockets.SHUT_RD);
		}
	}

	/**
	 * Shut down first: closing a descriptor does not wake a thread blocked on it,
	 * shutting it down does.
	 */
	@Override
	public void close() {
		releaseChildEnd();
		NativeSockets.closeQuietly(this.witness);
		if (this.parentFd.valid()) {
			try {
				NativeSockets.shutdown(this.parentFd, NativeSockets.SHUT_RDWR);
			}
			catch (IOException ex) {
				// Not connected any more: nothing to wake.
			}
		}
		this.channel.close();
	}

	/**
	 * One socket descriptor as a channel: reads and writes go through separate file
	 * channels, which lock independently.
	 */
	private static final class Channel implements ByteChannel {

		private final FileDescriptor fd;

		private final FileChannel reads;

		private final FileChannel writes;

		Channel(FileDescriptor fd) {
			this.fd = fd;
			this.reads = new FileInputStream(fd).getChannel();
			this.writes = new FileOutputStream(fd).getChannel();
		}

		@Override
		public int read(ByteBuffer target) throws IOException {
			return this.reads.read(target);
		}

		@Override
		public int write(ByteBuffer source) throws IOException {
			return this.writes.write(source);
		}

		@Override
		public boolean isOpen() {
			return this.fd.valid();
		}

		@Override
		public void close() {
			NativeSockets.closeQuietly(this.fd);
		}

	}

	/**
	 * A record size proven to fit between send buffers of these sizes.
	 */
	private record ProvenFit(int recordSize, int parentSendBuffer, int childSendBuffer) {

		boolean covers(ProvenFit other) {
			return other.recordSize <= this.recordSize && other.parentSendBuffer >= this.parentSendBuffer
					&& other.childSendBuffer >= this.childSendBuffer;
		}

	}

}
