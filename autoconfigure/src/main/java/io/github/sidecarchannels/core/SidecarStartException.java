package io.github.sidecarchannels.core;

/**
 * A sidecar's child could not be launched (program not found, not executable, working
 * directory missing...).
 */
public class SidecarStartException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String sidecarName;

	/**
	 * @param sidecarName the sidecar
	 * @param message what failed and what to fix
	 * @param cause the underlying error
	 */
	public SidecarStartException(String sidecarName, String message, Throwable cause) {
		super("Sidecar '" + sidecarName + "': " + message, cause);
		this.sidecarName = sidecarName;
	}

	/**
	 * @return the sidecar that could not start
	 */
	public String getSidecarName() {
		return this.sidecarName;
	}

}
