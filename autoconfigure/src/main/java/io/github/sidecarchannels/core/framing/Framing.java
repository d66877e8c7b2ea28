package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;

import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Transport;

/**
 * How one message is laid on the wire and found again. Implementations are small and
 * stateless; the per-connection state lives in the {@link FrameDecoder} each connection
 * gets.
 */
public interface Framing {

	/**
	 * @return the most bytes this framing adds to a payload (content-length headers vary
	 * with the length)
	 */
	int overhead();

	/**
	 * @return whether many frames may share one write call (false where one write is one
	 * message)
	 */
	boolean coalesces();

	/**
	 * Reject a payload this framing cannot carry.
	 * @param payload the bytes to send, not consumed
	 * @return {@code null} if the payload can be framed, else what is wrong with it
	 */
	String rejectionReason(ByteBuffer payload);

	/**
	 * Write the header of a frame for a payload of the given length (the payload follows
	 * it).
	 * @param payloadLength the payload's length
	 * @param target where to put the header
	 */
	void writeHeader(int payloadLength, ByteBuffer target);

	/**
	 * Write the trailer of a frame (after the payload).
	 * @param target where to put the trailer
	 */
	void writeTrailer(ByteBuffer target);

	/**
	 * @param maxMessageSize the largest payload to accept
	 * @return a decoder for one connection
	 */
	FrameDecoder newDecoder(int maxMessageSize);

	/**
	 * @param definition the sidecar's settings
	 * @return the framing those settings select
	 */
	static Framing of(SidecarDefinition definition) {
		if (definition.transport() == Transport.SEQPACKET) {
			return RecordFraming.INSTANCE;
		}
		return switch (definition.framing()) {
			case LINES -> new LineFraming();
			case LENGTH_PREFIXED -> LengthPrefixedFraming.INSTANCE;
			case CONTENT_LENGTH -> ContentLengthFraming.INSTANCE;
		};
	}

}
