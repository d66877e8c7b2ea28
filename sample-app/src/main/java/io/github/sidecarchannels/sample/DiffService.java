package io.github.sidecarchannels.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.springframework.stereotype.Service;

/**
 * Diffs texts through the {@code diff} sidecar, a JSON-RPC server called through the
 * typed client {@link DiffSidecar}: no JSON by hand, no casts, and responses matched to
 * callers by id.
 */
@Service
class DiffService {

	/**
	 * The sidecar's name, as declared under {@code sidecar.processes} in application.yml.
	 */
	static final String SIDECAR = "diff";

	private final DiffSidecar sidecar;

	DiffService(DiffSidecar sidecar) {
		this.sidecar = sidecar;
	}

	/**
	 * @param request the two texts
	 * @return the similarity and both renderings of the diff
	 * @throws io.github.sidecarchannels.core.SidecarTimeoutException if no reply came
	 * within the timeout
	 * @throws io.github.sidecarchannels.core.SidecarExitedException if the child died
	 * before replying
	 * @throws org.springframework.messaging.MessageDeliveryException if the sidecar is
	 * not running
	 * @throws io.github.sidecarchannels.rpc.JsonRpcErrorException if the child answered
	 * with an error
	 */
	DiffResult diff(DiffRequest request) {
		return this.sidecar.diff(request);
	}

	/**
	 * Sends the same request {@code count} times without waiting between them: the child
	 * gets them pipelined, which is what fills the dashboard's chart.
	 * @param request the two texts
	 * @param count how many requests
	 * @return how many succeeded and how long all of them took
	 */
	BurstResult burst(DiffRequest request, int count) {
		long start = System.nanoTime();
		List<CompletableFuture<DiffResult>> replies = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			replies.add(this.sidecar.diffAsync(request));
		}
		int succeeded = 0;
		String firstFailure = null;
		for (CompletableFuture<DiffResult> reply : replies) {
			try {
				reply.join();
				succeeded++;
			}
			catch (CompletionException ex) {
				if (firstFailure == null) {
					firstFailure = ((ex.getCause() != null) ? ex.getCause() : ex).getMessage();
				}
			}
		}
		long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		return new BurstResult(count, succeeded, count - succeeded, millis, firstFailure);
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

}
