package io.github.sidecarchannels.core;

/**
 * The lifecycle state of a {@link Sidecar}.
 */
public enum SidecarState {

	/** Not running: never started, or stopped on request. */
	STOPPED,

	/** The child process is being launched. */
	STARTING,

	/** The child is running and connected. */
	RUNNING,

	/** The child died and a restart is pending. */
	RESTARTING,

	/** A stop was requested: flushing, then waiting for the child to exit. */
	STOPPING,

	/**
	 * The child could not be started or exited on its own; see
	 * {@link Sidecar#lastFailure()}.
	 */
	FAILED

}
