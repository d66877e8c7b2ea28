package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;

/**
 * Finds whole frames in the bytes read from one connection. Keeps partial frames between
 * calls in a buffer of at most the maximum message size plus the framing's overhead.
 */
public interface FrameDecoder {

	/**
	 * Consume all of {@code input}, passing every complete frame to the sink.
	 * @param input bytes just read
	 * @param sink receives frames and recoverable problems
	 * @throws FramingException when the stream can no longer be trusted (it is out of
	 * sync)
	 */
	void decode(ByteBuffer input, FrameSink sink) throws FramingException;

	/**
	 * Receives what a decoder finds.
	 */
	interface FrameSink {

		/**
		 * @param payload one whole payload: a {@code String} for lines, else a
		 * {@code byte[]}
		 * @param size the payload's size in bytes on the wire
		 */
		void frame(Object payload, int size);

		/**
		 * Something was wrong with the input; decoding goes on.
		 * @param type short kebab-case problem type, used as the {@code type} tag of
		 * {@code sidecar.errors}
		 * @param description what was wrong
		 * @param frameDropped whether a whole message was dropped (rather than delivered
		 * with repairs)
		 */
		void problem(String type, String description, boolean frameDropped);

	}

}
