package io.github.sidecarchannels.core;

/**
 * How messages are delimited on a {@link Transport#STREAM stream} transport. Ignored for
 * {@link Transport#SEQPACKET seqpacket}, where every record is one message.
 */
public enum FramingType {

	/**
	 * UTF-8 text, one message per line terminated by {@code \n} ({@code \r\n} accepted on
	 * input). Inbound payloads are {@link String}s; an outbound message must not contain
	 * {@code \n}.
	 */
	LINES("lines"),

	/**
	 * A 4-byte big-endian unsigned length followed by that many bytes: the frame of
	 * Spring Integration's length-header serializer and Erlang's {@code {packet,4}}.
	 * Inbound payloads are {@code byte[]}.
	 */
	LENGTH_PREFIXED("length-prefixed"),

	/**
	 * The base protocol of the Language Server Protocol: a {@code Content-Length: N}
	 * header block ended by a blank line ({@code \r\n\r\n}), then N bytes. Written
	 * exactly as {@code Content-Length: N\r\n\r\n}; read leniently (header names in any
	 * case, other headers such as {@code Content-Type} ignored). Inbound payloads are
	 * {@code byte[]}.
	 */
	CONTENT_LENGTH("content-length");

	private final String wireName;

	FramingType(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * @return the name used in configuration and in the child's {@code SIDECAR_*}
	 * environment, e.g. {@code length-prefixed}
	 */
	public String wireName() {
		return this.wireName;
	}

}
