package io.github.sidecarchannels.core.convert;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * AOT hints for methods that are invoked reflectively with parameters bound from JSON,
 * such as {@link io.github.sidecarchannels.core.SidecarListener} methods.
 */
public final class PayloadBindingReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public void registerReflectionHints(ReflectionHints hints, AnnotatedElement element) {
		super.registerReflectionHints(hints, element);
		if (element instanceof Method method) {
			this.bindings.registerReflectionHints(hints, method.getGenericParameterTypes());
		}
	}

}
