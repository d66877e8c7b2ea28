package io.github.sidecarchannels.core;

import java.time.Duration;

import org.springframework.messaging.MessagingException;

/**
 * A request got no reply, or could not be queued, within its timeout.
 */
public class SidecarTimeoutException extends MessagingException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param sidecarName the sidecar
	 * @param timeout the timeout that passed
	 * @param what what did not happen in time
	 */
	public SidecarTimeoutException(String sidecarName, Duration timeout, String what) {
		super("Sidecar '" + sidecarName + "': " + what + " within " + timeout);
	}

}
