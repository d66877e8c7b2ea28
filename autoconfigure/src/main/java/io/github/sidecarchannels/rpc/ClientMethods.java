package io.github.sidecarchannels.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.sidecarchannels.core.Sidecar;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What each abstract method of a {@link SidecarClient} interface does, worked out once
 * when the proxy is created so that a wrong method fails then, not on its first call.
 */
final class ClientMethods {

	private final Map<Method, Call> calls;

	private ClientMethods(Map<Method, Call> calls) {
		this.calls = calls;
	}

	static ClientMethods of(Class<?> type, Sidecar sidecar) {
		Map<Method, Call> calls = new HashMap<>();
		for (Method method : type.getMethods()) {
			if (!method.isDefault() && !Modifier.isStatic(method.getModifiers())
					&& !ReflectionUtils.isObjectMethod(method)) {
				calls.put(method, call(type, method, sidecar));
			}
		}
		return new ClientMethods(Map.copyOf(calls));
	}

	@Nullable Call get(Method method) {
		return this.calls.get(method);
	}

	private static Call call(Class<?> type, Method method, Sidecar sidecar) {
		JsonRpcNotification notification = AnnotatedElementUtils.findMergedAnnotation(method,
				JsonRpcNotification.class);
		JsonRpcMethod request = AnnotatedElementUtils.findMergedAnnotation(method, JsonRpcMethod.class);
		String described = type.getSimpleName() + "." + method.getName();
		if (notification != null && request != null) {
			throw fail(type, sidecar, described + " carries both @JsonRpcMethod and @JsonRpcNotification; keep one");
		}
		if (notification != null) {
			if (method.getReturnType() != void.class) {
				throw fail(type, sidecar,
						"notification " + described + " returns " + method.getGenericReturnType().getTypeName()
								+ "; a notification has no response, so it must return void (use "
								+ "@JsonRpcMethod for a call with a result)");
			}
			return new Call(notification.value(), Kind.NOTIFY, Object.class, Duration.ZERO);
		}
		if (request == null) {
			throw fail(type, sidecar, "method " + described + " has neither @JsonRpcMethod nor "
					+ "@JsonRpcNotification; annotate it, or make it a default method");
		}
		return new Call(request.value(), kind(method), resultType(type, method),
				timeout(type, sidecar, described, request.timeout()));
	}

	private static Kind kind(Method method) {
		if (CompletableFuture.class == method.getReturnType()) {
			return Kind.ASYNC;
		}
		return (method.getReturnType() == void.class) ? Kind.BLOCKING_VOID : Kind.BLOCKING;
	}

	private static Type resultType(Class<?> type, Method method) {
		ResolvableType returned = ResolvableType.forMethodReturnType(method, type);
		if (CompletableFuture.class == returned.resolve()) {
			returned = returned.getGeneric(0);
		}
		Class<?> resolved = returned.resolve(Object.class);
		if (resolved == void.class || resolved == Void.class) {
			return Object.class;
		}
		return (returned.getType() instanceof Class<?> plain) ? plain : returned.getType();
	}

	private static Duration timeout(Class<?> type, Sidecar sidecar, String described, String timeout) {
		if (timeout.isBlank()) {
			return sidecar.definition().requestTimeout();
		}
		try {
			Duration parsed = DurationStyle.detectAndParse(timeout);
			if (parsed.isNegative() || parsed.isZero()) {
				throw new IllegalArgumentException("not positive");
			}
			return parsed;
		}
		catch (IllegalArgumentException ex) {
			throw fail(type, sidecar, described + " has @JsonRpcMethod(timeout = \"" + timeout
					+ "\"), which is not a positive duration; write one like \"500ms\" or \"10s\"");
		}
	}

	private static SidecarClientException fail(Class<?> type, Sidecar sidecar, String problem) {
		return new SidecarClientException(type, sidecar.name(), null, problem);
	}

	enum Kind {

		BLOCKING, BLOCKING_VOID, ASYNC, NOTIFY

	}

	/**
	 * @param name the JSON-RPC method
	 * @param kind how the Java method returns
	 * @param resultType what the result binds to ({@code Object} when it is ignored)
	 * @param timeout the most time for a call
	 */
	record Call(String name, Kind kind, Type resultType, Duration timeout) {

		boolean ignoresResult() {
			return this.resultType == Object.class;
		}

	}

}
