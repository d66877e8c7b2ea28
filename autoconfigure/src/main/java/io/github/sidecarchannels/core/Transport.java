package io.github.sidecarchannels.core;

/**
 * The kind of AF_UNIX socketpair between the application and a sidecar.
 */
public enum Transport {

	/**
	 * A {@code SOCK_STREAM} pair: a byte stream, so messages need a {@link FramingType
	 * framing}. Works with any program that reads stdin and writes stdout.
	 */
	STREAM("stream"),

	/**
	 * A {@code SOCK_SEQPACKET} pair: the kernel keeps message boundaries, one record is
	 * one message. The child must read whole records with a buffer of at least the
	 * maximum message size (Linux only).
	 */
	SEQPACKET("seqpacket");

	private final String wireName;

	Transport(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * @return the name used in configuration and in the child's {@code SIDECAR_*}
	 * environment, e.g. {@code seqpacket}
	 */
	public String wireName() {
		return this.wireName;
	}

}
