package io.github.sidecarchannels.rpc;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A success response as it arrived, found by {@link ResponseScanner}: the frame, where
 * its {@code result} lies in it and, when the scanner knew the caller's type, the result
 * already bound to it. No tree of the whole message is built.
 */
final class SuccessResponse {

	private final Object frame;

	private final long id;

	private final int resultStart;

	private final int resultEnd;

	private final @Nullable JavaType boundType;

	private final @Nullable Object bound;

	SuccessResponse(Object frame, long id, int resultStart, int resultEnd, @Nullable JavaType boundType,
			@Nullable Object bound) {
		this.frame = frame;
		this.id = id;
		this.resultStart = resultStart;
		this.resultEnd = resultEnd;
		this.boundType = boundType;
		this.bound = bound;
	}

	long id() {
		return this.id;
	}

	/**
	 * @param mapper the application's mapper
	 * @param type the caller's result type
	 * @return the result bound to {@code type}; a tree for {@code JsonNode} types
	 */
	@Nullable Object result(JsonMapper mapper, JavaType type) {
		if (type.equals(this.boundType)) {
			return this.bound;
		}
		if (JsonNode.class.isAssignableFrom(type.getRawClass())) {
			return (this.frame instanceof byte[] bytes)
					? mapper.readTree(bytes, this.resultStart, this.resultEnd - this.resultStart)
					: mapper.readTree(((String) this.frame).substring(this.resultStart, this.resultEnd));
		}
		return (this.frame instanceof byte[] bytes)
				? mapper.readValue(bytes, this.resultStart, this.resultEnd - this.resultStart, type)
				: mapper.readValue(((String) this.frame).substring(this.resultStart, this.resultEnd), type);
	}

	/**
	 * @param mapper the application's mapper
	 * @return the whole response as a tree, for reports
	 */
	JsonNode tree(JsonMapper mapper) {
		return (this.frame instanceof byte[] bytes) ? mapper.readTree(bytes) : mapper.readTree((String) this.frame);
	}

	@Override
	public String toString() {
		return (this.frame instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : (String) this.frame;
	}

}
