package io.github.sidecarchannels.core;

/**
 * When a freshly started child may be sent requests and messages.
 */
public enum ReadySignal {

	/**
	 * As soon as it is spawned: the sidecar is {@link SidecarState#RUNNING} at once.
	 */
	SPAWN("spawn"),

	/**
	 * Once the child says so: the notification {@code $/ready} with protocol json-rpc,
	 * the first message equal to {@link SidecarDefinition#readyMessage()} with protocol
	 * raw (consumed, not delivered). Until then the sidecar is
	 * {@link SidecarState#STARTING} and what is sent waits in the outbound buffer.
	 */
	MESSAGE("message");

	private final String wireName;

	ReadySignal(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * @return the name used in configuration and in the child's {@code SIDECAR_READY},
	 * e.g. {@code message}
	 */
	public String wireName() {
		return this.wireName;
	}

}
