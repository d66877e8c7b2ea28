package io.github.sidecarchannels.core;

/**
 * How messages are delimited on a {@link Transport#STREAM stream} transport. Ignored for
 * {@link Transport#SEQPACKET seqpacket}, where every record is one message.
 */
public enum FramingType {

	/**
	 * UTF-8 text, one message per line terminated by {@code \n} ({@code \r\n} accepted on input).
	 * Inbound payloads are {@link String}s; an outbound message must not contain {@code \n}.
	 */
	LINES,

	/**
	 * A 4-byte big-endian unsigned length followed by that many bytes: the frame of Spring
	 * Integration's length-header serializer and Erlang's {@code {packet,4}}. Inbound payloads are
	 * {@code byte[]}.
	 */
	LENGTH_PREFIXED

}
