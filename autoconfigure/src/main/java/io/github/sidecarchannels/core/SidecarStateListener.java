package io.github.sidecarchannels.core;

/**
 * Told about every state change of a sidecar, on the thread that made it.
 */
@FunctionalInterface
public interface SidecarStateListener {

	/**
	 * @param sidecar the sidecar
	 * @param previous the state it left
	 * @param current the state it is in now
	 * @param reason why, in a few words (never {@code null})
	 */
	void stateChanged(Sidecar sidecar, SidecarState previous, SidecarState current, String reason);

}
