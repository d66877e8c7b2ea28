package io.github.sidecarchannels.core;

/**
 * What the messages exchanged with a sidecar mean.
 */
public enum Protocol {

	/**
	 * Plain payloads; {@link Sidecar#request request} replies are matched first in, first
	 * out.
	 */
	RAW("raw"),

	/**
	 * Every message is a JSON-RPC 2.0 message (or a batch array): responses are matched
	 * to calls by id, in any order, and the child may call the application too. Needs
	 * Jackson 3 on the classpath; the {@code sidecar.NAME.rpc} bean is the way to call.
	 */
	JSON_RPC("json-rpc");

	private final String wireName;

	Protocol(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * @return the name used in configuration and in the child's {@code SIDECAR_PROTOCOL},
	 * e.g. {@code json-rpc}
	 */
	public String wireName() {
		return this.wireName;
	}

}
