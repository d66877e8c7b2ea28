package io.github.sidecarchannels.core;

import org.jspecify.annotations.Nullable;

/**
 * A sidecar's settings cannot work. Names the sidecar and the setting to fix.
 */
public class SidecarConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String sidecarName;

	private final String setting;

	private final String problem;

	/**
	 * @param sidecarName the sidecar
	 * @param setting the setting at fault, in property form (e.g.
	 * {@code max-message-size})
	 * @param problem what is wrong and how to fix it
	 */
	public SidecarConfigurationException(String sidecarName, String setting, String problem) {
		this(sidecarName, setting, problem, null);
	}

	/**
	 * @param sidecarName the sidecar
	 * @param setting the setting at fault, in property form (e.g.
	 * {@code max-message-size})
	 * @param problem what is wrong and how to fix it
	 * @param cause the underlying error, if any
	 */
	public SidecarConfigurationException(String sidecarName, String setting, String problem,
			@Nullable Throwable cause) {
		super("Sidecar '" + sidecarName + "': " + setting + ": " + problem, cause);
		this.sidecarName = sidecarName;
		this.setting = setting;
		this.problem = problem;
	}

	/**
	 * @return the sidecar whose settings are at fault
	 */
	public String getSidecarName() {
		return this.sidecarName;
	}

	/**
	 * @return the setting at fault, in property form (e.g. {@code command})
	 */
	public String getSetting() {
		return this.setting;
	}

	/**
	 * @return what is wrong and how to fix it
	 */
	public String getProblem() {
		return this.problem;
	}

}
