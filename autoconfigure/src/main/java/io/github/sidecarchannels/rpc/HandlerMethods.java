package io.github.sidecarchannels.rpc;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.BiConsumer;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Turns the {@link JsonRpcMethod} and {@link JsonRpcNotification} methods of an object
 * into {@link Handler}s.
 */
final class HandlerMethods {

	private HandlerMethods() {
	}

	static void register(Object bean, JsonMapper mapper, BiConsumer<Handler, Boolean> registry) {
		Class<?> type = AopUtils.getTargetClass(bean);
		Map<Method, JsonRpcMethod> requests = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<JsonRpcMethod>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, JsonRpcMethod.class));
		requests
			.forEach((method, annotation) -> registry.accept(handler(bean, method, annotation.value(), mapper), false));
		Map<Method, JsonRpcNotification> notifications = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<JsonRpcNotification>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, JsonRpcNotification.class));
		notifications
			.forEach((method, annotation) -> registry.accept(handler(bean, method, annotation.value(), mapper), true));
	}

	private static Handler handler(Object bean, Method method, String name, JsonMapper mapper) {
		String description = method.getDeclaringClass().getSimpleName() + "." + method.getName();
		if (method.getParameterCount() > 1) {
			throw new IllegalStateException("JSON-RPC handler " + description + " for '" + name + "' takes "
					+ method.getParameterCount() + " parameters; take none or one, bound from params "
					+ "(a record or Map for by-name params, a List for by-position params)");
		}
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		JavaType paramsType = (method.getParameterCount() == 1)
				? mapper.constructType(method.getGenericParameterTypes()[0]) : null;
		return new Handler(name, paramsType, (params) -> (paramsType != null)
				? ReflectionUtils.invokeMethod(invocable, bean, params) : ReflectionUtils.invokeMethod(invocable, bean),
				description);
	}

}
