package io.github.sidecarchannels.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.github.sidecarchannels.core.Sidecar;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Service;

/**
 * Diffs texts through the {@code diff} sidecar: one JSON object per line each way ({@code lines}
 * framing, the starter's default), one reply per request. Jackson never writes a raw newline into
 * compact JSON (newlines inside the texts become {@code \n} escapes), so a request always fits on one
 * line.
 */
@Service
class DiffService {

	/** The sidecar's name, as declared under {@code sidecar.processes} in application.yml. */
	static final String SIDECAR = "diff";

	private final Sidecar sidecar;

	private final JsonMapper json;

	private final Duration timeout;

	DiffService(@Qualifier("sidecar." + SIDECAR) Sidecar sidecar, JsonMapper json,
			@Value("${sample.diff.timeout:10s}") Duration timeout) {
		this.sidecar = sidecar;
		this.json = json;
		this.timeout = timeout;
	}

	/**
	 * @param request the two texts
	 * @return the similarity and both renderings of the diff
	 * @throws io.github.sidecarchannels.core.SidecarTimeoutException if no reply came within the timeout
	 * @throws io.github.sidecarchannels.core.SidecarExitedException if the child died before replying
	 * @throws org.springframework.messaging.MessageDeliveryException if the sidecar is not running
	 * @throws SidecarReplyException if the child answered with an error
	 */
	DiffResult diff(DiffRequest request) {
		Message<?> reply = this.sidecar.request(this.json.writeValueAsString(request), this.timeout);
		return toResult(reply);
	}

	/**
	 * Sends the same request {@code count} times without waiting between them: the child gets them
	 * pipelined and answers them in order, which is what fills the dashboard's chart.
	 * @param request the two texts
	 * @param count how many requests
	 * @return how many succeeded and how long all of them took
	 */
	BurstResult burst(DiffRequest request, int count) {
		String payload = this.json.writeValueAsString(request);
		long start = System.nanoTime();
		List<CompletableFuture<Message<?>>> replies = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			replies.add(this.sidecar.requestAsync(payload, this.timeout));
		}
		int succeeded = 0;
		String firstFailure = null;
		for (CompletableFuture<Message<?>> reply : replies) {
			try {
				toResult(reply.join());
				succeeded++;
			}
			catch (CompletionException | SidecarReplyException ex) {
				if (firstFailure == null) {
					firstFailure = ((ex.getCause() != null) ? ex.getCause() : ex).getMessage();
				}
			}
		}
		long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		return new BurstResult(count, succeeded, count - succeeded, millis, firstFailure);
	}

	private DiffResult toResult(Message<?> reply) {
		// lines framing: every inbound payload is a String.
		Reply parsed = this.json.readValue((String) reply.getPayload(), Reply.class);
		if (parsed.error() != null) {
			throw new SidecarReplyException(parsed.error());
		}
		return new DiffResult(parsed.similarity(), parsed.unified(), parsed.html());
	}

	/** The texts to compare; also the JSON sent to the child. */
	record DiffRequest(String left, String right) {
	}

	/** What the page gets back. */
	record DiffResult(double similarity, String unified, String html) {
	}

	/** The outcome of {@link #burst}. */
	record BurstResult(int requests, int succeeded, int failed, long millis, String firstFailure) {
	}

	/** The child's reply: a result, or {@code error} alone. */
	private record Reply(double similarity, String unified, String html, String error) {
	}

	/** The child understood the request but could not diff it. */
	static class SidecarReplyException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		SidecarReplyException(String message) {
			super("The diff sidecar answered with an error: " + message);
		}

	}

}
