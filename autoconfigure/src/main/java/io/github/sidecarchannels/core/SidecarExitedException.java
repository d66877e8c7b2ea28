package io.github.sidecarchannels.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.MessagingException;

/**
 * The sidecar's child exited (or closed its socket) while a request was waiting for a
 * reply, or before an accepted message could be written.
 */
public class SidecarExitedException extends MessagingException {

	private static final long serialVersionUID = 1L;

	private final String sidecarName;

	private final @Nullable Integer exitCode;

	private final List<String> stderrTail;

	/**
	 * @param sidecarName the sidecar
	 * @param exitCode the child's exit status ({@code 128 + n} when killed by signal
	 * {@code n}), or {@code null} if it was unknown when the request failed
	 * @param reason what happened, in a few words
	 * @param stderrTail the last lines the child wrote to stderr
	 */
	public SidecarExitedException(String sidecarName, @Nullable Integer exitCode, String reason,
			List<String> stderrTail) {
		super(describe(sidecarName, exitCode, reason, stderrTail));
		this.sidecarName = sidecarName;
		this.exitCode = exitCode;
		this.stderrTail = List.copyOf(stderrTail);
	}

	private static String describe(String sidecarName, @Nullable Integer exitCode, String reason,
			List<String> stderrTail) {
		StringBuilder text = new StringBuilder("Sidecar '").append(sidecarName).append("' ").append(reason);
		if (exitCode != null && !reason.contains("(exit code ")) {
			text.append(" (exit code ").append(exitCode).append(')');
		}
		if (!stderrTail.isEmpty()) {
			text.append("; last stderr lines:");
			stderrTail.subList(Math.max(0, stderrTail.size() - 10), stderrTail.size())
				.forEach((line) -> text.append("\n  ").append(line));
		}
		return text.toString();
	}

	/**
	 * @return the sidecar whose child exited
	 */
	public String getSidecarName() {
		return this.sidecarName;
	}

	/**
	 * @return the child's exit status ({@code 128 + n} when killed by signal {@code n}),
	 * or {@code null} when unknown
	 */
	public @Nullable Integer getExitCode() {
		return this.exitCode;
	}

	/**
	 * @return the last lines the child wrote to stderr, oldest first
	 */
	public List<String> getStderrTail() {
		return this.stderrTail;
	}

}
