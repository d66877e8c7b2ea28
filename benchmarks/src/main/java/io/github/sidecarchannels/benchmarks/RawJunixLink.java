package io.github.sidecarchannels.benchmarks;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The floor on the JVM: a junixsocket socketpair from plain Java, no framework. The
 * calling thread writes each message with one write call (like the C baseline); a reader
 * thread reads the socket (64 KiB reads parsed into 4-byte-framed messages on a stream,
 * one record per read on seqpacket) and copies every message into its own {@code byte[]},
 * the least a real consumer needs.
 */
// close() waits for the child and the link's threads to end, so it may be interrupted:
// "try" lint
// warns about exactly that, and it is intended.
@SuppressWarnings("try")
final class RawJunixLink extends Link {

	/** The starter's default max-message-size; also the largest benchmark message. */
	private static final int MAX_MESSAGE = 1024 * 1024;

	/** Same seqpacket send-buffer sizing as the starter and the C baseline. */
	private static final int SEQPACKET_SNDBUF = MAX_MESSAGE + 64 * 1024;

	private static final int READ_SIZE = 64 * 1024;

	private final boolean seqpacket;

	private final ByteChannel channel;

	private final Process process;

	private final Thread reader;

	private final ByteBuffer out = ByteBuffer.allocateDirect(MAX_MESSAGE + 4);

	private RawJunixLink(boolean seqpacket, List<String> seqecho) throws IOException {
		this.seqpacket = seqpacket;
		ByteChannel child;
		FileDescriptor childFd;
		if (seqpacket) {
			AFUNIXSocketPair<AFUNIXDatagramChannel> pair = AFUNIXSocketPair.openDatagram(AFSocketType.SOCK_SEQPACKET);
			pair.getSocket1().socket().setSendBufferSize(SEQPACKET_SNDBUF);
			pair.getSocket2().socket().setSendBufferSize(SEQPACKET_SNDBUF);
			this.channel = pair.getSocket1();
			child = pair.getSocket2();
			childFd = pair.getSocket2().getFileDescriptor();
		}
		else {
			AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
			this.channel = pair.getSocket1();
			child = pair.getSocket2();
			childFd = pair.getSocket2().getFileDescriptor();
		}
		// The JDK closes a redirect's fd after dup2 onto stdin, so stdout needs its own
		// duplicate.
		FileDescriptorCast duplicate = FileDescriptorCast.duplicating(childFd);
		ProcessBuilder builder = new ProcessBuilder(seqpacket ? seqecho : List.of("cat"))
			.redirectInput(FileDescriptorCast.using(childFd).as(Redirect.class))
			.redirectOutput(duplicate.as(Redirect.class))
			.redirectError(Redirect.INHERIT);
		try {
			this.process = builder.start();
		}
		finally {
			// Release our copies of the child's end without junixsocket's shutdown, which
			// would cut the
			// child off too: close the fds through plain streams first, then the (now
			// fd-less) channel.
			closeFd(duplicate.getFileDescriptor());
			closeFd(childFd);
			child.close();
		}
		this.reader = new Thread(seqpacket ? this::readRecords : this::readStream, "raw-junixsocket-reader");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	static Link.Factory factory(boolean seqpacket, RunnerOptions options) {
		List<String> seqecho = options.helperChild("seqecho");
		return (window) -> new RawJunixLink(seqpacket, seqecho);
	}

	private static void closeFd(FileDescriptor fd) throws IOException {
		if (fd.valid()) {
			new FileOutputStream(fd).close();
		}
	}

	@Override
	void send(Object payload) throws IOException {
		byte[] bytes = (byte[]) payload;
		this.out.clear();
		if (!this.seqpacket) {
			this.out.putInt(bytes.length);
		}
		this.out.put(bytes).flip();
		if (this.seqpacket) {
			if (this.channel.write(this.out) != bytes.length) {
				throw new IOException("a seqpacket record was not written whole");
			}
			return;
		}
		while (this.out.hasRemaining()) {
			this.channel.write(this.out);
		}
	}

	private void readRecords() {
		ByteBuffer in = ByteBuffer.allocateDirect(MAX_MESSAGE + 1);
		try {
			while (this.channel.read(in) > 0) {
				in.flip();
				byte[] message = new byte[in.remaining()];
				in.get(message);
				in.clear();
				this.sink.arrived(message.length);
			}
		}
		catch (IOException ex) {
			// Closing the channel in close() ends a blocked read: that is how this thread
			// stops.
		}
	}

	private void readStream() {
		ByteBuffer in = ByteBuffer.allocateDirect(READ_SIZE);
		ByteBuffer header = ByteBuffer.allocate(4);
		byte[] body = null;
		int filled = 0;
		try {
			while (this.channel.read(in) >= 0) {
				in.flip();
				while (in.hasRemaining()) {
					if (body == null) {
						while (header.hasRemaining() && in.hasRemaining()) {
							header.put(in.get());
						}
						if (header.hasRemaining()) {
							break;
						}
						body = new byte[header.getInt(0)];
						header.clear();
						filled = 0;
					}
					int take = Math.min(body.length - filled, in.remaining());
					in.get(body, filled, take);
					filled += take;
					if (filled == body.length) {
						this.sink.arrived(body.length);
						body = null;
					}
				}
				in.clear();
			}
		}
		catch (IOException ex) {
			this.sink.failed(ex);
		}
	}

	@Override
	public void close() throws Exception {
		if (this.channel instanceof AFUNIXSocketChannel stream) {
			// Half-close: cat sees end of input, exits, and the reader then reads end of
			// stream.
			stream.shutdownOutput();
			this.reader.join(TimeUnit.SECONDS.toMillis(10));
		}
		// On seqpacket, closing our end gives the child end of input and ends the blocked
		// reader.
		this.channel.close();
		this.reader.join(TimeUnit.SECONDS.toMillis(10));
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

}
