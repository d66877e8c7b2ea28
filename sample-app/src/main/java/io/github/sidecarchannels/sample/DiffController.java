package io.github.sidecarchannels.sample;

import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.rpc.JsonRpcErrorException;
import io.github.sidecarchannels.sample.DiffService.BurstResult;
import io.github.sidecarchannels.sample.DiffService.DiffRequest;
import io.github.sidecarchannels.sample.DiffService.DiffResult;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /api/diff {"left": "...", "right": "..."}} → {@code {"similarity",
 * "unified", "html"}}, and {@code POST /api/diff/burst?count=N} with the same body to
 * send N requests at once.
 */
@RestController
@RequestMapping("/api/diff")
class DiffController {

	/** Keeps one burst from occupying the sidecar for long. */
	static final int MAX_BURST = 10_000;

	private final DiffService diffs;

	private final int maxLength;

	/**
	 * @param maxLength the longest text accepted, in characters: the similarity score
	 * costs time in proportion to the product of the two lengths, and the one Python
	 * child serves requests one at a time
	 */
	DiffController(DiffService diffs, @Value("${sample.diff.max-length:10000}") int maxLength) {
		this.diffs = diffs;
		this.maxLength = maxLength;
	}

	@PostMapping
	DiffResult diff(@RequestBody DiffRequest request) {
		return this.diffs.diff(checked(request));
	}

	@PostMapping("/burst")
	BurstResult burst(@RequestBody DiffRequest request, @RequestParam(defaultValue = "1000") int count) {
		if (count < 1 || count > MAX_BURST) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"count must be between 1 and " + MAX_BURST + ", got " + count);
		}
		return this.diffs.burst(checked(request), count);
	}

	private DiffRequest checked(DiffRequest request) {
		if (request == null || request.left() == null || request.right() == null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "both 'left' and 'right' are required");
		}
		int longest = Math.max(request.left().length(), request.right().length());
		if (longest > this.maxLength) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"texts are limited to " + this.maxLength + " characters each, got " + longest);
		}
		return request;
	}

	@ExceptionHandler
	ProblemDetail timedOut(SidecarTimeoutException ex) {
		return problem(HttpStatus.GATEWAY_TIMEOUT, ex);
	}

	/**
	 * The child died while the request was in flight; the restart policy brings a new
	 * one.
	 */
	@ExceptionHandler
	ProblemDetail childExited(SidecarExitedException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, ex);
	}

	/**
	 * The sidecar accepts nothing while STOPPED or FAILED (the message says which, and
	 * why).
	 */
	@ExceptionHandler
	ProblemDetail notDelivered(MessageDeliveryException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, ex);
	}

	@ExceptionHandler
	ProblemDetail childRefused(JsonRpcErrorException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
				"The diff sidecar answered with an error: " + ex.getMessage());
	}

	private static ProblemDetail problem(HttpStatus status, RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(status, ex.getMessage());
	}

}
