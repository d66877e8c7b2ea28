package io.github.sidecarchannels.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.util.concurrent.TimeUnit;

/**
 * What users hand-write: {@code ProcessBuilder} with stdin/stdout pipes to {@code cat}, a
 * {@code DataOutputStream} writing the same 4-byte length frame plus payload and flushing
 * per message, and a reader thread doing {@code readInt} and {@code readFully} on a
 * buffered {@code DataInputStream}.
 */
// close() waits for the child and the link's threads to end, so it may be interrupted:
// "try" lint
// warns about exactly that, and it is intended.
@SuppressWarnings("try")
final class PipeLink extends Link {

	private static final int BUFFER = 64 * 1024;

	private final Process process;

	private final DataOutputStream out;

	private final Thread reader;

	private PipeLink() throws IOException {
		this.process = new ProcessBuilder("cat").redirectError(Redirect.INHERIT).start();
		this.out = new DataOutputStream(new BufferedOutputStream(this.process.getOutputStream(), BUFFER));
		this.reader = new Thread(this::read, "pipe-reader");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	static Link.Factory factory() {
		return (window) -> new PipeLink();
	}

	@Override
	void send(Object payload) throws IOException {
		byte[] bytes = (byte[]) payload;
		this.out.writeInt(bytes.length);
		this.out.write(bytes);
		this.out.flush();
	}

	private void read() {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(this.process.getInputStream(), BUFFER))) {
			while (true) {
				byte[] message = new byte[in.readInt()];
				in.readFully(message);
				this.sink.arrived(message.length);
			}
		}
		catch (EOFException ex) {
			// cat exited after we closed its stdin.
		}
		catch (IOException ex) {
			this.sink.failed(ex);
		}
	}

	@Override
	public void close() throws Exception {
		this.out.close();
		this.reader.join(TimeUnit.SECONDS.toMillis(10));
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

}
