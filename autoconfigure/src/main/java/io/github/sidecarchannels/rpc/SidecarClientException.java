package io.github.sidecarchannels.rpc;

import org.jspecify.annotations.Nullable;

/**
 * A {@link SidecarClient} interface that cannot work: its sidecar is missing or not
 * {@code json-rpc}, or one of its methods cannot be mapped to a call or notification.
 */
public class SidecarClientException extends RuntimeException {

	private final Class<?> clientInterface;

	private final String sidecarName;

	private final @Nullable String setting;

	private final String problem;

	/**
	 * @param clientInterface the interface
	 * @param sidecarName the sidecar it names
	 * @param setting the setting under {@code sidecar.processes.NAME} to fix, or
	 * {@code null} when the interface itself must change
	 * @param problem what is wrong
	 */
	public SidecarClientException(Class<?> clientInterface, String sidecarName, @Nullable String setting,
			String problem) {
		super("Sidecar client " + clientInterface.getName() + " (sidecar '" + sidecarName + "'): " + problem);
		this.clientInterface = clientInterface;
		this.sidecarName = sidecarName;
		this.setting = setting;
		this.problem = problem;
	}

	/**
	 * @return the interface
	 */
	public Class<?> getClientInterface() {
		return this.clientInterface;
	}

	/**
	 * @return the sidecar it names
	 */
	public String getSidecarName() {
		return this.sidecarName;
	}

	/**
	 * @return the setting to fix, or {@code null} when the interface must change
	 */
	public @Nullable String getSetting() {
		return this.setting;
	}

	/**
	 * @return what is wrong
	 */
	public String getProblem() {
		return this.problem;
	}

}
