package io.github.sidecarchannels.core.framing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link FrameDecoder.FrameSink} that keeps everything a decoder reports, in order.
 */
final class RecordingFrameSink implements FrameDecoder.FrameSink {

	private final List<Event> events = new ArrayList<>();

	@Override
	public void frame(Object payload, int size) {
		this.events.add(new Event(null, null, false, payload, size));
	}

	@Override
	public void problem(String type, String description, boolean frameDropped) {
		this.events.add(new Event(type, description, frameDropped, null, -1));
	}

	List<Event> events() {
		return this.events;
	}

	/**
	 * @return the payloads of the frames, as delivered (String or byte[])
	 */
	List<Object> payloads() {
		return this.events.stream().filter(Event::isFrame).map(Event::payload).collect(Collectors.toList());
	}

	/**
	 * @return the payloads of the frames, which must all be Strings
	 */
	List<String> lines() {
		return this.events.stream().filter(Event::isFrame).map((event) -> (String) event.payload()).toList();
	}

	/**
	 * @return the payloads of the frames, which must all be byte arrays
	 */
	List<byte[]> frames() {
		return this.events.stream().filter(Event::isFrame).map((event) -> (byte[]) event.payload()).toList();
	}

	/**
	 * @return the sizes passed with the frames
	 */
	List<Integer> sizes() {
		return this.events.stream().filter(Event::isFrame).map(Event::size).toList();
	}

	List<String> problemTypes() {
		return this.events.stream().filter((event) -> !event.isFrame()).map(Event::problemType).toList();
	}

	List<String> problemDescriptions() {
		return this.events.stream().filter((event) -> !event.isFrame()).map(Event::description).toList();
	}

	/**
	 * @return one comparable line per event: frames with their size and content, problems
	 * with their type and whether the frame was dropped or repaired
	 */
	List<String> transcript() {
		return this.events.stream().map(Event::summary).toList();
	}

	void clear() {
		this.events.clear();
	}

	/**
	 * A frame (problemType {@code null}) or a problem.
	 */
	record Event(String problemType, String description, boolean frameDropped, Object payload, int size) {

		boolean isFrame() {
			return this.problemType == null;
		}

		String summary() {
			if (!isFrame()) {
				return "problem " + this.problemType + (this.frameDropped ? ", dropped" : ", repaired");
			}
			if (this.payload instanceof byte[] bytes) {
				return "bytes[" + this.size + "] " + FramingTestSupport.hex(bytes);
			}
			if (this.payload instanceof String text) {
				return "text[" + this.size + "] " + text;
			}
			return "unexpected payload type " + ((this.payload != null) ? this.payload.getClass() : null);
		}

	}

}
