package io.github.sidecarchannels.core.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;

import io.github.sidecarchannels.core.concurrent.SidecarThreads;
import io.github.sidecarchannels.core.framing.FrameDecoder;
import io.github.sidecarchannels.core.framing.Framing;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child's connection: the socketpair, the thread that reads it and the writer that
 * drains the outbound queue onto it (on a waiting caller's thread, or its writer thread).
 * The outbound queue belongs to the sidecar and outlives the connection; what the writer
 * took from it but never wrote is handed back by {@link #stopWriter(Duration)}, in order,
 * for the next child; what it wrote but the child never read is told by {@link #unread()}
 * once the child is gone.
 */
public final class ChildConnection implements SocketWriter.Listener {

	private static final Logger logger = LoggerFactory.getLogger(ChildConnection.class);

	private final String sidecarName;

	private final SocketPair socket;

	private final Thread readerThread;

	private final SocketWriter writer;

	private final WrittenLog log;

	private volatile List<Outgoing> unwritten = List.of();

	/**
	 * @param sidecarName names the threads
	 * @param socket the pair, the child's end already handed over
	 * @param settings how frames are laid out and how big they may be
	 * @param carryOver messages a previous connection accepted but never wrote, written
	 * first
	 * @param queue the sidecar's outbound queue; whoever adds to it calls {@link #kick()}
	 * @param budget the sidecar's bound on queued bytes, given back as messages are
	 * written
	 * @param correlation told when requests are written
	 * @param metrics counts what is written
	 * @param sink receives what is read, on the reading thread
	 * @param ended told once, on the reading thread, when the connection ends
	 */
	public ChildConnection(String sidecarName, SocketPair socket, Settings settings, List<Outgoing> carryOver,
			BlockingQueue<Outgoing> queue, OutboundBudget budget, RequestCorrelation correlation,
			SidecarMetrics metrics, FrameDecoder.FrameSink sink, SocketReader.Listener ended) {
		this.sidecarName = sidecarName;
		this.socket = socket;
		Framing framing = settings.framing();
		this.log = new WrittenLog(socket.capacityTowardsChild());
		this.writer = new SocketWriter(sidecarName, carryOver, queue, socket, framing, correlation, metrics, budget,
				this.log, this);
		SocketReader reader = new SocketReader(socket.channel(), !framing.coalesces(), settings.maxMessageSize(),
				framing.newDecoder(settings.maxMessageSize()), sink, this.writer, ended);
		this.readerThread = SidecarThreads.daemon(sidecarName, "reader", reader);
	}

	/** Start reading and writing. */
	public void start() {
		startWriting();
		startReading();
	}

	/** Start reading only: a child that is not ready yet gets nothing written. */
	public void startReading() {
		this.readerThread.start();
	}

	/**
	 * Start writing, unless the writer was stopped already (the child ended before it was
	 * ready).
	 */
	public void startWriting() {
		this.writer.start();
	}

	/**
	 * Something was added to the queue: write it, on this thread if the socket has room.
	 */
	public void kick() {
		this.writer.kick();
	}

	/**
	 * Something waits to be added to the full queue: write what is there, on this thread
	 * if the socket has room, even if this thread is delivering frames.
	 */
	public void kickNow() {
		this.writer.kickNow();
	}

	/**
	 * A descendant that inherited the socket would keep the reader waiting after the
	 * child itself has exited; shutting our read side lets it finish once queued data is
	 * consumed.
	 */
	public void shutdownInput() {
		try {
			this.socket.shutdownInput();
		}
		catch (IOException ex) {
			// Already closed: the reader has ended.
		}
	}

	/**
	 * Stop the writer.
	 * @param limit how long to wait for it
	 * @return what it accepted and never wrote, in order
	 */
	public List<Outgoing> stopWriter(Duration limit) {
		// Shutting down fails a write blocked on a full socket after it reports what it
		// wrote, and every later write. Not an interrupt first: one landing just after
		// the shutdown cut a write short makes the JDK throw away the count of bytes that
		// write sent, and the accounting of what the child read would be off by them.
		try {
			this.socket.shutdownOutput();
		}
		catch (IOException ex) {
			// Not connected any more: no write can block.
		}
		try {
			if (!this.writer.stop(limit.toMillis())) {
				logger.warn("Sidecar '{}': the writer did not stop within {}", this.sidecarName, limit);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<Outgoing> taken = this.unwritten;
		this.unwritten = List.of();
		return taken;
	}

	/**
	 * What the child never read: call once the child and every process that shared its
	 * socket are gone, and the writer is stopped.
	 * @return the written messages whose frames the child did not read to the end, in
	 * order
	 */
	public List<Outgoing> unread() {
		int unreadBytes;
		try {
			unreadBytes = this.socket.unreadByChild();
		}
		catch (IOException ex) {
			logger.warn("Sidecar '{}': cannot tell what the child left unread ({}); counting every recent message "
					+ "as unread", this.sidecarName, ex.getMessage());
			return this.log.unreadAfter(-1);
		}
		return this.log.unreadAfter(this.writer.position() - unreadBytes);
	}

	/** Close the socket; wakes a blocked reader or writer. */
	public void close() {
		this.socket.close();
	}

	@Override
	public void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	@Override
	public void endOfInputWritten(List<Outgoing> unwritten) {
		this.unwritten = unwritten;
	}

	@Override
	public void writeFailed(IOException cause, List<Outgoing> unwritten) {
		logger.debug("Sidecar '{}': write failed; {} message(s) kept for the next child", this.sidecarName,
				unwritten.size(), cause);
		this.unwritten = unwritten;
	}

	/**
	 * How the connection frames messages.
	 *
	 * @param framing the framing
	 * @param maxMessageSize the largest payload in either direction
	 */
	public record Settings(Framing framing, int maxMessageSize) {

	}

}
