package io.github.sidecarchannels.rpc;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;

import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;

/**
 * AOT hints for handler methods: they are invoked reflectively, and their parameter and
 * return types are bound by Jackson.
 */
final class JsonRpcReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public void registerReflectionHints(ReflectionHints hints, AnnotatedElement element) {
		super.registerReflectionHints(hints, element);
		if (element instanceof Method method) {
			this.bindings.registerReflectionHints(hints, method.getGenericParameterTypes());
			this.bindings.registerReflectionHints(hints, method.getGenericReturnType());
		}
	}

}
