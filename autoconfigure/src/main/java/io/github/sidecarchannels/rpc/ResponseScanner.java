package io.github.sidecarchannels.rpc;

import java.util.function.LongFunction;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds success responses in frames with one streaming pass: when the {@code id} comes
 * before the {@code result} (as most peers write them) and a call with that id waits, the
 * result is bound to the caller's type on the way. Recognises only the plain case and
 * leaves every other frame (errors, requests, batches, anything odd) to the general path,
 * which parses it again and reports what is wrong.
 */
final class ResponseScanner {

	private final ObjectReadContext context;

	/** Reads a value inside the frame: what follows it is the scanner's business. */
	private final ObjectReader reader;

	private final LongFunction<@Nullable JavaType> expected;

	/**
	 * @param mapper the application's mapper
	 * @param expected the result type of the call waiting under an id, if any
	 */
	ResponseScanner(JsonMapper mapper, LongFunction<@Nullable JavaType> expected) {
		this.context = new ScanContext(mapper);
		this.reader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
		this.expected = expected;
	}

	/**
	 * @param frame a frame's payload: a {@code String} or UTF-8 {@code byte[]}
	 * @return the response, if the frame is one JSON object with an integral {@code id}
	 * that fits a {@code long}, a {@code result}, no {@code method} and no {@code error},
	 * and nothing after it; otherwise (invalid JSON included) {@code null}
	 */
	@Nullable SuccessResponse scan(Object frame) {
		try {
			return scan(frame, true);
		}
		catch (UnboundResult ex) {
			// The parser stopped mid-value: scan again without binding, so the caller
			// binds the result itself and sees why it fails.
			return scan(frame, false);
		}
	}

	private @Nullable SuccessResponse scan(Object frame, boolean bind) {
		try (JsonParser parser = (frame instanceof byte[] bytes) ? this.context.createParser(bytes)
				: this.context.createParser((String) frame)) {
			return (parser.nextToken() == JsonToken.START_OBJECT) ? members(parser, frame, bind) : null;
		}
		catch (UnboundResult ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private @Nullable SuccessResponse members(JsonParser parser, Object frame, boolean bind) {
		Long id = null;
		int start = -1;
		int end = -1;
		JavaType boundType = null;
		Object bound = null;
		for (String name = parser.nextName(); name != null; name = parser.nextName()) {
			JsonToken value = parser.nextToken();
			if (name.equals("id")) {
				if (value != JsonToken.VALUE_NUMBER_INT
						|| parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
					return null;
				}
				id = parser.getLongValue();
			}
			else if (name.equals("result")) {
				start = offset(parser.currentTokenLocation(), frame);
				boundType = (bind && id != null) ? this.expected.apply(id) : null;
				bound = (boundType != null) ? bind(parser, boundType) : skip(parser);
				end = offset(parser.currentLocation(), frame);
			}
			else if (name.equals("method") || name.equals("error")) {
				return null;
			}
			else {
				skip(parser);
			}
		}
		boolean whole = parser.nextToken() == null;
		return (whole && id != null && start >= 0 && end > start)
				? new SuccessResponse(frame, id, start, end, boundType, bound) : null;
	}

	private @Nullable Object bind(JsonParser parser, JavaType type) {
		try {
			Object value = this.reader.forType(type).readValue(parser);
			parser.finishToken();
			return value;
		}
		catch (RuntimeException ex) {
			throw new UnboundResult();
		}
	}

	/** Leaves the parser just past the value, so its location is where the value ends. */
	private static @Nullable Object skip(JsonParser parser) {
		parser.skipChildren();
		parser.finishToken();
		return null;
	}

	/**
	 * Byte offsets for UTF-8 input, char offsets for text; -1 where they do not apply.
	 */
	private static int offset(TokenStreamLocation location, Object frame) {
		long offset = (frame instanceof byte[]) ? location.getByteOffset() : location.getCharOffset();
		return (offset >= 0 && offset <= Integer.MAX_VALUE) ? (int) offset : -1;
	}

	/** The result did not bind to the caller's type (or the JSON broke inside it). */
	private static final class UnboundResult extends RuntimeException {

		UnboundResult() {
			super(null, null, false, false);
		}

	}

	/**
	 * The mapper's parser settings without the deserialization context a parser made by
	 * the mapper itself carries.
	 */
	private static final class ScanContext extends ObjectReadContext.Base {

		private final JsonMapper mapper;

		ScanContext(JsonMapper mapper) {
			this.mapper = mapper;
		}

		@Override
		public TokenStreamFactory tokenStreamFactory() {
			return this.mapper.tokenStreamFactory();
		}

		@Override
		public StreamReadConstraints streamReadConstraints() {
			return this.mapper.tokenStreamFactory().streamReadConstraints();
		}

		@Override
		public int getStreamReadFeatures(int defaults) {
			return this.mapper.deserializationConfig().getStreamReadFeatures();
		}

		@Override
		public int getFormatReadFeatures(int defaults) {
			return this.mapper.deserializationConfig().getFormatReadFeatures();
		}

	}

}
