package io.github.sidecarchannels.core.convert;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;

import io.github.sidecarchannels.core.PayloadConverter;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.converter.MessageConversionException;

/**
 * A {@link PayloadConverter} that writes objects as JSON and binds JSON payloads to any
 * type Jackson can bind, generic ones included; {@code byte[]}, {@code String} and
 * {@code ByteBuffer} pass as they are.
 */
public final class JacksonPayloadConverter implements PayloadConverter {

	private final JsonMapper mapper;

	/**
	 * @param mapper reads and writes the JSON (its modules and naming strategy apply)
	 */
	public JacksonPayloadConverter(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public Object toPayload(String sidecar, Object value) {
		if (value instanceof byte[] || value instanceof String || value instanceof ByteBuffer) {
			return value;
		}
		try {
			return this.mapper.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new MessageConversionException("Sidecar '" + sidecar + "' cannot write a "
					+ value.getClass().getName() + " as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public @Nullable Object fromPayload(String sidecar, Object payload, Type type) {
		if (type == Object.class || (type instanceof Class<?> wanted && wanted.isInstance(payload))) {
			return payload;
		}
		if (type == String.class || type == byte[].class) {
			return PayloadConverter.plain().fromPayload(sidecar, textOf(payload), type);
		}
		JavaType target = this.mapper.constructType(type);
		try {
			if (payload instanceof JsonNode node) {
				return this.mapper.treeToValue(node, target);
			}
			if (payload instanceof String text) {
				return this.mapper.readValue(text, target);
			}
			if (payload instanceof byte[] bytes) {
				return this.mapper.readValue(bytes, target);
			}
		}
		catch (JacksonException ex) {
			throw new MessageConversionException("Sidecar '" + sidecar + "': the payload cannot be read as "
					+ type.getTypeName() + ": " + ex.getOriginalMessage(), ex);
		}
		return PayloadConverter.plain().fromPayload(sidecar, payload, type);
	}

	/** A JSON-RPC notification's params asked for as text or bytes: its JSON. */
	private Object textOf(Object payload) {
		return (payload instanceof JsonNode node) ? this.mapper.writeValueAsString(node) : payload;
	}

}
