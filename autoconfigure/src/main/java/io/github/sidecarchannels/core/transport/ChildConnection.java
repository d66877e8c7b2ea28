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
 * One child's connection: the socketpair and the two threads that read and write it. The outbound
 * queue belongs to the sidecar and outlives the connection; what the writer took from it but never
 * wrote is handed back by {@link #stopWriter(Duration)}, in order, for the next child.
 */
public final class ChildConnection implements SocketWriter.Listener {

	private static final Logger logger = LoggerFactory.getLogger(ChildConnection.class);

	private final String sidecarName;

	private final SocketPair socket;

	private final Thread readerThread;

	private final Thread writerThread;

	private volatile List<Outgoing> unwritten = List.of();

	/**
	 * @param sidecarName names the threads
	 * @param socket the pair, the child's end already handed over
	 * @param settings how frames are laid out and how big they may be
	 * @param carryOver messages a previous connection accepted but never wrote, written first
	 * @param queue the sidecar's outbound queue
	 * @param correlation told when requests are written
	 * @param metrics counts what is written
	 * @param sink receives what is read, on the reading thread
	 * @param ended told once, on the reading thread, when the connection ends
	 */
	public ChildConnection(String sidecarName, SocketPair socket, Settings settings, List<Outgoing> carryOver,
			BlockingQueue<Outgoing> queue, RequestCorrelation correlation, SidecarMetrics metrics,
			FrameDecoder.FrameSink sink, SocketReader.Listener ended) {
		this.sidecarName = sidecarName;
		this.socket = socket;
		Framing framing = settings.framing();
		SocketReader reader = new SocketReader(socket.channel(), !framing.coalesces(), settings.maxMessageSize(),
				framing.newDecoder(settings.maxMessageSize()), sink, ended);
		SocketWriter writer = new SocketWriter(carryOver, queue, socket.channel(), framing, correlation, metrics,
				this);
		this.writerThread = SidecarThreads.daemon(sidecarName, "writer", writer);
		this.readerThread = SidecarThreads.daemon(sidecarName, "reader", reader);
	}

	/** Start reading and writing. */
	public void start() {
		this.writerThread.start();
		this.readerThread.start();
	}

	/**
	 * A descendant that inherited the socket would keep the reader waiting after the child itself has
	 * exited; shutting our read side lets it finish once queued data is consumed.
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
		this.writerThread.interrupt();
		try {
			this.writerThread.join(limit.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<Outgoing> taken = this.unwritten;
		this.unwritten = List.of();
		return taken;
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
