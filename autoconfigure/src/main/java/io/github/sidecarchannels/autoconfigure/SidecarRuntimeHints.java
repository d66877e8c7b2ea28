package io.github.sidecarchannels.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * What a native image needs to keep for the Boot side of Sidecar Channels: the setters
 * the binder calls on {@link SidecarProperties} (the bean set itself is generated code)
 * and the failure analyzers that {@code spring.factories} names and Boot creates
 * reflectively.
 */
class SidecarRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(SidecarProperties.class).registerHints(hints, classLoader);
		for (Class<?> analyzer : new Class<?>[] { SidecarConfigurationFailureAnalyzer.class,
				SidecarStartFailureAnalyzer.class }) {
			hints.reflection().registerType(analyzer, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		}
	}

}
