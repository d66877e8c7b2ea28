package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;

/**
 * SOCK_SEQPACKET: the kernel keeps boundaries, so a record is a message and nothing is
 * added. The reader hands each record to the decoder whole.
 */
public final class RecordFraming implements Framing {

	static final RecordFraming INSTANCE = new RecordFraming();

	@Override
	public int overhead() {
		return 0;
	}

	@Override
	public boolean coalesces() {
		return false;
	}

	@Override
	public String rejectionReason(ByteBuffer payload) {
		// An empty record reads as end of input on the child's side.
		return payload.hasRemaining() ? null
				: "an empty message cannot be sent on seqpacket (the child would read it as end of input)";
	}

	@Override
	public void writeHeader(int payloadLength, ByteBuffer target) {
	}

	@Override
	public void writeTrailer(ByteBuffer target) {
	}

	@Override
	public FrameDecoder newDecoder(int maxMessageSize) {
		return (record, sink) -> {
			if (record.remaining() > maxMessageSize) {
				sink.problem("oversize-record", "a record of more than max-message-size (" + maxMessageSize
						+ " bytes) arrived; its tail was cut off by the kernel, so it was dropped", true);
			}
			else {
				int size = record.remaining();
				sink.frame(LengthPrefixedFraming.bytes(record), size);
			}
			record.position(record.limit());
		};
	}

}
