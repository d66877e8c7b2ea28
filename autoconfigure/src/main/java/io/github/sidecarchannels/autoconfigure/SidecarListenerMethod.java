package io.github.sidecarchannels.autoconfigure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

import io.github.sidecarchannels.core.Sidecar;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.ReflectionUtils;

/**
 * One {@link io.github.sidecarchannels.core.SidecarListener} method, subscribed to its
 * sidecar's inbound channel: converts each payload to the parameter's type and calls the
 * method.
 */
final class SidecarListenerMethod implements MessageHandler {

	private final Object bean;

	private final Method method;

	private final Sidecar sidecar;

	private final boolean wantsMessage;

	private final Type payloadType;

	SidecarListenerMethod(Object bean, Method method, Sidecar sidecar) {
		this.bean = bean;
		this.method = method;
		this.sidecar = sidecar;
		ResolvableType parameter = ResolvableType.forMethodParameter(method, 0);
		this.wantsMessage = Message.class.isAssignableFrom(parameter.toClass());
		ResolvableType payload = this.wantsMessage ? parameter.as(Message.class).getGeneric(0) : parameter;
		this.payloadType = (payload.resolve() == null) ? Object.class
				: (payload.getType() instanceof Class<?> plain) ? plain : payload.getType();
		ReflectionUtils.makeAccessible(method);
	}

	@Override
	public void handleMessage(Message<?> message) {
		@Nullable Object payload = this.sidecar.payloadConverter()
			.fromPayload(this.sidecar.name(), message.getPayload(), this.payloadType);
		if (payload == null) {
			throw new MessageConversionException(message, "Sidecar '" + this.sidecar.name() + "': listener "
					+ describe() + " got a null payload (JSON null); take JsonNode to see it");
		}
		Object argument = this.wantsMessage ? MessageBuilder.createMessage(payload, message.getHeaders()) : payload;
		try {
			this.method.invoke(this.bean, argument);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new MessageHandlingException(message, "Listener " + describe() + " failed", ex.getCause());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Listener " + describe() + " cannot be called", ex);
		}
	}

	private String describe() {
		return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName();
	}

}
