package io.github.sidecarchannels.core;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.converter.MessageConversionException;

/**
 * Turns application objects into payloads a sidecar can send and payloads it received
 * into the types the application asks for; used by
 * {@link Sidecar#request(Object, Class, java.time.Duration)} and by
 * {@code @SidecarListener} methods. {@link #plain()} handles {@code byte[]},
 * {@code String} and {@code ByteBuffer} only; Spring Boot gives every sidecar one that
 * also writes and binds JSON through the application's Jackson {@code JsonMapper}
 * ({@link io.github.sidecarchannels.core.convert.JacksonPayloadConverter}).
 */
public interface PayloadConverter {

	/**
	 * @param sidecar the sidecar's name, for messages
	 * @param value what the application sends
	 * @return a {@code byte[]}, {@code String} or {@code ByteBuffer}
	 * @throws MessageConversionException naming the sidecar if the value cannot be
	 * written
	 */
	Object toPayload(String sidecar, Object value);

	/**
	 * @param sidecar the sidecar's name, for messages
	 * @param payload what the sidecar received: {@code String} with lines framing,
	 * {@code byte[]} otherwise, a Jackson {@code JsonNode} for json-rpc notifications
	 * @param type what the application wants
	 * @return the payload as that type
	 * @throws MessageConversionException naming the sidecar and the type if it cannot be
	 * converted
	 */
	@Nullable Object fromPayload(String sidecar, Object payload, Type type);

	/**
	 * @param <T> the type wanted
	 * @param sidecar the sidecar's name, for messages
	 * @param payload what the sidecar received
	 * @param type what the application wants
	 * @return the payload as that type
	 * @throws MessageConversionException naming the sidecar and the type if it cannot be
	 * converted
	 */
	@SuppressWarnings("unchecked")
	default <T> @Nullable T fromPayload(String sidecar, Object payload, Class<T> type) {
		return (T) fromPayload(sidecar, payload, (Type) type);
	}

	/**
	 * @return a converter for {@code byte[]}, {@code String} (UTF-8) and
	 * {@code ByteBuffer} that refuses every other type with a message saying Jackson 3 is
	 * needed
	 */
	static PayloadConverter plain() {
		return PlainPayloadConverter.INSTANCE;
	}

}

/**
 * Bytes and text only: what a sidecar can do without Jackson.
 */
final class PlainPayloadConverter implements PayloadConverter {

	static final PlainPayloadConverter INSTANCE = new PlainPayloadConverter();

	private PlainPayloadConverter() {
	}

	@Override
	public Object toPayload(String sidecar, Object value) {
		if (value instanceof byte[] || value instanceof String || value instanceof ByteBuffer) {
			return value;
		}
		throw new MessageConversionException("Sidecar '" + sidecar + "' cannot send a " + value.getClass().getName()
				+ " as JSON: no JSON converter is configured (add tools.jackson.core:jackson-databind to the "
				+ "classpath with Spring Boot, or pass a JacksonPayloadConverter to Sidecars.create); send byte[], "
				+ "String or ByteBuffer otherwise");
	}

	@Override
	public @Nullable Object fromPayload(String sidecar, Object payload, Type type) {
		if (type == Object.class || (type instanceof Class<?> target && target.isInstance(payload))) {
			return payload;
		}
		if (type == String.class && payload instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (type == String.class && payload instanceof ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		if (type == byte[].class && payload instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		if (type == byte[].class && payload instanceof ByteBuffer buffer) {
			byte[] bytes = new byte[buffer.remaining()];
			buffer.duplicate().get(bytes);
			return bytes;
		}
		throw new MessageConversionException("Sidecar '" + sidecar + "' cannot convert a "
				+ payload.getClass().getSimpleName() + " payload to " + type.getTypeName()
				+ ": no JSON converter is configured (add tools.jackson.core:jackson-databind to the classpath with "
				+ "Spring Boot); ask for String or byte[] otherwise");
	}

}
